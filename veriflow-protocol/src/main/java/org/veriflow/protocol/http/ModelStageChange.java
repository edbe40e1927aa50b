package org.veriflow.protocol.http;

/**
 * One stage change of a model.
 *
 * @param from the stage before
 * @param to the stage after
 * @param by the identity that changed it
 * @param height the height it changed at
 * @param reason why
 * @param txId the changing transaction (64 hex)
 */
public record ModelStageChange(String from, String to, String by, long height, String reason, String txId) {}
