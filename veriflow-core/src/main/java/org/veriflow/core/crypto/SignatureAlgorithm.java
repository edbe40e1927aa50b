package org.veriflow.core.crypto;

/**
 * The signature schemes Veriflow accepts.
 *
 * <ul>
 *   <li>{@link #ED25519}: RFC 8032 pure Ed25519; 32-byte public keys, 64-byte signatures; S must be
 *       below the group order L and points must be canonically encoded.
 *   <li>{@link #P256}: ECDSA over NIST P-256 with SHA-256, for devices whose secure elements only do
 *       P-256. Public keys on chain are 33-byte compressed SEC1 points; signatures are 64-byte
 *       {@code r || s} (IEEE P1363) with {@code s <= n/2} (low-S); a high-S signature is rejected.
 * </ul>
 */
public enum SignatureAlgorithm {
  ED25519(32, 64),
  P256(33, 64);

  private final int publicKeyLength;
  private final int signatureLength;

  SignatureAlgorithm(int publicKeyLength, int signatureLength) {
    this.publicKeyLength = publicKeyLength;
    this.signatureLength = signatureLength;
  }

  /** Length of the on-chain public key encoding, in bytes. */
  public int publicKeyLength() {
    return publicKeyLength;
  }

  /** Length of a signature, in bytes. */
  public int signatureLength() {
    return signatureLength;
  }

  /** Lower-case name as used in files and on the command line: {@code ed25519} or {@code p256}. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Parses {@code ed25519} or {@code p256}, any case.
   *
   * @throws IllegalArgumentException for any other name
   */
  public static SignatureAlgorithm parse(String label) {
    for (SignatureAlgorithm a : values()) {
      if (a.label().equalsIgnoreCase(label)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown key type '" + label + "': expected ed25519 or p256");
  }
}
