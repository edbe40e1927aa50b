package org.veriflow.node.service;

import org.veriflow.protocol.datasets.DatasetCryptoLabels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.core.crypto.Hash;
import org.veriflow.protocol.proto.datasets.DatasetRecord;
import org.veriflow.protocol.proto.datasets.DatasetStatus;
import org.veriflow.crypto.DataKey;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.crypto.KeyWrap;
import org.veriflow.crypto.StreamingEncryption;

/**
 * The custodian's decryption of a dataset version for compute-to-data and replay: the checked
 * plaintext, each refusal with its code, and no temporary plaintext left behind in any case.
 */
class CustodianDataTest {
  private static final String NODE = "vf1" + "ab".repeat(20);
  private static final byte[] PLAINTEXT = "temperature,humidity\n21.5,40.0\n22.0,41.0\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path blobsDir;
  private BlobStore blobs;
  private final EncryptionKeyPair nodeKey = EncryptionKeyPair.generate();
  private CustodianData data;

  @BeforeEach
  void open() throws Exception {
    blobs = BlobStore.open(blobsDir, 1 << 20);
    data = new CustodianData(blobs, nodeKey, NODE);
  }

  @AfterEach
  void close() {
    nodeKey.destroy();
  }

  /** Encrypts {@code plaintext} under {@code ad}, stores the ciphertext, and returns the version's record. */
  private DatasetRecord.Builder stored(byte[] plaintext, byte[] ad) throws Exception {
    DataKey key = DataKey.generate();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamingEncryption.encrypt(key, new ByteArrayInputStream(plaintext), out, ad);
    byte[] ciphertext = out.toByteArray();
    Hash c = Hash.sha256(ciphertext);
    assertThat(blobs.put(c, new ByteArrayInputStream(ciphertext))).isInstanceOf(BlobStore.Stored.class);
    byte[] wrapped = KeyWrap.wrap(key, nodeKey.publicKey(), DatasetCryptoLabels.custody("room", 1));
    key.destroy();
    return DatasetRecord.newBuilder().setDatasetId("room").setVersion(1).setStatus(DatasetStatus.ACTIVE).setCustodian(NODE)
        .setPlaintextSha256(ByteString.copyFrom(Hash.sha256(plaintext).bytes())).setPlaintextBytes(plaintext.length)
        .setCiphertextSha256(ByteString.copyFrom(c.bytes())).setCiphertextBytes(ciphertext.length)
        .setCustodyKey(ByteString.copyFrom(wrapped));
  }

  private static List<Path> computeTemps() throws Exception {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("veriflow-compute-")).toList();
    }
  }

  private void refused(DatasetRecord d, String code) throws Exception {
    List<Path> before = computeTemps();
    assertThatThrownBy(() -> data.plaintext(d))
        .isInstanceOfSatisfying(CustodianData.Unavailable.class, e -> assertThat(e.code).isEqualTo(code));
    assertThat(computeTemps()).isSubsetOf(before);
  }

  @Test
  void plaintext_custodianWithItsCiphertext_returnsCheckedBytesAndLeavesNoTemporaryFile() throws Exception {
    DatasetRecord d = stored(PLAINTEXT, DatasetCryptoLabels.ciphertext("room", 1)).build();
    List<Path> before = computeTemps();

    assertThat(data.plaintext(d)).isEqualTo(PLAINTEXT);

    assertThat(computeTemps()).isSubsetOf(before);
  }

  @Test
  void plaintext_recordedHashDiffers_refusedPlaintextMismatchNoTemporaryFile() throws Exception {
    DatasetRecord d = stored(PLAINTEXT, DatasetCryptoLabels.ciphertext("room", 1))
        .setPlaintextSha256(ByteString.copyFrom(Hash.sha256(new byte[] {1}).bytes())).build();

    refused(d, "PLAINTEXT_MISMATCH");
  }

  @Test
  void plaintext_ciphertextUnderOtherAssociatedData_refusedCiphertextInvalid() throws Exception {
    refused(stored(PLAINTEXT, "other".getBytes(StandardCharsets.UTF_8)).build(), "CIPHERTEXT_INVALID");
  }

  @Test
  void plaintext_anotherCustodian_refusedNotCustodian() throws Exception {
    refused(stored(PLAINTEXT, DatasetCryptoLabels.ciphertext("room", 1)).setCustodian("vf1" + "cd".repeat(20)).build(), "NOT_CUSTODIAN");
  }

  @Test
  void plaintext_erasedVersion_refusedDatasetErased() throws Exception {
    refused(stored(PLAINTEXT, DatasetCryptoLabels.ciphertext("room", 1)).setStatus(DatasetStatus.ERASED).build(), "DATASET_ERASED");
  }

  @Test
  void plaintext_custodyKeyWrappedForAnotherNode_refusedCustodyKeyInvalid() throws Exception {
    EncryptionKeyPair other = EncryptionKeyPair.generate();
    DataKey key = DataKey.generate();
    byte[] wrapped = KeyWrap.wrap(key, other.publicKey(), DatasetCryptoLabels.custody("room", 1));
    key.destroy();
    other.destroy();

    refused(stored(PLAINTEXT, DatasetCryptoLabels.ciphertext("room", 1)).setCustodyKey(ByteString.copyFrom(wrapped)).build(),
        "CUSTODY_KEY_INVALID");
  }

  @Test
  void plaintext_ciphertextNotInBlobStore_refusedUnknownBlob() throws Exception {
    DatasetRecord d = stored(PLAINTEXT, DatasetCryptoLabels.ciphertext("room", 1))
        .setCiphertextSha256(ByteString.copyFrom(Hash.sha256(new byte[] {2}).bytes())).build();

    refused(d, "UNKNOWN_BLOB");
  }

  @Test
  void parseReference_datasetVersionForm_parsedOtherFormsEmpty() {
    assertThat(CustodianData.parseReference("dataset:room-climate/12")).contains(new CustodianData.VersionRef("room-climate", 12));
    assertThat(CustodianData.reference("room-climate", 12)).isEqualTo("dataset:room-climate/12");
    assertThat(CustodianData.parseReference("dataset:room-climate/0")).isEmpty();
    assertThat(CustodianData.parseReference("dataset:Room/1")).isEmpty();
    assertThat(CustodianData.parseReference("dataset:room")).isEmpty();
    assertThat(CustodianData.parseReference("ab".repeat(32))).isEmpty();
  }
}
