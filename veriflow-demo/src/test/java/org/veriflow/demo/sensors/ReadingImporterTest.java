package org.veriflow.demo.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.KeyFiles;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.core.crypto.SignatureAlgorithm;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;

class ReadingImporterTest {
  static final Instant END = Instant.parse("2026-03-01T12:00:00Z");
  static final Duration INTERVAL = Duration.ofSeconds(30);

  @TempDir Path tmp;

  @Test
  void lwsndr_bundledCopy_has18914ReadingsOfFourMotes() {
    ReadingImporter.Recording r = ReadingImporter.read(ReadingImporter.Format.LWSNDR, null, END, INTERVAL, Integer.MAX_VALUE);
    assertThat(r.rows()).hasSize(18_914);
    assertThat(r.skipped()).isZero();
    assertThat(r.devices()).containsExactly("mote-1", "mote-2", "mote-3", "mote-4");
    Map<String, Long> perMote = r.rows().stream().collect(Collectors.groupingBy(ReadingImporter.Row::device, Collectors.counting()));
    assertThat(perMote).containsEntry("mote-1", 4417L).containsEntry("mote-2", 4417L).containsEntry("mote-3", 5039L).containsEntry("mote-4", 5041L);
    assertThat(r.fields()).extracting(f -> f.getName()).containsExactly("temperature", "humidity");
    ReadingImporter.Row first = r.rows().get(0);
    assertThat(first.device()).isEqualTo("mote-1");
    assertThat(first.values()).containsExactly(27.97, 45.93); // data.csv line 2: 1,1,1,45.93,27.97,0
    assertThat(first.line()).isEqualTo(2);
    // No times in the file: each mote's series ends at END, one interval apart.
    Map<String, Long> last = new HashMap<>();
    for (ReadingImporter.Row row : r.rows()) {
      Long before = last.put(row.device(), row.timeMillis());
      if (before != null) {
        assertThat(row.timeMillis() - before).isEqualTo(30_000);
      }
    }
    assertThat(last.values()).containsOnly(END.toEpochMilli());
    assertThat(r.rows().get(0).timeMillis()).isEqualTo(END.toEpochMilli() - 4416L * 30_000);
  }

  @Test
  void lwsndr_limit_keepsFirstRowsAndEndsThemNow() {
    ReadingImporter.Recording r = ReadingImporter.read(ReadingImporter.Format.LWSNDR, null, END, INTERVAL, 100);
    assertThat(r.rows()).hasSize(100);
    assertThat(r.devices()).containsExactly("mote-1");
    assertThat(r.rows().get(99).timeMillis()).isEqualTo(END.toEpochMilli());
  }

  @Test
  void lwsndr_wrongHeader_rejected() {
    assertThatThrownBy(() -> ReadingImporter.parseLwsndr(new StringReader("a,b,c\n1,2,3\n"), "x.csv", END, INTERVAL, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not LWSNDR");
  }

  @Test
  void lwsndr_malformedLines_skippedAndCounted() throws Exception {
    String csv = "reading,mote_id,indoor,humidity,temperature,label\n1,1,1,45.9,27.9,0\n2,1,1,,27.9,0\n3,x,1,45.9,27.9,0\n4,1,1,45.9\n5,2,1,45.1,27.1,0\n";
    ReadingImporter.Recording r = ReadingImporter.parseLwsndr(new StringReader(csv), "t.csv", END, INTERVAL, 100);
    assertThat(r.rows()).extracting(ReadingImporter.Row::line).containsExactly(2, 6);
    assertThat(r.skipped()).isEqualTo(3);
    assertThat(r.problems()).containsExactly("line 3: bad humidity ''", "line 4: bad mote_id 'x'", "line 5: 4 fields, expected 6");
  }

  @Test
  void intelLab_sample_skipsAndCountsIncompleteAndMalformedLines() {
    ReadingImporter.Recording r = ReadingImporter.read(ReadingImporter.Format.INTEL_LAB, intelSample(), END, INTERVAL, Integer.MAX_VALUE);
    assertThat(r.rows()).extracting(ReadingImporter.Row::line).containsExactly(1, 2, 3, 4, 7, 11, 12, 13);
    assertThat(r.skipped()).isEqualTo(4);
    assertThat(r.problems()).containsExactly(
        "line 5: incomplete: 5 fields, expected 8",
        "line 6: incomplete: 7 fields, expected 8",
        "line 8: bad moteid 'two'",
        "line 9: bad date or time '2004-03-01 25:00:00.0'");
    assertThat(r.devices()).containsExactly("mote-1", "mote-2", "mote-3");
    assertThat(r.fields()).extracting(f -> f.getName()).containsExactly("temperature", "humidity", "light", "voltage");
    ReadingImporter.Row first = r.rows().get(0);
    assertThat(first.timeMillis()).isEqualTo(Instant.parse("2004-03-01T00:00:01.500Z").toEpochMilli());
    assertThat(first.values()).containsExactly(19.50, 38.20, 45.10, 2.69);
    assertThat(r.rows().get(5).values()).as("out-of-range values are the ledger's to judge").containsExactly(122.15, -3.92, 11.04, 2.03);
  }

  @Test
  void sign_intelLab_numbersEachMoteInTimeOrderAndSubmitsInTimeOrder() {
    ReadingImporter.Recording r = ReadingImporter.read(ReadingImporter.Format.INTEL_LAB, intelSample(), END, INTERVAL, Integer.MAX_VALUE);
    ReadingImporter.Imported imported = ReadingImporter.sign(r, "intel-lab", SignatureAlgorithm.P256, new SecureRandom());
    assertThat(imported.devices()).extracting(SensorDevice::name).containsExactly("mote-1", "mote-2", "mote-3");
    assertThat(imported.readings()).hasSize(8);
    long previous = Long.MIN_VALUE;
    Map<String, Long> sequence = new HashMap<>();
    Map<String, SensorDevice> byId = new HashMap<>();
    imported.devices().forEach(d -> byId.put(d.id(), d));
    for (SignedReading s : imported.readings()) {
      Reading reading = Readings.decode(s);
      assertThat(reading.getTimestampMillis()).isGreaterThanOrEqualTo(previous);
      previous = reading.getTimestampMillis();
      assertThat(reading.getSequence()).isEqualTo(sequence.getOrDefault(reading.getDeviceId(), 0L) + 1);
      sequence.put(reading.getDeviceId(), reading.getSequence());
      assertThat(Readings.verify(s, byId.get(reading.getDeviceId()).key().publicKey())).isEqualTo(SignatureCheck.VALID);
    }
    // Line 12 (00:00:50) is older than line 7 (00:01:34) of the same mote: it comes third.
    Reading third = imported.readings().stream().map(Readings::decode)
        .filter(x -> x.getDeviceId().equals(imported.devices().get(0).id()) && x.getSequence() == 3).findFirst().orElseThrow();
    assertThat(third.getValuesList()).containsExactly(19.53, 38.27, 45.10, 2.69);
    assertThat(sequence).containsValues(4L, 3L, 1L);
  }

  @Test
  void intelLab_nothingUsable_rejected() {
    assertThatThrownBy(() -> ReadingImporter.parseIntelLab(new StringReader("2004-03-01 00:00:01 1 1\n"), "x.txt", 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no usable").hasMessageContaining("line 1");
  }

  @Test
  void csv_isoAndEpochTimes_knownAndUnknownFields() throws Exception {
    String csv = "time,device,temperature,co2\n"
        + "2026-01-01T00:00:00Z,kitchen,21.5,412.125\n"
        + "2026-01-01T00:00:30,kitchen,21.6,413\n"
        + "1767225660000,hall/1,19.25,400.5\n"
        + "2026-01-01T01:00:00+01:00,hall/1,19.0,401\n"
        + "yesterday,hall/1,19.0,401\n"
        + "2026-01-01T00:02:00Z,kitchen,,401\n"
        + "2026-01-01T00:02:00Z,kitchen,21.0\n"
        + ",kitchen,21.0,401\n";
    ReadingImporter.Recording r = ReadingImporter.parseCsv(new StringReader(csv), "rooms.csv", 100);
    assertThat(r.rows()).hasSize(4);
    assertThat(r.rows()).extracting(ReadingImporter.Row::timeMillis).containsExactly(
        Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), Instant.parse("2026-01-01T00:00:30Z").toEpochMilli(),
        1767225660000L, Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    assertThat(r.skipped()).isEqualTo(4);
    assertThat(r.problems()).hasSize(4).allMatch(p -> p.startsWith("line "));
    assertThat(r.fields().get(0)).isEqualTo(SensorFields.TEMPERATURE);
    assertThat(r.fields().get(1).getName()).isEqualTo("co2");
    assertThat(r.fields().get(1).getDecimals()).as("as many decimals as the data shows").isEqualTo(3);
    ReadingImporter.Imported imported = ReadingImporter.sign(r, "rooms", SignatureAlgorithm.ED25519, new SecureRandom());
    assertThat(imported.devices()).extracting(SensorDevice::name).containsExactly("kitchen", "hall_1");
  }

  @Test
  void csv_badHeader_rejected() {
    assertThatThrownBy(() -> ReadingImporter.parseCsv(new StringReader("when,device,temperature\n"), "x.csv", 10))
        .hasMessageContaining("'time' column");
    assertThatThrownBy(() -> ReadingImporter.parseCsv(new StringReader("time,device,Temp C\n"), "x.csv", 10))
        .hasMessageContaining("field name");
  }

  @Test
  void csv_withoutLedgerExport_importsBack() throws Exception {
    SensorDevice a = new SensorDevice("a", TestKeys.ed25519(1));
    List<SignedReading> readings = List.of(
        Readings.sign(Readings.reading("s", a.id(), 1, END.toEpochMilli(), List.of(20.0, 50.5)), a.key()),
        Readings.sign(Readings.reading("s", a.id(), 2, END.toEpochMilli() + 30_000, List.of(20.25, 51.0)), a.key()));
    Path dir = tmp.resolve("attack");
    SensorFiles.requireDirectory(dir);
    Attacker.Plan plan = Attacker.plan(readings, SensorFields.room(), 0.5, 1,
        new SensorDevice("f", TestKeys.ed25519(2)), new SensorDevice("u", TestKeys.ed25519(3)));
    Attacker.write(dir, SensorFields.room(), readings, plan);
    ReadingImporter.Recording r = ReadingImporter.read(ReadingImporter.Format.CSV, dir.resolve(SensorFiles.WITHOUT_LEDGER_CSV), END,
        INTERVAL, Integer.MAX_VALUE);
    assertThat(r.skipped()).isZero();
    assertThat(r.rows()).hasSize(Attacker.withoutLedger(readings, plan).size());
    assertThat(r.fields()).isEqualTo(SensorFields.room());
  }

  @Test
  void write_import_layoutTheAttackerReads() {
    ReadingImporter.Recording r = ReadingImporter.read(ReadingImporter.Format.LWSNDR, null, END, INTERVAL, 50);
    ReadingImporter.Imported imported = ReadingImporter.sign(r, "lwsndr-test", SignatureAlgorithm.ED25519, new SecureRandom());
    CreateStream stream = ReadingImporter.stream(r, "lwsndr-test", INTERVAL);
    assertThat(stream.getTimeWindowMillis()).as("historical data: no time check").isZero();
    assertThat(stream.getDescription()).contains("Suthaharan").contains("CC-BY-4.0");
    Path dir = tmp.resolve("import");
    ReadingImporter.write(dir, imported, stream);
    assertThat(SensorFiles.readSignedReadings(dir.resolve(SensorFiles.SIGNED_READINGS))).isEqualTo(imported.readings());
    assertThat(SensorFiles.readStream(dir.resolve(SensorFiles.STREAM_FILE))).isEqualTo(stream);
    assertThat(KeyFiles.read(SensorFiles.keyFile(dir, "mote-1")).id()).isEqualTo(imported.devices().get(0).key().id());
    Attacker.Plan plan = Attacker.plan(imported.readings(), stream.getFieldsList(), 0.1, 1,
        new SensorDevice("f", TestKeys.ed25519(2)), new SensorDevice("u", TestKeys.ed25519(3)));
    assertThat(plan.attacks()).hasSize(5);
  }

  @Test
  void read_missingFileOrFormat_rejected() {
    assertThatThrownBy(() -> ReadingImporter.read(ReadingImporter.Format.CSV, null, END, INTERVAL, 1)).hasMessageContaining("needs a FILE");
    assertThatThrownBy(() -> ReadingImporter.read(ReadingImporter.Format.CSV, tmp.resolve("none.csv"), END, INTERVAL, 1))
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ReadingImporter.Format.parse("xml")).hasMessageContaining("lwsndr, intel-lab or csv");
    assertThat(ReadingImporter.Format.parse("Intel-Lab")).isEqualTo(ReadingImporter.Format.INTEL_LAB);
  }

  static Path intelSample() {
    try {
      return Path.of(ReadingImporterTest.class.getResource("/sensors/intel-lab-sample.txt").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
