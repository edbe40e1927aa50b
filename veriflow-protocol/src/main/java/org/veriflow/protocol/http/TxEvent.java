package org.veriflow.protocol.http;

/**
 * An event a committed transaction emitted.
 *
 * @param contract the emitting contract
 * @param name the event's name
 * @param data the event's bytes, base64
 */
public record TxEvent(String contract, String name, String data) {}
