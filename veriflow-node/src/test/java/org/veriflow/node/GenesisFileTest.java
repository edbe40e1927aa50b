package org.veriflow.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.contracts.GenesisSpec;
import org.veriflow.core.crypto.IdentityId;
import org.veriflow.core.crypto.SigningKey;

/** The genesis file's chain parameters: written, read back, defaulted and refused. */
class GenesisFileTest {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  @TempDir Path dir;

  private static SigningKey key(int n) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) n);
    return SigningKey.ed25519FromSeed(seed);
  }

  private static final SigningKey ADMIN = key(1);
  private static final SigningKey NODE1 = key(2);
  private static final SigningKey NODE2 = key(3);

  /** A chain with one administrator, validators node1 and node2, and credits for the administrator. */
  private static GenesisSpec spec(int requiredAttestations) {
    TreeMap<IdentityId, Long> balances = new TreeMap<>();
    balances.put(ADMIN.id(), 1_000L);
    return new GenesisSpec("veriflow-test", 1_700_000_000_000L, 65_536, requiredAttestations,
        List.of(new GenesisSpec.Member("admin", ADMIN.publicKey())),
        List.of(new GenesisSpec.Member("node1", NODE1.publicKey()), new GenesisSpec.Member("node2", NODE2.publicKey())),
        balances);
  }

  /** Writes {@code spec}, lets {@code edit} change its JSON, and returns the edited file. */
  private Path written(GenesisSpec spec, Consumer<ObjectNode> edit) throws IOException {
    Path file = dir.resolve("genesis.json");
    GenesisFile.write(file, spec);
    ObjectNode root = (ObjectNode) JSON.readTree(Files.readString(file));
    edit.accept(root);
    Files.writeString(file, JSON.writeValueAsString(root));
    return file;
  }

  @Test
  void writeThenRead_requiredAttestationsTwo_sameSpec() throws IOException {
    Path file = dir.resolve("genesis.json");
    GenesisFile.write(file, spec(2));

    assertThat(JSON.readTree(Files.readString(file)).get("requiredAttestations").asInt()).isEqualTo(2);
    assertThat(GenesisFile.read(file)).isEqualTo(spec(2));
  }

  @Test
  void read_requiredAttestationsAbsent_one() throws IOException {
    Path file = written(spec(2), root -> root.remove("requiredAttestations"));

    assertThat(GenesisFile.read(file)).isEqualTo(spec(1));
  }

  @Test
  void read_requiredAttestationsAboveValidatorCount_refusedNamingFileAndField() throws IOException {
    Path file = written(spec(2), root -> root.put("requiredAttestations", 3));

    assertThatThrownBy(() -> GenesisFile.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("'requiredAttestations' must be between 1 and the number of validators (2), not 3");
  }

  @Test
  void read_requiredAttestationsZero_refused() throws IOException {
    Path file = written(spec(1), root -> root.put("requiredAttestations", 0));

    assertThatThrownBy(() -> GenesisFile.read(file)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'requiredAttestations'").hasMessageContaining("not 0");
  }

  @Test
  void read_requiredAttestationsNotAWholeNumber_refused() throws IOException {
    Path fraction = written(spec(1), root -> root.put("requiredAttestations", 1.5));
    assertThatThrownBy(() -> GenesisFile.read(fraction)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'requiredAttestations' must be a whole number");

    Path text = written(spec(1), root -> root.put("requiredAttestations", "2"));
    assertThatThrownBy(() -> GenesisFile.read(text)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'requiredAttestations' must be a whole number");
  }

  @Test
  void writeThenRead_blobQuota_sameSpec_andDefaultQuotaNotWritten() throws IOException {
    GenesisSpec d = spec(1);
    GenesisSpec small = new GenesisSpec(d.chainId(), d.timestampMillis(), d.maxTxBytes(), 1, d.administrators(), d.validators(), d.balances(),
        new org.veriflow.contracts.identities.BlobQuota(8L << 20, 50));
    Path file = dir.resolve("genesis.json");
    GenesisFile.write(file, small);
    assertThat(JSON.readTree(Files.readString(file)).get("blobQuotaBytes").asLong()).isEqualTo(8L << 20);
    assertThat(GenesisFile.read(file)).isEqualTo(small);

    GenesisFile.write(file, d);
    assertThat(JSON.readTree(Files.readString(file)).has("blobQuotaBytes")).isFalse();
    assertThat(JSON.readTree(Files.readString(file)).has("blobQuotaCount")).isFalse();
    assertThat(GenesisFile.read(file).blobQuota()).isEqualTo(org.veriflow.contracts.identities.BlobQuota.DEFAULT);
    // A default quota writes nothing in block 0: chains created before the parameter keep their genesis.
    assertThat(d.toState().writes()).hasSameSizeAs(spec(1).toState().writes());
    assertThat(small.toState().writes()).hasSize(d.toState().writes().size() + 2);
  }

  @Test
  void read_blobQuotaZeroOrFractional_refused() throws IOException {
    Path zero = written(spec(1), root -> root.put("blobQuotaBytes", 0));
    assertThatThrownBy(() -> GenesisFile.read(zero)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'blobQuotaBytes' must be a positive whole number of bytes");
    Path fraction = written(spec(1), root -> root.put("blobQuotaCount", 2.5));
    assertThatThrownBy(() -> GenesisFile.read(fraction)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'blobQuotaCount' must be a positive whole number of blobs");
  }
}
