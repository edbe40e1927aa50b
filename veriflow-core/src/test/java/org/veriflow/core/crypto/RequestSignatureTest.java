package org.veriflow.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Signed requests: what they bind, and the forms they refuse. */
class RequestSignatureTest {
  private static final Hash BLOB = Hash.sha256("ciphertext".getBytes(StandardCharsets.UTF_8));
  private static final byte[] NONCE = new byte[16];

  @ParameterizedTest
  @EnumSource(SignatureAlgorithm.class)
  void signedRequest_parsesBackFromItsHeaders_andVerifiesWithTheSignersKey(SignatureAlgorithm algorithm) throws Exception {
    SigningKey key = SigningKey.generate(algorithm);
    RequestSignature signed = RequestSignature.sign(key, "GET", "/v1/datasets/air/versions/1/ciphertext", "purpose=training", BLOB, 1_700_000_000L, NONCE);
    RequestSignature read = RequestSignature.parse("GET", "/v1/datasets/air/versions/1/ciphertext", "purpose=training", BLOB.hex(),
        signed.signatureInput(), signed.signatureHeader());
    assertThat(read.keyId()).isEqualTo(key.id().value());
    assertThat(read.createdSeconds()).isEqualTo(1_700_000_000L);
    assertThat(read.nonce()).isEqualTo("0".repeat(32));
    assertThat(read.verifiedBy(key.publicKey())).isTrue();
    assertThat(read.verifiedBy(SigningKey.generate(algorithm).publicKey())).isFalse();
  }

  @Test
  void theBase_isTheRfc9421SignatureBase() {
    SigningKey key = SigningKey.ed25519FromSeed(new byte[32]);
    RequestSignature s = RequestSignature.sign(key, "GET", "/v1/x", "", BLOB, 5, NONCE);
    assertThat(new String(s.base(), StandardCharsets.UTF_8)).isEqualTo(
        "\"@method\": GET\n\"@path\": /v1/x\n\"@query\": ?\n\"veriflow-blob\": " + BLOB.hex() + "\n"
            + "\"@signature-params\": (\"@method\" \"@path\" \"@query\" \"veriflow-blob\");created=5;nonce=\"" + "0".repeat(32)
            + "\";keyid=\"" + key.id().value() + "\"");
    assertThat(s.signatureInput()).startsWith("vf=(\"@method\"");
  }

  @Test
  void changingAnyBoundPart_breaksTheSignature() throws Exception {
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    RequestSignature s = RequestSignature.sign(key, "GET", "/v1/a", "purpose=research", BLOB, 100, NONCE);
    String other = Hash.sha256(new byte[1]).hex();
    List<RequestSignature> changed = List.of(
        RequestSignature.parse("HEAD", "/v1/a", "purpose=research", BLOB.hex(), s.signatureInput(), s.signatureHeader()),
        RequestSignature.parse("GET", "/v1/b", "purpose=research", BLOB.hex(), s.signatureInput(), s.signatureHeader()),
        RequestSignature.parse("GET", "/v1/a", "purpose=training", BLOB.hex(), s.signatureInput(), s.signatureHeader()),
        RequestSignature.parse("GET", "/v1/a", "purpose=research", other, s.signatureInput(), s.signatureHeader()),
        RequestSignature.parse("GET", "/v1/a", "purpose=research", BLOB.hex(), s.signatureInput().replace("created=100", "created=101"), s.signatureHeader()),
        RequestSignature.parse("GET", "/v1/a", "purpose=research", BLOB.hex(), s.signatureInput().replace("nonce=\"0", "nonce=\"1"), s.signatureHeader()));
    for (RequestSignature c : changed) {
      assertThat(c.verifiedBy(key.publicKey())).as(c.toString()).isFalse();
    }
  }

  @Test
  void malformedHeaders_areRefusedSayingWhatIsExpected() {
    SigningKey key = SigningKey.generate(SignatureAlgorithm.ED25519);
    RequestSignature s = RequestSignature.sign(key, "GET", "/v1/a", "", BLOB, 100, NONCE);
    assertThatThrownBy(() -> RequestSignature.parse("GET", "/v1/a", "", BLOB.hex(), null, s.signatureHeader()))
        .isInstanceOf(RequestSignature.MalformedException.class).hasMessageContaining("not signed");
    assertThatThrownBy(() -> RequestSignature.parse("GET", "/v1/a", "", "xyz", s.signatureInput(), s.signatureHeader()))
        .hasMessageContaining("64 lower-case hex");
    // Fewer components than required would sign less than the request says.
    assertThatThrownBy(() -> RequestSignature.parse("GET", "/v1/a", "", BLOB.hex(),
        s.signatureInput().replace(" \"veriflow-blob\"", ""), s.signatureHeader())).hasMessageContaining("Signature-Input must be exactly");
    assertThatThrownBy(() -> RequestSignature.parse("GET", "/v1/a", "", BLOB.hex(), s.signatureInput(), "vf=abc"))
        .hasMessageContaining("Signature must be");
    assertThatThrownBy(() -> RequestSignature.sign(key, "GET", "/", "", BLOB, 1, new byte[8])).hasMessageContaining("16 bytes");
  }
}
