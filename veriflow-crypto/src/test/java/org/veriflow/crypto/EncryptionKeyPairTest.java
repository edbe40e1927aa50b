package org.veriflow.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionKeyPairTest {
  /** Test-only keys written by OpenSSL 3.0 ({@code openssl genpkey}); public key from {@code openssl pkey -pubout}. */
  private static final String OPENSSL_X25519 =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VuBCIEIAAokTHzeDw2YjBSBC8dYxdPen0PUY5jHFRSliRUaXl8
      -----END PRIVATE KEY-----
      """;
  private static final String OPENSSL_X25519_PUBLIC = "5fb0ab193162e1f16a7788775f583e6ce9d23cff880884e9e860965793b58922";
  private static final String OPENSSL_ED25519 =
      """
      -----BEGIN PRIVATE KEY-----
      MC4CAQAwBQYDK2VwBCIEINLRRgnz0HL/P++/Zdbq7YtFW7uGMneg9wFmV/4ySQJN
      -----END PRIVATE KEY-----
      """;
  private static final String OPENSSL_X448 =
      """
      -----BEGIN PRIVATE KEY-----
      MEYCAQAwBQYDK2VvBDoEOCDf7svCNr07YoZeKc41XD5BVUAmsw7++Z+ftx+f8yB7
      Hkb3rzZVzJRSo8RT17c4YX0kwYot67KO
      -----END PRIVATE KEY-----
      """;
  private static final String OPENSSL_P256 =
      """
      -----BEGIN PRIVATE KEY-----
      MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgf7e4AROaHyey97YR
      mWa41UjwLfHe3LIK7y4XRQobj2+hRANCAAT8pO4zxGXjpxQqSyusvQ8cKnwVYg8A
      xZW2PlyzviZmx1/WQlaPKYD9WvKc4ZmLfAx8wCp86Fb0HICaRjARsHS7
      -----END PRIVATE KEY-----
      """;
  private static final String OPENSSL_ENCRYPTED =
      """
      -----BEGIN ENCRYPTED PRIVATE KEY-----
      MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhgV0b2ddQ0RAICCAAw
      DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEMms/Whf6GC1IfPngCSIvQoEQPCe
      DJUAdtDOd48yTwstL08HVmvW/u5+uDTc43OYiGlJmY50emIAQ10AZRcvf3E1YcLz
      qb9+aZHDYqpbLrhPhTU=
      -----END ENCRYPTED PRIVATE KEY-----
      """;

  @Test
  void generate_twice_differentValidPublicKeys() {
    EncryptionKeyPair a = EncryptionKeyPair.generate();
    EncryptionKeyPair b = EncryptionKeyPair.generate();

    assertThat(a.publicKey()).isNotEqualTo(b.publicKey());
    assertThat(EncryptionPublicKey.of(a.publicKey().bytes())).isEqualTo(a.publicKey());
  }

  @Test
  void toPemThenFromPem_samePrivateKey() throws Exception {
    EncryptionKeyPair pair = EncryptionKeyPair.generate();
    String pem = pair.toPem();

    EncryptionKeyPair read = EncryptionKeyPair.fromPem(pem);

    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("\n-----END PRIVATE KEY-----\n");
    assertThat(read.publicKey()).isEqualTo(pair.publicKey());
    assertThat(read.privateKey()).isEqualTo(pair.privateKey());
  }

  @Test
  void toPem_isPkcs8X25519AsRfc8410() throws Exception {
    String pem = EncryptionKeyPair.generate().toPem();
    byte[] der = java.util.Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));

    assertThat(der).hasSize(48);
    // SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.110 }, OCTET STRING { OCTET STRING (32) } }
    assertThat(org.veriflow.core.Hex.encode(Arrays.copyOf(der, 16))).isEqualTo("302e020100300506032b656e04220420");
  }

  @Test
  void fromPem_keyWrittenByOpenssl_samePublicKeyAsOpenssl() throws Exception {
    assertThat(EncryptionKeyPair.fromPem(OPENSSL_X25519).publicKey().hex()).isEqualTo(OPENSSL_X25519_PUBLIC);
  }

  @Test
  void fromPem_textBeforeTheBlock_ignored() throws Exception {
    assertThat(EncryptionKeyPair.fromPem("Veriflow encryption key of alice\n" + OPENSSL_X25519).publicKey().hex())
        .isEqualTo(OPENSSL_X25519_PUBLIC);
  }

  @Test
  void pemFile_readByOpenssl_samePublicKey(@TempDir Path dir) throws Exception {
    assumeThat(opensslAvailable()).as("openssl on the PATH").isTrue();
    EncryptionKeyPair pair = EncryptionKeyPair.generate();
    Path file = dir.resolve("enc.key");
    pair.writePem(file);
    Path pub = dir.resolve("enc.pub.der");

    Process p =
        new ProcessBuilder("openssl", "pkey", "-in", file.toString(), "-pubout", "-outform", "DER", "-out", pub.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();

    byte[] spki = Files.readAllBytes(pub);
    assertThat(Arrays.copyOfRange(spki, spki.length - 32, spki.length)).isEqualTo(pair.publicKey().bytes());
  }

  @Test
  void writePemThenReadPem_ownerOnlyAndSameKey(@TempDir Path dir) throws Exception {
    EncryptionKeyPair pair = EncryptionKeyPair.generate();
    Path file = dir.resolve("enc.key");

    pair.writePem(file);

    assertThat(EncryptionKeyPair.readPem(file).publicKey()).isEqualTo(pair.publicKey());
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
  }

  @Test
  void writePem_existingFile_refusedAndUntouched(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("enc.key");
    Files.writeString(file, "an older key");

    assertThatThrownBy(() -> EncryptionKeyPair.generate().writePem(file)).isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(file)).isEqualTo("an older key");
  }

  @Test
  void readPem_binaryFile_malformed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("enc.key");
    Files.write(file, new byte[] {(byte) 0x89, 'P', 'N', 'G'});

    assertThatThrownBy(() -> EncryptionKeyPair.readPem(file))
        .isInstanceOf(CryptoException.class)
        .hasMessage(file + " is not an ASCII PEM file");
  }

  @Test
  void fromPem_malformedInputs_malformedWithWhatIsWrong() {
    String body = "MC4CAQAwBQYDK2VuBCIEIAAokTHzeDw2YjBSBC8dYxdPen0PUY5jHFRSliRUaXl8";
    String[][] cases = {
      {"", "no PEM block: the text has no '-----BEGIN' line"},
      {"just some text\n", "no PEM block: the text has no '-----BEGIN' line"},
      {"-----BEGIN PRIVATE KEY\n" + body + "\n-----END PRIVATE KEY-----\n", "malformed PEM: the '-----BEGIN' line does not end with '-----'"},
      {"-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n", "expected a PEM 'PRIVATE KEY' block, found 'PUBLIC KEY'"},
      {OPENSSL_ENCRYPTED, "the private key is encrypted (ENCRYPTED PRIVATE KEY); decrypt it first, e.g. with 'openssl pkey'"},
      {"-----BEGIN PRIVATE KEY-----\n" + body + "\n", "malformed PEM: no '-----END PRIVATE KEY-----' line"},
      {"-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\ntrailing\n", "malformed PEM: text after '-----END PRIVATE KEY-----'"},
      {"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n", "malformed PEM: the 'PRIVATE KEY' block is empty"},
      {"-----BEGIN PRIVATE KEY-----\n" + body.replace('C', '*') + "\n-----END PRIVATE KEY-----\n", "malformed PEM: the body is not valid base64"},
      {"-----BEGIN PRIVATE KEY-----\n" + body.substring(0, 40) + "\n-----END PRIVATE KEY-----\n", "not a PKCS#8 X25519 private key"},
      {OPENSSL_ED25519, "the PKCS#8 key is an Ed25519 signing key, not an X25519 encryption key"},
      {OPENSSL_X448, "the PKCS#8 key is an X448 key, not X25519"},
      {OPENSSL_P256, "not a PKCS#8 X25519 private key"},
    };
    CaseFailures failures = new CaseFailures("malformed PEM");
    for (String[] c : cases) {
      String outcome;
      try {
        EncryptionKeyPair.fromPem(c[0]);
        outcome = "accepted";
      } catch (CryptoException e) {
        outcome = e.code() + ": " + e.getMessage();
      }
      failures.check(c[1], outcome.startsWith("MALFORMED: " + c[1]), "got " + outcome);
    }
    failures.assertNoneFailed();
  }

  @Test
  void destroy_refusesPrivateKeyUseButKeepsPublicKey() {
    EncryptionKeyPair pair = EncryptionKeyPair.generate();
    EncryptionPublicKey pub = pair.publicKey();

    pair.destroy();

    assertThat(pair.isDestroyed()).isTrue();
    assertThat(pair.publicKey()).isEqualTo(pub);
    assertThat(pair).hasToString("EncryptionKeyPair[" + pub.id() + "]");
    assertThatThrownBy(pair::toPem)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("encryption key pair " + pub.id() + " was destroyed");
  }

  private static boolean opensslAvailable() {
    try {
      Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
