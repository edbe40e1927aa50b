package org.veriflow.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.hybrid.HpkeParameters;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;

/**
 * RFC 7748 and RFC 9180 vectors ({@code vectors/x25519_hpke.json}; sources and scope in {@code
 * vectors/README.md}).
 */
class X25519HpkeVectorTest {
  private static final String FILE = "vectors/x25519_hpke.json";

  @Test
  void x25519_everyVectorKeyPair_publicKeyDerivedFromPrivateKeyFile() throws Exception {
    CaseFailures failures = new CaseFailures(FILE + " x25519");
    for (JsonNode c : vectors().get("x25519")) {
      String id = c.get("id").asText();
      try {
        EncryptionKeyPair pair = EncryptionKeyPair.fromPem(PrivateKeyPem.encode(Hex.decode(c.get("private").asText())));
        String expected = c.get("public").asText();
        failures.check(id, pair.publicKey().hex().equals(expected), "expected " + expected + ", got " + pair.publicKey().hex());
      } catch (CryptoException | RuntimeException e) {
        failures.check(id, false, "threw " + e);
      }
    }
    assertThat(failures.cases()).isEqualTo(4);
    failures.assertNoneFailed();
  }

  @Test
  void hpke_rfc9180BaseVectors_tinkOpensWithTheRfcKeySchedule_andNotWithModifiedEncOrInfo() throws Exception {
    CaseFailures failures = new CaseFailures(FILE + " hpke");
    for (JsonNode c : vectors().get("hpke")) {
      String id = c.get("id").asText();
      byte[] skRm = hex(c, "skRm");
      byte[] pkRm = hex(c, "pkRm");
      byte[] enc = hex(c, "enc");
      byte[] info = hex(c, "info");
      byte[] key = hex(c, "key");
      byte[] baseNonce = hex(c, "base_nonce");
      failures.check(id + " suite", c.get("mode").asInt() == 0 && c.get("kem_id").asInt() == 32 && c.get("kdf_id").asInt() == 1,
          "only base mode DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 vectors apply");
      HybridDecrypt tink = tinkHpke(c.get("aead_id").asInt(), skRm, pkRm);
      for (JsonNode e : c.get("encryptions")) {
        String caseId = id + " seq " + e.get("seq").asInt();
        byte[] pt = hex(e, "pt");
        // The copy of the vector is right: the RFC's ciphertext opens under its key and nonce.
        byte[] rfcOpened;
        try {
          rfcOpened = aesGcmOpen(key, hex(e, "nonce"), hex(e, "ct"), hex(e, "aad"));
        } catch (GeneralSecurityException ex) {
          rfcOpened = null;
        }
        failures.check(caseId + " rfc ct", Arrays.equals(rfcOpened, pt), "the RFC ciphertext does not open with the RFC key and nonce");
        if (e.get("seq").asInt() != 0) {
          continue;
        }
        // Single-shot HPKE (what KeyWrap uses): sequence 0, empty associated data.
        byte[] ct = aesGcmSeal(key, baseNonce, pt, new byte[0]);
        failures.check(caseId + " open", Arrays.equals(open(tink, concat(enc, ct), info), pt), "Tink did not open it");
        byte[] badEnc = concat(enc, ct);
        badEnc[0] ^= 1;
        failures.check(caseId + " modified enc", open(tink, badEnc, info) == null, "opened with a modified enc");
        byte[] badInfo = info.clone();
        badInfo[badInfo.length - 1] ^= 1;
        failures.check(caseId + " modified info", open(tink, concat(enc, ct), badInfo) == null, "opened with a modified info");
      }
    }
    assertThat(failures.cases()).isGreaterThanOrEqualTo(5);
    failures.assertNoneFailed();
  }

  private static HybridDecrypt tinkHpke(int aeadId, byte[] skRm, byte[] pkRm) throws GeneralSecurityException {
    HpkeParameters.AeadId aead = switch (aeadId) {
      case 1 -> HpkeParameters.AeadId.AES_128_GCM;
      case 2 -> HpkeParameters.AeadId.AES_256_GCM;
      default -> throw new IllegalArgumentException("aead_id " + aeadId);
    };
    HpkeParameters params =
        HpkeParameters.builder()
            .setVariant(HpkeParameters.Variant.NO_PREFIX)
            .setKemId(HpkeParameters.KemId.DHKEM_X25519_HKDF_SHA256)
            .setKdfId(HpkeParameters.KdfId.HKDF_SHA256)
            .setAeadId(aead)
            .build();
    HpkePrivateKey privateKey =
        HpkePrivateKey.create(
            HpkePublicKey.create(params, Bytes.copyFrom(pkRm), null), SecretBytes.copyFrom(skRm, InsecureSecretKeyAccess.get()));
    return KeysetHandle.newBuilder()
        .addEntry(KeysetHandle.importKey(privateKey).withRandomId().makePrimary())
        .build()
        .getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
  }

  /** The plaintext, or null if it does not open. */
  private static byte[] open(HybridDecrypt hpke, byte[] ciphertext, byte[] info) {
    try {
      return hpke.decrypt(ciphertext, info);
    } catch (GeneralSecurityException e) {
      return null;
    }
  }

  private static byte[] aesGcmSeal(byte[] key, byte[] nonce, byte[] pt, byte[] aad) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    return c.doFinal(pt);
  }

  private static byte[] aesGcmOpen(byte[] key, byte[] nonce, byte[] ct, byte[] aad) throws GeneralSecurityException {
    Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
    c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
    c.updateAAD(aad);
    return c.doFinal(ct);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    return KeyWrap.concat(a, b);
  }

  private static byte[] hex(JsonNode node, String field) {
    return Hex.decode(node.get(field).asText());
  }

  private static JsonNode vectors() throws IOException {
    try (InputStream in = X25519HpkeVectorTest.class.getClassLoader().getResourceAsStream(FILE)) {
      if (in == null) {
        throw new IOException("missing test resource " + FILE);
      }
      return new ObjectMapper().readTree(in);
    }
  }
}
