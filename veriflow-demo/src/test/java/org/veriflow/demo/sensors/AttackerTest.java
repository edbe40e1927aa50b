package org.veriflow.demo.sensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.core.crypto.SignatureCheck;
import org.veriflow.protocol.proto.streams.CreateStream;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.Verdict;

class AttackerTest {
  static final Instant END = Instant.parse("2026-03-01T07:00:00Z");
  static final RoomModel MODEL = new RoomModel(2, Duration.ofSeconds(30), Duration.ofHours(7), 5);
  static final List<SensorDevice> DEVICES = TestKeys.devices(2);
  static final List<SensorSimulator.SimulatedReading> SIMULATED = SensorSimulator.simulate(MODEL, DEVICES, "room-night", END);
  static final List<SignedReading> READINGS = SensorSimulator.signed(SIMULATED);
  static final SensorDevice FORGER = new SensorDevice("forger", TestKeys.ed25519(101));
  static final SensorDevice UNKNOWN = new SensorDevice("unknown-device", TestKeys.ed25519(102));
  static final Attacker.Plan PLAN = Attacker.plan(READINGS, SensorFields.room(), 0.1, 42, FORGER, UNKNOWN);

  @TempDir Path tmp;

  @Test
  void plan_share_attacksThatManyDistinctReadingsOfEveryKind() {
    assertThat(PLAN.attacks()).hasSize(168); // round(0.1 * 1682)
    assertThat(PLAN.total()).isEqualTo(1682);
    Set<Integer> targets = new HashSet<>();
    for (Attacker.Attack a : PLAN.attacks()) {
      assertThat(targets.add(a.target())).as("target %d attacked once", a.target()).isTrue();
    }
    Map<Attacker.Kind, Integer> counts = PLAN.counts();
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(168);
    for (Attacker.Kind k : Attacker.Kind.values()) {
      assertThat(counts.get(k)).as(k.label()).isBetween(15, 85);
      assertThat(PLAN.of(k)).hasSize(counts.get(k));
    }
    assertThat(PLAN.expectedVerdicts()).containsOnlyKeys(Verdict.BAD_SIGNATURE, Verdict.DUPLICATE, Verdict.UNKNOWN_DEVICE);
    assertThat(PLAN.expectedVerdicts().get(Verdict.BAD_SIGNATURE)).isEqualTo(counts.get(Attacker.Kind.ALTERED) + counts.get(Attacker.Kind.FORGED));
    assertThat(PLAN.expectedVerdicts().get(Verdict.DUPLICATE)).isEqualTo(counts.get(Attacker.Kind.REPLAYED));
    assertThat(PLAN.expectedVerdicts().get(Verdict.UNKNOWN_DEVICE)).isEqualTo(counts.get(Attacker.Kind.UNKNOWN_DEVICE));
    assertThat(PLAN.readings()).hasSize(168);
  }

  @Test
  void plan_otherShares_countsFollowTheShare() {
    assertThat(Attacker.plan(READINGS, SensorFields.room(), 0.25, 1, FORGER, UNKNOWN).attacks()).hasSize(421);
    assertThat(Attacker.plan(READINGS, SensorFields.room(), 1.0, 1, FORGER, UNKNOWN).attacks()).hasSize(1682);
    Attacker.Plan tiny = Attacker.plan(READINGS, SensorFields.room(), 0.0001, 1, FORGER, UNKNOWN);
    assertThat(tiny.attacks()).hasSize(1);
    Attacker.Plan four = Attacker.plan(READINGS.subList(0, 40), SensorFields.room(), 0.1, 9, FORGER, UNKNOWN);
    assertThat(four.counts().values()).containsOnly(1);
  }

  @Test
  void plan_sameSeed_samePlan_otherSeed_otherTargets() {
    Attacker.Plan again = Attacker.plan(READINGS, SensorFields.room(), 0.1, 42, FORGER, UNKNOWN);
    assertThat(again.attacks()).isEqualTo(PLAN.attacks());
    Attacker.Plan other = Attacker.plan(READINGS, SensorFields.room(), 0.1, 43, FORGER, UNKNOWN);
    assertThat(other.attacks().stream().map(Attacker.Attack::target).toList())
        .isNotEqualTo(PLAN.attacks().stream().map(Attacker.Attack::target).toList());
  }

  @Test
  void plan_submissionOrder_followsTargetTime() {
    long previous = Long.MIN_VALUE;
    for (Attacker.Attack a : PLAN.attacks()) {
      long t = Readings.decode(READINGS.get(a.target())).getTimestampMillis();
      assertThat(t).isGreaterThanOrEqualTo(previous);
      previous = t;
    }
  }

  @Test
  void altered_keepsSignature_failsVerificationWithTheDeviceKey() {
    for (Attacker.Attack a : PLAN.of(Attacker.Kind.ALTERED)) {
      SignedReading original = READINGS.get(a.target());
      Reading before = Readings.decode(original);
      SensorDevice device = device(before.getDeviceId());
      assertThat(a.sent().getSignature()).isEqualTo(original.getSignature());
      assertThat(a.reading().getValuesList()).isNotEqualTo(before.getValuesList());
      assertThat(a.reading().toBuilder().clearValues().build()).isEqualTo(before.toBuilder().clearValues().build());
      assertThat(Readings.verify(original, device.key().publicKey())).isEqualTo(SignatureCheck.VALID);
      assertThat(Readings.verify(a.sent(), device.key().publicKey())).isEqualTo(SignatureCheck.INVALID);
      assertThat(a.reading().getValues(0)).isBetween(-40.0, 85.0);
      assertThat(a.reading().getValues(1)).isBetween(0.0, 100.0);
    }
  }

  @Test
  void forged_claimsARegisteredDevice_signedByTheForger() {
    Map<String, Long> last = new HashMap<>();
    for (SignedReading r : READINGS) {
      Reading reading = Readings.decode(r);
      last.merge(reading.getDeviceId(), reading.getSequence(), Math::max);
    }
    for (Attacker.Attack a : PLAN.of(Attacker.Kind.FORGED)) {
      Reading claimed = a.reading();
      SensorDevice device = device(claimed.getDeviceId());
      assertThat(device).isNotNull();
      assertThat(claimed.getSequence()).isGreaterThan(last.get(claimed.getDeviceId()));
      assertThat(Readings.verify(a.sent(), device.key().publicKey())).isNotEqualTo(SignatureCheck.VALID);
      assertThat(Readings.verify(a.sent(), FORGER.key().publicKey())).isEqualTo(SignatureCheck.VALID);
      assertThat(claimed.getTimestampMillis() - Readings.decode(READINGS.get(a.target())).getTimestampMillis()).isEqualTo(15_000);
    }
  }

  @Test
  void replayed_isByteForByteAnEarlierReading() {
    for (Attacker.Attack a : PLAN.of(Attacker.Kind.REPLAYED)) {
      assertThat(a.sent().toByteArray()).isEqualTo(READINGS.get(a.target()).toByteArray());
    }
  }

  @Test
  void unknownDevice_wellSignedByAKeyNoDeviceHas() {
    long sequence = 0;
    for (Attacker.Attack a : PLAN.of(Attacker.Kind.UNKNOWN_DEVICE)) {
      assertThat(a.reading().getDeviceId()).isEqualTo(UNKNOWN.id());
      assertThat(device(a.reading().getDeviceId())).isNull();
      assertThat(a.reading().getSequence()).isEqualTo(++sequence);
      assertThat(a.reading().getStreamId()).isEqualTo("room-night");
      assertThat(Readings.verify(a.sent(), UNKNOWN.key().publicKey())).isEqualTo(SignatureCheck.VALID);
    }
  }

  @Test
  void withoutLedgerCsv_isTruthWithAlteredValuesPlusForgedReplayedAndUnknownRows() throws Exception {
    Path dir = tmp.resolve("sim");
    SensorSimulator.write(dir, MODEL, DEVICES, SensorSimulator.stream("room-night", MODEL, SensorSimulator.DEFAULT_WINDOW), SIMULATED);
    Attacker.write(dir, SensorFields.room(), READINGS, PLAN);

    // Expected, from the files alone: truth.csv's measured values, altered rows replaced by attack.csv's, plus the rest of attack.csv.
    List<String> truth = Files.readAllLines(dir.resolve(SensorFiles.TRUTH_CSV), StandardCharsets.UTF_8);
    List<String> attacks = Files.readAllLines(dir.resolve(SensorFiles.ATTACK_CSV), StandardCharsets.UTF_8);
    assertThat(attacks.get(0)).isEqualTo("kind,expected_verdict,target,device,sequence,time,temperature,humidity,digest");
    assertThat(attacks).hasSize(169);
    Map<Integer, String> altered = new HashMap<>();
    List<String> expected = new ArrayList<>();
    int extra = 0;
    for (String line : attacks.subList(1, attacks.size())) {
      String[] f = line.split(",");
      String row = f[5] + "," + f[3] + "," + f[6] + "," + f[7];
      if (f[0].equals("altered")) {
        altered.put(Integer.parseInt(f[2]), row);
      } else {
        expected.add(row);
        extra++;
      }
      assertThat(f[1]).isEqualTo(Attacker.Kind.valueOf(f[0].toUpperCase(java.util.Locale.ROOT).replace('-', '_')).expectedVerdict().name());
    }
    for (int i = 1; i < truth.size(); i++) {
      String[] f = truth.get(i).split(",");
      expected.add(altered.getOrDefault(i - 1, f[0] + "," + f[1] + "," + f[5] + "," + f[6]));
    }
    List<String> stored = Files.readAllLines(dir.resolve(SensorFiles.WITHOUT_LEDGER_CSV), StandardCharsets.UTF_8);
    assertThat(stored.get(0)).isEqualTo("time,device,temperature,humidity");
    assertThat(stored).hasSize(1 + 1682 + extra);
    assertThat(extra).isEqualTo(168 - altered.size());
    List<String> actual = new ArrayList<>(stored.subList(1, stored.size()));
    Collections.sort(actual);
    Collections.sort(expected);
    assertThat(actual).isEqualTo(expected);
    for (String row : altered.values()) {
      assertThat(stored).contains(row);
    }

    assertThat(SensorFiles.readSignedReadings(dir.resolve(SensorFiles.ATTACK_READINGS))).isEqualTo(PLAN.readings());
    assertThatThrownBy(() -> Attacker.write(dir, SensorFields.room(), READINGS, PLAN)).hasMessageContaining("already exists");
  }

  @Test
  void withoutLedger_rows_areSortedByTime() {
    List<Attacker.Row> rows = Attacker.withoutLedger(READINGS, PLAN);
    for (int i = 1; i < rows.size(); i++) {
      assertThat(rows.get(i).timeMillis()).isGreaterThanOrEqualTo(rows.get(i - 1).timeMillis());
    }
  }

  @Test
  void plan_badInput_rejected() {
    assertThatThrownBy(() -> Attacker.plan(READINGS, SensorFields.room(), 0, 1, FORGER, UNKNOWN)).hasMessageContaining("share");
    assertThatThrownBy(() -> Attacker.plan(READINGS, SensorFields.room(), 1.5, 1, FORGER, UNKNOWN)).hasMessageContaining("share");
    assertThatThrownBy(() -> Attacker.plan(List.of(), SensorFields.room(), 0.1, 1, FORGER, UNKNOWN)).hasMessageContaining("no readings");
    SignedReading garbage = SignedReading.newBuilder().setReading(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff})).build();
    assertThatThrownBy(() -> Attacker.plan(List.of(garbage), SensorFields.room(), 0.1, 1, FORGER, UNKNOWN))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Reading");
    assertThatThrownBy(() -> Attacker.withoutLedger(READINGS.subList(0, 10), PLAN)).hasMessageContaining("1682");
  }

  @Test
  void plan_importedStream_usesItsFields() {
    CreateStream s = SensorSimulator.stream("room-night", MODEL, SensorSimulator.DEFAULT_WINDOW);
    Attacker.Plan p = Attacker.plan(READINGS, s.getFieldsList(), 0.1, 42, FORGER, UNKNOWN);
    assertThat(p.attacks()).isEqualTo(PLAN.attacks());
  }

  private static SensorDevice device(String id) {
    return DEVICES.stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
  }
}
