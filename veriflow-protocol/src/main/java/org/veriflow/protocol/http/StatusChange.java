package org.veriflow.protocol.http;

/**
 * One status change of a dataset version or a grant.
 *
 * @param from the status before
 * @param to the status after
 * @param by the identity that changed it
 * @param height the height it changed at
 * @param reason why
 * @param txId the changing transaction (64 hex)
 */
public record StatusChange(String from, String to, String by, long height, String reason, String txId) {}
