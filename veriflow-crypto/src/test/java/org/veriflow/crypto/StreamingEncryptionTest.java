package org.veriflow.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.util.SecretBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.veriflow.core.Hex;
import org.veriflow.core.crypto.Hash;
import org.veriflow.crypto.TestStreams.FailingInputStream;
import org.veriflow.crypto.TestStreams.MeasuringInputStream;
import org.veriflow.crypto.TestStreams.TrackingOutputStream;

class StreamingEncryptionTest {
  private static final byte[] AD = "dataset/7f3a/version/2".getBytes(StandardCharsets.UTF_8);
  private static final int TINK_HEADER = 40;
  private static final int TAG = 16;
  private static final int SEGMENT = 4096;
  private static final int FIRST_SEGMENT_PLAINTEXT = SEGMENT - TAG - TINK_HEADER; // 4,040
  private static final int SEGMENT_PLAINTEXT = SEGMENT - TAG; // 4,080

  private final DataKey key = DataKey.generate();

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(
      ints = {
        0,
        1,
        FIRST_SEGMENT_PLAINTEXT - 1,
        FIRST_SEGMENT_PLAINTEXT,
        FIRST_SEGMENT_PLAINTEXT + 1,
        FIRST_SEGMENT_PLAINTEXT + SEGMENT_PLAINTEXT,
        FIRST_SEGMENT_PLAINTEXT + SEGMENT_PLAINTEXT + 1,
        StreamingEncryption.READ_CHUNK_BYTES,
        StreamingEncryption.READ_CHUNK_BYTES + 1,
        5 * 1024 * 1024
      })
  void encryptThenDecrypt_anyLength_returnsPlaintextAndJdkDigests(int length) throws Exception {
    byte[] plaintext = TestStreams.randomBytes(length, length);
    ByteArrayOutputStream ciphertext = new ByteArrayOutputStream();

    Digests enc = StreamingEncryption.encrypt(key, new ByteArrayInputStream(plaintext), ciphertext, AD);

    byte[] ct = ciphertext.toByteArray();
    assertThat(ct).hasSize(21 + TINK_HEADER + length + TAG * segments(length));
    assertThat(enc).isEqualTo(new Digests(jdkSha256(plaintext), jdkSha256(ct), length, ct.length));

    ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
    Digests dec = StreamingEncryption.decrypt(key, new ByteArrayInputStream(ct), decrypted, AD);

    assertThat(decrypted.toByteArray()).isEqualTo(plaintext);
    assertThat(dec).isEqualTo(enc);
  }

  @Test
  void encrypt_header_isMagicVersionAndKeyId() throws Exception {
    byte[] ct = encrypt(key, new byte[10], AD);

    assertThat(Arrays.copyOf(ct, 4)).isEqualTo("VFDE".getBytes(StandardCharsets.US_ASCII));
    assertThat(ct[4]).isEqualTo((byte) 1);
    assertThat(Hex.encode(Arrays.copyOfRange(ct, 5, 21))).isEqualTo(key.id());
    assertThat(ct[21]).as("Tink header length byte").isEqualTo((byte) TINK_HEADER);
  }

  @Test
  void encrypt_samePlaintextTwice_differentCiphertextsBothDecrypt() throws Exception {
    byte[] plaintext = TestStreams.randomBytes(1000, 1);
    byte[] a = encrypt(key, plaintext, AD);
    byte[] b = encrypt(key, plaintext, AD);

    assertThat(a).isNotEqualTo(b);
    assertThat(decrypt(key, a, AD)).isEqualTo(plaintext);
    assertThat(decrypt(key, b, AD)).isEqualTo(plaintext);
  }

  @Test
  void ciphertext_afterVeriflowHeader_isTinkStreamWithHeaderInAssociatedData() throws Exception {
    byte[] plaintext = TestStreams.randomBytes(FIRST_SEGMENT_PLAINTEXT + 12345, 2);
    byte[] ct = encrypt(key, plaintext, AD);
    byte[] material = key.material();
    var tink =
        AesGcmHkdfStreaming.create(
            AesGcmHkdfStreamingKey.create(
                PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB,
                SecretBytes.copyFrom(material, InsecureSecretKeyAccess.get())));
    byte[] tinkAd = KeyWrap.concat(Arrays.copyOf(ct, 21), AD);

    try (InputStream in = tink.newDecryptingStream(new ByteArrayInputStream(ct, 21, ct.length - 21), tinkAd)) {
      assertThat(in.readAllBytes()).isEqualTo(plaintext);
    }
  }

  @Test
  void decrypt_goldenCiphertext_givesGoldenPlaintext() throws Exception {
    // Written once by StreamingEncryption format version 1; a change here breaks existing files.
    DataKey fixed = DataKey.fromMaterial(GoldenValues.dataKeyMaterial());
    byte[] ct = Hex.decode(GoldenValues.DATASET_CIPHERTEXT_HEX);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Digests digests = StreamingEncryption.decrypt(fixed, new ByteArrayInputStream(ct), out, GoldenValues.DATASET_AD);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(GoldenValues.DATASET_PLAINTEXT);
    assertThat(digests.ciphertextSha256()).isEqualTo(jdkSha256(ct));
  }

  @Test
  void decrypt_everyFlippedBit_refusedWithTheCodeOfItsField() throws Exception {
    byte[] ct = encrypt(key, TestStreams.randomBytes(100, 3), AD);
    CaseFailures failures = new CaseFailures("bit flips");
    for (int i = 0; i < ct.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = ct.clone();
        bad[i] ^= (byte) (1 << bit);
        CryptoFailure expected =
            i < 4 ? CryptoFailure.MALFORMED
                : i == 4 ? CryptoFailure.UNSUPPORTED_VERSION
                : i < 21 ? CryptoFailure.WRONG_KEY
                : CryptoFailure.TAMPERED;
        String outcome = outcome(key, bad, AD);
        failures.check("byte " + i + " bit " + bit, outcome.equals(expected.name()), "expected " + expected + ", got " + outcome);
      }
    }
    assertThat(failures.cases()).isEqualTo(ct.length * 8);
    failures.assertNoneFailed();
  }

  @Test
  void decrypt_flippedBitsInMultiSegmentCiphertext_tampered() throws Exception {
    byte[] ct = encrypt(key, TestStreams.randomBytes(FIRST_SEGMENT_PLAINTEXT + 40 * SEGMENT_PLAINTEXT + 10, 4), AD);
    // Segment k starts at 21 + k * SEGMENT (the first one after Tink's header, at 61). Flip the first
    // byte, a middle byte and the last (tag) byte of every segment.
    CaseFailures failures = new CaseFailures("bit flips in 42 segments");
    for (int start = 21; start < ct.length; start += SEGMENT) {
      int end = Math.min(start + SEGMENT, ct.length);
      for (int p : new int[] {start, (start + end) / 2, end - 1}) {
        byte[] bad = ct.clone();
        bad[p] ^= 0x01;
        String outcome = outcome(key, bad, AD);
        failures.check("offset " + p, outcome.equals("TAMPERED"), "got " + outcome);
      }
    }
    assertThat(failures.cases()).isEqualTo(3 * 42);
    failures.assertNoneFailed();
  }

  @Test
  void decrypt_everyTruncation_refused() throws Exception {
    byte[] ct = encrypt(key, TestStreams.randomBytes(100, 5), AD);
    CaseFailures failures = new CaseFailures("truncations");
    for (int length = 0; length < ct.length; length++) {
      CryptoFailure expected = length < 21 ? CryptoFailure.MALFORMED : CryptoFailure.TAMPERED;
      String outcome = outcome(key, Arrays.copyOf(ct, length), AD);
      failures.check("length " + length, outcome.equals(expected.name()), "expected " + expected + ", got " + outcome);
    }
    failures.assertNoneFailed();
  }

  @Test
  void decrypt_truncatedAtSegmentBoundary_tamperedAfterWritingOnlyAuthenticPrefix() throws Exception {
    byte[] plaintext = TestStreams.randomBytes(FIRST_SEGMENT_PLAINTEXT + 40 * SEGMENT_PLAINTEXT + 100, 6);
    byte[] ct = encrypt(key, plaintext, AD);
    byte[] cut = Arrays.copyOf(ct, 21 + 30 * SEGMENT); // 30 whole segments, the last ones missing
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> StreamingEncryption.decrypt(key, new ByteArrayInputStream(cut), out, AD))
        .isInstanceOf(CryptoException.class)
        .extracting(e -> ((CryptoException) e).code())
        .isEqualTo(CryptoFailure.TAMPERED);
    byte[] released = out.toByteArray();
    assertThat(released.length).isPositive().isLessThan(plaintext.length);
    assertThat(released).isEqualTo(Arrays.copyOf(plaintext, released.length));
  }

  @Test
  void decrypt_appendedBytes_tampered() throws Exception {
    byte[] ct = encrypt(key, TestStreams.randomBytes(FIRST_SEGMENT_PLAINTEXT + 50, 7), AD);
    CaseFailures failures = new CaseFailures("appended bytes");
    for (byte[] tail : new byte[][] {{0}, new byte[TAG], Arrays.copyOfRange(ct, ct.length - 66, ct.length)}) {
      byte[] extended = KeyWrap.concat(ct, tail);
      String outcome = outcome(key, extended, AD);
      failures.check(tail.length + " bytes", outcome.equals("TAMPERED"), "got " + outcome);
    }
    failures.assertNoneFailed();
  }

  @Test
  void decrypt_swappedSegments_tampered() throws Exception {
    byte[] ct = encrypt(key, TestStreams.randomBytes(FIRST_SEGMENT_PLAINTEXT + 3 * SEGMENT_PLAINTEXT, 8), AD);
    byte[] swapped = ct.clone();
    System.arraycopy(ct, 21 + SEGMENT, swapped, 21 + 2 * SEGMENT, SEGMENT);
    System.arraycopy(ct, 21 + 2 * SEGMENT, swapped, 21 + SEGMENT, SEGMENT);

    assertThat(outcome(key, swapped, AD)).isEqualTo("TAMPERED");
  }

  @Test
  void decrypt_wrongKey_wrongKeyNamingBothIds() throws Exception {
    byte[] ct = encrypt(key, new byte[] {1, 2, 3}, AD);
    DataKey other = DataKey.generate();

    assertThatThrownBy(() -> decrypt(other, ct, AD))
        .isInstanceOf(CryptoException.class)
        .hasMessage("the dataset was encrypted under data key " + key.id() + ", not " + other.id())
        .extracting(e -> ((CryptoException) e).code())
        .isEqualTo(CryptoFailure.WRONG_KEY);
  }

  @Test
  void decrypt_wrongKeyWithHeaderRewrittenToItsId_tampered() throws Exception {
    byte[] ct = encrypt(key, new byte[] {1, 2, 3}, AD);
    DataKey other = DataKey.generate();
    System.arraycopy(other.idBytes(), 0, ct, 5, 16);

    assertThat(outcome(other, ct, AD)).isEqualTo("TAMPERED");
  }

  @Test
  void decrypt_wrongAssociatedData_tampered() throws Exception {
    byte[] ct = encrypt(key, TestStreams.randomBytes(5000, 9), AD);

    assertThat(outcome(key, ct, "dataset/7f3a/version/3".getBytes(StandardCharsets.UTF_8))).isEqualTo("TAMPERED");
    assertThat(outcome(key, ct, new byte[0])).isEqualTo("TAMPERED");
    assertThat(outcome(key, ct, AD)).isEqualTo("OK");
  }

  @Test
  void decrypt_otherFormats_malformedOrUnsupportedVersion() throws Exception {
    byte[] ct = encrypt(key, new byte[10], AD);
    byte[] v2 = ct.clone();
    v2[4] = 2;

    assertThatThrownBy(() -> decrypt(key, v2, AD))
        .isInstanceOf(CryptoException.class)
        .hasMessage("dataset ciphertext format version 2 is not supported; this build reads version 1");
    assertThatThrownBy(() -> decrypt(key, "PK\u0003\u0004 a zip file".getBytes(StandardCharsets.ISO_8859_1), AD))
        .isInstanceOf(CryptoException.class)
        .hasMessage("not a Veriflow dataset ciphertext: it does not start with 'VFDE'");
    assertThatThrownBy(() -> decrypt(key, new byte[0], AD))
        .isInstanceOf(CryptoException.class)
        .extracting(e -> ((CryptoException) e).code())
        .isEqualTo(CryptoFailure.MALFORMED);
    assertThatThrownBy(() -> decrypt(key, Arrays.copyOf(ct, 12), AD))
        .isInstanceOf(CryptoException.class)
        .hasMessage("dataset ciphertext ends after 12 bytes, inside its 21-byte header");
  }

  @Test
  void decrypt_inputFails_rethrowsTheIoExceptionNotCryptoException() throws Exception {
    byte[] ct = encrypt(key, TestStreams.randomBytes(50 * SEGMENT_PLAINTEXT, 10), AD);
    IOException disk = new IOException("disk gone");

    for (long at : new long[] {10, 30, 5000, 100_000, ct.length - 5}) {
      InputStream failing = new FailingInputStream(new ByteArrayInputStream(ct), at, disk);
      assertThatThrownBy(() -> StreamingEncryption.decrypt(key, failing, new ByteArrayOutputStream(), AD))
          .as("failure after %d bytes", at)
          .isSameAs(disk);
    }
  }

  @Test
  void encrypt_inputFailsMidway_throwsAndPartialOutputNeverDecrypts() throws Exception {
    byte[] plaintext = TestStreams.randomBytes(50 * SEGMENT, 11);
    IOException disk = new IOException("disk gone");
    ByteArrayOutputStream partial = new ByteArrayOutputStream();

    assertThatThrownBy(
            () -> StreamingEncryption.encrypt(
                key, new FailingInputStream(new ByteArrayInputStream(plaintext), 40 * SEGMENT + 7, disk), partial, AD))
        .isSameAs(disk);
    assertThat(partial.size()).as("whole segments were written").isGreaterThanOrEqualTo(StreamingEncryption.READ_CHUNK_BYTES);
    assertThat(outcome(key, partial.toByteArray(), AD)).isEqualTo("TAMPERED");
  }

  @Test
  void encryptAndDecrypt_readInputInBoundedChunks() throws Exception {
    byte[] plaintext = TestStreams.randomBytes(5 * 1024 * 1024, 12);
    MeasuringInputStream plainIn = new MeasuringInputStream(plaintext);
    TrackingOutputStream ciphertext = new TrackingOutputStream();

    StreamingEncryption.encrypt(key, plainIn, ciphertext, AD);

    assertThat(plainIn.position()).isEqualTo(plaintext.length);
    assertThat(plainIn.largestRequest()).isPositive().isLessThanOrEqualTo(StreamingEncryption.READ_CHUNK_BYTES);

    MeasuringInputStream cipherIn = new MeasuringInputStream(ciphertext.toByteArray());
    ByteArrayOutputStream decrypted = new ByteArrayOutputStream();
    StreamingEncryption.decrypt(key, cipherIn, decrypted, AD);

    assertThat(decrypted.toByteArray()).isEqualTo(plaintext);
    assertThat(cipherIn.position()).isEqualTo(ciphertext.size());
    assertThat(cipherIn.largestRequest()).isPositive().isLessThanOrEqualTo(StreamingEncryption.READ_CHUNK_BYTES);
  }

  @Test
  void encryptAndDecrypt_streamsServingFewBytesPerRead_sameResult() throws Exception {
    byte[] plaintext = TestStreams.randomBytes(100_000, 13);
    ByteArrayOutputStream ct = new ByteArrayOutputStream();
    Digests enc = StreamingEncryption.encrypt(key, new MeasuringInputStream(plaintext, 7), ct, AD);
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    Digests dec = StreamingEncryption.decrypt(key, new MeasuringInputStream(ct.toByteArray(), 5), out, AD);

    assertThat(out.toByteArray()).isEqualTo(plaintext);
    assertThat(dec).isEqualTo(enc);
  }

  @Test
  void encryptAndDecrypt_leaveCallersStreamsOpenAndFlushed() throws Exception {
    MeasuringInputStream plainIn = new MeasuringInputStream(new byte[100]);
    TrackingOutputStream cipherOut = new TrackingOutputStream();
    StreamingEncryption.encrypt(key, plainIn, cipherOut, AD);
    MeasuringInputStream cipherIn = new MeasuringInputStream(cipherOut.toByteArray());
    TrackingOutputStream plainOut = new TrackingOutputStream();
    StreamingEncryption.decrypt(key, cipherIn, plainOut, AD);

    assertThat(Stream.of(plainIn.closed(), cipherOut.closed(), cipherIn.closed(), plainOut.closed())).containsOnly(false);
    assertThat(cipherOut.flushes()).isPositive();
    assertThat(plainOut.flushes()).isPositive();
  }

  @Test
  void decryptToFile_success_writesFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
    byte[] plaintext = TestStreams.randomBytes(FIRST_SEGMENT_PLAINTEXT + 10, 14);
    byte[] ct = encrypt(key, plaintext, AD);
    Path target = dir.resolve("data.csv");

    Digests digests = StreamingEncryption.decryptToFile(key, new ByteArrayInputStream(ct), target, AD);

    assertThat(Files.readAllBytes(target)).isEqualTo(plaintext);
    assertThat(digests.plaintextSha256()).isEqualTo(jdkSha256(plaintext));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void decryptToFile_tampered_leavesExistingTargetUntouchedAndNoTemporaryFile(@TempDir Path dir) throws Exception {
    byte[] ct = encrypt(key, TestStreams.randomBytes(FIRST_SEGMENT_PLAINTEXT + 10, 15), AD);
    byte[] truncated = Arrays.copyOf(ct, ct.length - 1);
    Path target = dir.resolve("data.csv");
    Files.writeString(target, "previous version");

    assertThatThrownBy(() -> StreamingEncryption.decryptToFile(key, new ByteArrayInputStream(truncated), target, AD))
        .isInstanceOf(CryptoException.class)
        .extracting(e -> ((CryptoException) e).code())
        .isEqualTo(CryptoFailure.TAMPERED);
    assertThat(Files.readString(target)).isEqualTo("previous version");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
  }

  @Test
  void encryptAndDecrypt_destroyedKey_illegalState() throws Exception {
    DataKey doomed = DataKey.generate();
    byte[] ct = encrypt(doomed, new byte[1], AD);
    doomed.destroy();

    assertThatThrownBy(() -> encrypt(doomed, new byte[1], AD))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("data key " + doomed.id() + " was destroyed");
    assertThatThrownBy(() -> decrypt(doomed, ct, AD)).isInstanceOf(IllegalStateException.class);
  }

  static byte[] encrypt(DataKey key, byte[] plaintext, byte[] ad) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamingEncryption.encrypt(key, new ByteArrayInputStream(plaintext), out, ad);
    return out.toByteArray();
  }

  static byte[] decrypt(DataKey key, byte[] ciphertext, byte[] ad) throws IOException, CryptoException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StreamingEncryption.decrypt(key, new ByteArrayInputStream(ciphertext), out, ad);
    return out.toByteArray();
  }

  /** "OK", or the failure code's name. */
  private static String outcome(DataKey key, byte[] ciphertext, byte[] ad) throws IOException {
    try {
      decrypt(key, ciphertext, ad);
      return "OK";
    } catch (CryptoException e) {
      return e.code().name();
    }
  }

  private static int segments(int plaintextLength) {
    if (plaintextLength <= FIRST_SEGMENT_PLAINTEXT) {
      return 1;
    }
    return 1 + (plaintextLength - FIRST_SEGMENT_PLAINTEXT + SEGMENT_PLAINTEXT - 1) / SEGMENT_PLAINTEXT;
  }

  private static Hash jdkSha256(byte[] data) throws Exception {
    return Hash.of(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
