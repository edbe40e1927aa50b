package org.veriflow.crypto;

import java.nio.charset.StandardCharsets;

/**
 * Fixed inputs and outputs of Veriflow's own formats, written once by format version 1. A change to
 * any of them is deliberate and explained in the commit: files and grants already stored depend on
 * them.
 */
final class GoldenValues {
  private GoldenValues() {}

  /** The data key 00 01 02 … 1f. */
  static byte[] dataKeyMaterial() {
    byte[] k = new byte[32];
    for (int i = 0; i < k.length; i++) {
      k[i] = (byte) i;
    }
    return k;
  }

  /**
   * {@link DataKey#id()} of {@link #dataKeyMaterial()}; the same as {@code echo -n
   * veriflow/data-key-id/v1 | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f}, cut to 16 bytes.
   */
  static final String DATA_KEY_ID = "7d4d17cd5efe91e89f91b7b9019e3f80";

  /** {@link DataKey#toBytes()} of {@link #dataKeyMaterial()}. */
  static final String DATA_KEY_BYTES_HEX =
      "08cdafb4ea07127a0a6e0a3d747970652e676f6f676c65617069732e636f6d2f676f6f676c652e63727970746f2e7469"
      + "6e6b2e41657347636d486b646653747265616d696e674b6579122b1207088020102018031a2000010203040506070809"
      + "0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f1801100118cdafb4ea072003";

  static final String DATASET_PLAINTEXT = "time,device,temperature,humidity\n00:00:00,mote-1,24.8,41.2\n";
  static final byte[] DATASET_AD = "dataset/golden/version/1".getBytes(StandardCharsets.UTF_8);

  /** {@link #DATASET_PLAINTEXT} encrypted under {@link #dataKeyMaterial()} with {@link #DATASET_AD}. */
  static final String DATASET_CIPHERTEXT_HEX =
      "56464445017d4d17cd5efe91e89f91b7b9019e3f8028b4bdf7f476561d7242ed5ab8dafa99f844d13078433089cefd7b"
      + "5433b1f1f034114d9ad723fdbcc98ab14d455787c04c6eb7007012be3bad51ef1879a46007e62b0fc7164f9f52541884"
      + "a60704329e7e26ef0bdf0436620bade813becc21e1e7bb644b54b172b8dfc44d357f9e3c479e0f78";

  /** RFC 7748 section 6.1, Alice's private key: the recipient of {@link #WRAPPED_KEY_HEX}. */
  static final String RECIPIENT_PRIVATE_HEX = "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";

  static final byte[] WRAP_CONTEXT = "grant/dataset/golden/version/1/to/alice".getBytes(StandardCharsets.UTF_8);

  /** {@link #dataKeyMaterial()} wrapped for {@link #RECIPIENT_PRIVATE_HEX}'s key with {@link #WRAP_CONTEXT}. */
  static final String WRAPPED_KEY_HEX =
      "5646574b01300c9c9603b92a4b39ed3958bf9240112042d84f52ca817e3ed6ce72026dc35bd178ed739b09a7d3be34d0"
      + "b5fc4a8c010fa5b9a5c8ec505ac326f55415b2b8c76cc222eefb8cc369dabde883ec747a154cfaa812e406dd32a5fd53"
      + "ca5efb84fa";
}
