package org.veriflow.protocol.http;

/**
 * {@code GET /v1/checkpoints/{height}} and {@code /v1/checkpoints/latest}: the node's signed
 * statement of its block and state hash at a height.
 *
 * @param chainId the chain's id
 * @param height the checkpoint's height
 * @param blockHash the block's hash at that height (64 hex)
 * @param stateHash the state's hash after that block (64 hex)
 * @param signer the node key that signed it
 * @param checkpoint the {@code Checkpoint} bytes as signed, base64
 * @param signature the signature over them, base64
 */
public record SignedCheckpoint(String chainId, long height, String blockHash, String stateHash, CheckpointSigner signer,
    String checkpoint, String signature) {}
