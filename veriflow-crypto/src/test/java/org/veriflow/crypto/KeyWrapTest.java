package org.veriflow.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.HybridDecrypt;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.hybrid.HpkePrivateKey;
import com.google.crypto.tink.hybrid.HpkePublicKey;
import com.google.crypto.tink.util.Bytes;
import com.google.crypto.tink.util.SecretBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;

class KeyWrapTest {
  private static final byte[] CONTEXT = "grant/dataset/7f3a/version/2/to/vf1abc".getBytes(StandardCharsets.UTF_8);

  private final EncryptionKeyPair alice = EncryptionKeyPair.generate();
  private final DataKey key = DataKey.generate();

  @Test
  void wrapThenUnwrap_sameKey() throws Exception {
    byte[] ct = StreamingEncryptionTest.encrypt(key, "rows".getBytes(StandardCharsets.UTF_8), CONTEXT);

    DataKey unwrapped = KeyWrap.unwrap(KeyWrap.wrap(key, alice.publicKey(), CONTEXT), alice, CONTEXT);

    assertThat(unwrapped.id()).isEqualTo(key.id());
    assertThat(StreamingEncryptionTest.decrypt(unwrapped, ct, CONTEXT)).asString(StandardCharsets.UTF_8).isEqualTo("rows");
  }

  @Test
  void wrap_layoutIsHeaderEncAndSealedKey_andFreshEachTime() {
    byte[] a = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);
    byte[] b = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);

    assertThat(a).hasSize(KeyWrap.WRAPPED_KEY_BYTES).hasSize(101);
    assertThat(new String(a, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("VFWK");
    assertThat(a[4]).isEqualTo((byte) 1);
    assertThat(Hex.encode(Arrays.copyOfRange(a, 5, 21))).isEqualTo(alice.publicKey().id());
    assertThat(Arrays.copyOfRange(a, 21, 53)).as("fresh ephemeral key").isNotEqualTo(Arrays.copyOfRange(b, 21, 53));
  }

  @Test
  void wrap_isRfc9180HpkeWithHeaderAndContextAsInfo() throws Exception {
    byte[] wrapped = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);
    HpkePrivateKey privateKey =
        HpkePrivateKey.create(
            HpkePublicKey.create(Tink.HPKE, Bytes.copyFrom(alice.publicKey().bytes()), null),
            SecretBytes.copyFrom(alice.privateKey(), InsecureSecretKeyAccess.get()));
    HybridDecrypt hpke =
        KeysetHandle.newBuilder()
            .addEntry(KeysetHandle.importKey(privateKey).withRandomId().makePrimary())
            .build()
            .getPrimitive(RegistryConfiguration.get(), HybridDecrypt.class);
    byte[] info = KeyWrap.concat(Arrays.copyOf(wrapped, 21), CONTEXT);

    byte[] material = hpke.decrypt(Arrays.copyOfRange(wrapped, 21, wrapped.length), info);

    assertThat(material).isEqualTo(key.material());
  }

  @Test
  void unwrap_goldenWrappedKey_givesGoldenDataKey() throws Exception {
    // Written once by KeyWrap format version 1 for RFC 7748's Alice; a change here breaks stored grants.
    EncryptionKeyPair recipient = EncryptionKeyPair.fromPem(PrivateKeyPem.encode(Hex.decode(GoldenValues.RECIPIENT_PRIVATE_HEX)));

    DataKey unwrapped = KeyWrap.unwrap(Hex.decode(GoldenValues.WRAPPED_KEY_HEX), recipient, GoldenValues.WRAP_CONTEXT);

    assertThat(unwrapped.id()).isEqualTo(GoldenValues.DATA_KEY_ID);
    assertThat(unwrapped.material()).isEqualTo(GoldenValues.dataKeyMaterial());
  }

  @Test
  void unwrap_otherRecipient_wrongRecipientNamingBothKeys() {
    EncryptionKeyPair bob = EncryptionKeyPair.generate();
    byte[] wrapped = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);

    assertThatThrownBy(() -> KeyWrap.unwrap(wrapped, bob, CONTEXT))
        .isInstanceOf(CryptoException.class)
        .hasMessage("the key is wrapped for X25519 key " + alice.publicKey().id() + ", not for " + bob.publicKey().id())
        .extracting(e -> ((CryptoException) e).code())
        .isEqualTo(CryptoFailure.WRONG_RECIPIENT);
  }

  @Test
  void unwrap_otherRecipientWithHeaderRewrittenToIt_tampered() {
    EncryptionKeyPair bob = EncryptionKeyPair.generate();
    byte[] wrapped = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);
    System.arraycopy(bob.publicKey().idBytes(), 0, wrapped, 5, 16);

    assertThat(outcome(wrapped, bob, CONTEXT)).isEqualTo("TAMPERED");
  }

  @Test
  void unwrap_otherContext_tampered() {
    byte[] wrapped = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);

    assertThat(outcome(wrapped, alice, "grant/dataset/7f3a/version/3/to/vf1abc".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("TAMPERED");
    assertThat(outcome(wrapped, alice, new byte[0])).isEqualTo("TAMPERED");
    assertThat(outcome(wrapped, alice, CONTEXT)).isEqualTo("OK");
  }

  @Test
  void unwrap_everyFlippedBit_refusedWithTheCodeOfItsField() {
    byte[] wrapped = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);
    CaseFailures failures = new CaseFailures("wrapped key bit flips");
    for (int i = 0; i < wrapped.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] bad = wrapped.clone();
        bad[i] ^= (byte) (1 << bit);
        CryptoFailure expected =
            i < 4 ? CryptoFailure.MALFORMED
                : i == 4 ? CryptoFailure.UNSUPPORTED_VERSION
                : i < 21 ? CryptoFailure.WRONG_RECIPIENT
                : CryptoFailure.TAMPERED;
        String outcome = outcome(bad, alice, CONTEXT);
        failures.check("byte " + i + " bit " + bit, outcome.equals(expected.name()), "expected " + expected + ", got " + outcome);
      }
    }
    failures.assertNoneFailed();
  }

  @Test
  void unwrap_truncatedOrExtended_malformedWithLength() {
    byte[] wrapped = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);
    CaseFailures failures = new CaseFailures("wrapped key lengths");
    for (int length = 0; length < wrapped.length; length++) {
      String outcome = outcome(Arrays.copyOf(wrapped, length), alice, CONTEXT);
      failures.check("length " + length, outcome.equals("MALFORMED"), "got " + outcome);
    }
    failures.assertNoneFailed();
    assertThatThrownBy(() -> KeyWrap.unwrap(Arrays.copyOf(wrapped, 102), alice, CONTEXT))
        .isInstanceOf(CryptoException.class)
        .hasMessage("a version 1 wrapped key is 101 bytes, not 102");
    assertThatThrownBy(() -> KeyWrap.unwrap("not a key".getBytes(StandardCharsets.US_ASCII), alice, CONTEXT))
        .isInstanceOf(CryptoException.class)
        .hasMessage("not a Veriflow wrapped key: it does not start with 'VFWK'");
  }

  @Test
  void wrapAndUnwrap_destroyedKeys_illegalState() {
    byte[] wrapped = KeyWrap.wrap(key, alice.publicKey(), CONTEXT);
    DataKey doomed = DataKey.generate();
    doomed.destroy();
    alice.destroy();

    assertThatThrownBy(() -> KeyWrap.wrap(doomed, alice.publicKey(), CONTEXT)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> KeyWrap.unwrap(wrapped, alice, CONTEXT)).isInstanceOf(IllegalStateException.class);
  }

  private static String outcome(byte[] wrapped, EncryptionKeyPair recipient, byte[] context) {
    try {
      KeyWrap.unwrap(wrapped, recipient, context);
      return "OK";
    } catch (CryptoException e) {
      return e.code().name();
    }
  }
}
