package org.veriflow.cli.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.cli.Veriflow;
import org.veriflow.client.streams.Readings;
import org.veriflow.demo.sensors.SensorFiles;
import org.veriflow.protocol.proto.streams.Reading;

/** The simulate and import commands without a node: files only, and usage errors. */
class SensorCommandsTest {
  record Outcome(int code, String out, String err) {}

  @TempDir Path tmp;

  static Outcome run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Veriflow.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Outcome(code, out.toString(), err.toString());
  }

  @Test
  void simulateSensorsThenAttack_offline_writeFiles() throws Exception {
    Path dir = tmp.resolve("night");
    Outcome sim = run("simulate", "sensors", "--devices", "3", "--hours", "1", "--seed", "9", "--key-type", "p256", "--out", dir.toString());
    assertThat(sim.code()).as(sim.err()).isEqualTo(Veriflow.OK);
    assertThat(sim.out()).contains("simulated 3 p256 devices, 121 readings each, every 30 s").contains("(seed 9)")
        .contains("no --stream given: nothing submitted");
    for (String f : new String[] {"keys/device-1.key", "keys/device-3.key", "devices.csv", "stream.pb", "truth.csv", "signed-readings.pb"}) {
      assertThat(dir.resolve(f)).exists();
    }
    assertThat(SensorFiles.readSignedReadings(dir.resolve(SensorFiles.SIGNED_READINGS))).hasSize(363);
    Reading first = Readings.decode(SensorFiles.readSignedReadings(dir.resolve(SensorFiles.SIGNED_READINGS)).get(0));
    assertThat(first.getStreamId()).isEqualTo("room-night");

    Outcome attack = run("simulate", "attack", "--from", dir.toString(), "--seed", "3");
    assertThat(attack.code()).as(attack.err()).isEqualTo(Veriflow.OK);
    assertThat(attack.out()).contains("attack on 36 of 363 readings of stream room-night")
        .contains("BAD_SIGNATURE").contains("DUPLICATE").contains("UNKNOWN_DEVICE").contains("the ledger must reject 36 readings");
    assertThat(Files.readAllLines(dir.resolve(SensorFiles.ATTACK_CSV))).hasSize(37);
    assertThat(dir.resolve(SensorFiles.WITHOUT_LEDGER_CSV)).exists();

    Outcome again = run("simulate", "attack", "--from", dir.toString());
    assertThat(again.code()).isEqualTo(Veriflow.FAILURE);
    assertThat(again.err()).startsWith("error: ").contains("already exists");
    Outcome elsewhere = run("simulate", "attack", "--from", dir.toString(), "--out", tmp.resolve("other").toString(), "--share", "0.5");
    assertThat(elsewhere.code()).as(elsewhere.err()).isEqualTo(Veriflow.OK);
    assertThat(Files.readAllLines(tmp.resolve("other").resolve(SensorFiles.ATTACK_CSV))).hasSize(1 + 182);
  }

  @Test
  void simulateSensorsThenAttack_jsonOutput_oneObjectOnStandardOutput_narrativeOnStandardError() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    Path dir = tmp.resolve("night-json");
    Outcome sim = run("simulate", "sensors", "--devices", "2", "--hours", "1", "--out", dir.toString(), "--output", "json");
    assertThat(sim.code()).as(sim.err()).isEqualTo(Veriflow.OK);
    assertThat(sim.err()).contains("no --stream given: nothing submitted");
    com.fasterxml.jackson.databind.JsonNode simulated = json.readTree(sim.out());
    assertThat(simulated.fieldNames()).toIterable().containsExactly("streamId", "out", "devices", "readings", "submitted", "streamTransaction",
        "transactions");
    assertThat(simulated.get("readings").asLong()).isEqualTo(242);
    assertThat(simulated.get("submitted").asBoolean()).isFalse();
    assertThat(simulated.get("devices").get(1).get("name").asText()).isEqualTo("device-2");

    Outcome attack = run("simulate", "attack", "--from", dir.toString(), "--seed", "3", "--output", "json");
    assertThat(attack.code()).as(attack.err()).isEqualTo(Veriflow.OK);
    com.fasterxml.jackson.databind.JsonNode attacked = json.readTree(attack.out());
    assertThat(attacked.fieldNames()).toIterable().containsExactly("streamId", "attacked", "of", "kinds", "expectedVerdicts",
        "withoutLedgerRows", "out", "submitted", "transactions");
    assertThat(attacked.get("of").asInt()).isEqualTo(242);
    int kinds = 0;
    for (com.fasterxml.jackson.databind.JsonNode n : attacked.get("kinds")) {
      kinds += n.asInt();
    }
    assertThat(kinds).isEqualTo(attacked.get("attacked").asInt());
    assertThat(attacked.get("expectedVerdicts").has("BAD_SIGNATURE")).isTrue();
  }

  @Test
  void simulateSensors_badOptions_usageErrors() {
    Path dir = tmp.resolve("x");
    assertThat(run("simulate", "sensors", "--out", dir.toString(), "--devices", "0").code()).isEqualTo(Veriflow.USAGE);
    assertThat(run("simulate", "sensors", "--out", dir.toString(), "--key-type", "rsa").code()).isEqualTo(Veriflow.USAGE);
    Outcome window = run("simulate", "sensors", "--out", dir.toString(), "--window-ms", "3600000");
    assertThat(window.code()).isEqualTo(Veriflow.USAGE);
    assertThat(window.err()).contains("window");
    assertThat(run("simulate", "sensors", "--out", dir.toString(), "--stream", "Bad_Id").code()).isEqualTo(Veriflow.USAGE);
    assertThat(dir).doesNotExist();
    assertThat(run("simulate", "attack", "--from", dir.toString(), "--share", "0").code()).isEqualTo(Veriflow.USAGE);
    Outcome missing = run("simulate", "attack", "--from", dir.toString());
    assertThat(missing.code()).isEqualTo(Veriflow.FAILURE);
    assertThat(missing.err()).contains("does not exist");
  }

  @Test
  void simulateSensors_nonEmptyOut_failsWithoutTouchingIt() throws Exception {
    Path dir = tmp.resolve("used");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("notes.txt"), "mine");
    Outcome o = run("simulate", "sensors", "--out", dir.toString(), "--hours", "0.5");
    assertThat(o.code()).isEqualTo(Veriflow.FAILURE);
    assertThat(o.err()).contains("not empty");
    try (var s = Files.list(dir)) {
      assertThat(s.count()).isEqualTo(1);
    }
  }

  @Test
  void importReadings_badOptions_usageErrors() {
    assertThat(run("import", "readings", "--format", "xml", "f.csv").code()).isEqualTo(Veriflow.USAGE);
    Outcome noFile = run("import", "readings", "--format", "intel-lab");
    assertThat(noFile.code()).isEqualTo(Veriflow.USAGE);
    assertThat(noFile.err()).contains("needs a FILE");
    assertThat(run("import", "readings", "--format", "lwsndr", "--limit", "0").code()).isEqualTo(Veriflow.USAGE);
  }
}
