package org.veriflow.protocol.http;

/**
 * One block of {@link CommittedBlocks}. Unlike the other bodies, a null position is written as an
 * explicit {@code null}.
 *
 * @param height its height
 * @param block its {@code Block} bytes, base64
 * @param position the orderer's position after it, base64, or null when the node keeps none
 */
public record CommittedBlock(long height, String block, String position) {}
