package org.veriflow.protocol.http;

/**
 * A recorded access to a dataset version under a grant.
 *
 * @param grantId the grant
 * @param grantee the grant's identity
 * @param datasetId the dataset
 * @param version the version
 * @param kind {@code KEY_RELEASE}, {@code BLOB_DOWNLOAD} or {@code COMPUTE}
 * @param purpose the grant's purpose
 * @param height the height it was recorded at
 * @param timestampMillis the block's time
 * @param txId the recording transaction (64 hex)
 * @param custodian the node that recorded it
 * @param sequence its number among the grant's accesses
 * @param granteeEncryptionKey the key the dataset key was wrapped for (hex; empty for none)
 * @param wrappedKeySha256 the SHA-256 of the wrapped key released (hex; empty for none)
 * @param paid the credits paid for it
 */
public record Access(String grantId, String grantee, String datasetId, long version, String kind, String purpose, long height,
    long timestampMillis, String txId, String custodian, long sequence, String granteeEncryptionKey, String wrappedKeySha256, long paid) {}
