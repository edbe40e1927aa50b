package org.veriflow.protocol.datasets;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The byte strings a dataset's encryption is bound to. The publisher, the custodian node and every
 * downloader must compute exactly these bytes, or authentication fails; they exist here once.
 *
 * <ul>
 *   <li>{@link #ciphertext}: the associated data of a version's streaming-AEAD ciphertext, UTF-8
 *       {@code veriflow-dataset/<dataset id>/<version>}, so a ciphertext cannot pass for another
 *       dataset's or another version's;
 *   <li>{@link #custody}: the HPKE context a version's data key is wrapped under for its custodian,
 *       UTF-8 {@code veriflow-custody/<dataset id>/<version>};
 *   <li>{@link #grant}: the HPKE context the custodian re-wraps that key under for a grantee, UTF-8
 *       {@code veriflow-grant/<grant id>}.
 * </ul>
 *
 * <p>Each call returns a fresh array. Stateless and thread-safe.
 */
public final class DatasetCryptoLabels {
  private DatasetCryptoLabels() {}

  /**
   * The associated data of a dataset version's ciphertext.
   *
   * @param datasetId the dataset's id
   * @param version the version, 1 or more
   * @return UTF-8 {@code veriflow-dataset/<datasetId>/<version>}
   * @throws NullPointerException if {@code datasetId} is null
   */
  public static byte[] ciphertext(String datasetId, long version) {
    return utf8("veriflow-dataset/" + Objects.requireNonNull(datasetId, "datasetId") + "/" + version);
  }

  /**
   * The context a version's data key is wrapped under for its custodian.
   *
   * @param datasetId the dataset's id
   * @param version the version, 1 or more
   * @return UTF-8 {@code veriflow-custody/<datasetId>/<version>}
   * @throws NullPointerException if {@code datasetId} is null
   */
  public static byte[] custody(String datasetId, long version) {
    return utf8("veriflow-custody/" + Objects.requireNonNull(datasetId, "datasetId") + "/" + version);
  }

  /**
   * The context a data key is re-wrapped under for a grantee.
   *
   * @param grantId the grant's id
   * @return UTF-8 {@code veriflow-grant/<grantId>}
   * @throws NullPointerException if {@code grantId} is null
   */
  public static byte[] grant(String grantId) {
    return utf8("veriflow-grant/" + Objects.requireNonNull(grantId, "grantId"));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
