package org.veriflow.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.veriflow.core.Hex;

class DataKeyTest {
  private static final byte[] AD = "dataset/1".getBytes(StandardCharsets.UTF_8);

  @Test
  void generate_twice_differentKeys() {
    assertThat(DataKey.generate().id()).isNotEqualTo(DataKey.generate().id());
  }

  @Test
  void toBytesThenFromBytes_sameKeyDecrypts() throws Exception {
    DataKey key = DataKey.generate();
    byte[] ct = StreamingEncryptionTest.encrypt(key, "hello".getBytes(StandardCharsets.UTF_8), AD);

    DataKey copy = DataKey.fromBytes(key.toBytes());

    assertThat(copy.id()).isEqualTo(key.id());
    assertThat(StreamingEncryptionTest.decrypt(copy, ct, AD)).asString(StandardCharsets.UTF_8).isEqualTo("hello");
  }

  @Test
  void idAndBytes_fixedKey_goldenValues() throws Exception {
    // id cross-checked with: echo -n veriflow/data-key-id/v1 | openssl dgst -sha256 -mac HMAC -macopt hexkey:000102…1f
    DataKey key = DataKey.fromMaterial(GoldenValues.dataKeyMaterial());

    assertThat(key.id()).isEqualTo(GoldenValues.DATA_KEY_ID);
    assertThat(Hex.encode(key.toBytes())).isEqualTo(GoldenValues.DATA_KEY_BYTES_HEX);
    assertThat(DataKey.fromBytes(Hex.decode(GoldenValues.DATA_KEY_BYTES_HEX)).id()).isEqualTo(GoldenValues.DATA_KEY_ID);
  }

  @Test
  void toBytes_isATinkKeysetOfOneStreamingKey() throws Exception {
    KeysetHandle handle =
        TinkProtoKeysetFormat.parseKeyset(DataKey.generate().toBytes(), InsecureSecretKeyAccess.get());

    assertThat(handle.size()).isEqualTo(1);
    assertThat(handle.getPrimary().getKey().getParameters())
        .isEqualTo(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB);
  }

  @Test
  void fromBytes_notAKeyset_malformed() {
    assertMalformed(new byte[] {1, 2, 3, 4, 5}, "data key bytes are not a Tink keyset");
    assertMalformed(new byte[0], "data key bytes are not a Tink keyset");
  }

  @Test
  void fromBytes_keysetOfOtherKeys_malformedSayingWhich() throws Exception {
    byte[] streaming1mb =
        TinkProtoKeysetFormat.serializeKeyset(
            KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB), InsecureSecretKeyAccess.get());
    byte[] aead =
        TinkProtoKeysetFormat.serializeKeyset(
            KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
    byte[] twoKeys =
        TinkProtoKeysetFormat.serializeKeyset(
            KeysetHandle.newBuilder()
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB).withRandomId().makePrimary())
                .addEntry(KeysetHandle.generateEntryFromParameters(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_4KB).withRandomId())
                .build(),
            InsecureSecretKeyAccess.get());

    assertMalformed(streaming1mb, "only AES256_GCM_HKDF_4KB is supported");
    assertMalformed(aead, "not AES256_GCM_HKDF_4KB streaming AEAD");
    assertMalformed(twoKeys, "data key keyset must hold exactly one key, not 2");
  }

  @Test
  void destroy_zeroesKeyAndRefusesUseButKeepsId() {
    DataKey key = DataKey.generate();
    String id = key.id();

    key.destroy();

    assertThat(key.isDestroyed()).isTrue();
    assertThat(key.id()).isEqualTo(id);
    assertThat(key).hasToString("DataKey[" + id + "]");
    assertThatThrownBy(key::toBytes).isInstanceOf(IllegalStateException.class).hasMessage("data key " + id + " was destroyed");
    assertThatThrownBy(key::material).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fromMaterial_wrongLength_illegalArgument() {
    assertThatThrownBy(() -> DataKey.fromMaterial(new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("data key must be 32 bytes, not 16");
  }

  private static void assertMalformed(byte[] bytes, String messagePart) {
    assertThatThrownBy(() -> DataKey.fromBytes(bytes))
        .isInstanceOf(CryptoException.class)
        .hasMessageContaining(messagePart)
        .extracting(e -> ((CryptoException) e).code())
        .isEqualTo(CryptoFailure.MALFORMED);
  }
}
