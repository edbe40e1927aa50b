package org.veriflow.demo.sensors;

import com.google.protobuf.ByteString;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.veriflow.client.streams.Readings;
import org.veriflow.client.streams.SensorDevice;
import org.veriflow.protocol.proto.streams.FieldSpec;
import org.veriflow.protocol.proto.streams.Reading;
import org.veriflow.protocol.proto.streams.SignedReading;
import org.veriflow.protocol.proto.streams.Verdict;

/**
 * An attacker between the devices and the gateway, with a copy of every signed reading sent so far.
 * It picks a seeded share of the readings and builds four kinds of attack on them (see {@link
 * Kind}), each with the verdict the ledger owes it, and computes what a pipeline that trusts every
 * reading would have stored. Planning is pure and seeded (the choice of readings, the kinds and the
 * false values follow from the seed; only the two attacker keys are fresh); submission is left to
 * the caller ({@link Gateway}). Stateless; thread-safe.
 */
public final class Attacker {
  /** Share of the readings attacked by default. */
  public static final double DEFAULT_SHARE = 0.1;

  /** The attacks, each with the verdict a correct ledger gives it. */
  public enum Kind {
    /** A reading whose values were changed after the device signed it; the signature is kept. */
    ALTERED(Verdict.BAD_SIGNATURE, "values changed after signing, signature kept"),
    /**
     * A new reading that claims a registered device's id (with a sequence above the device's last,
     * as a forger hoping to pass would choose) but is signed with the attacker's key.
     */
    FORGED(Verdict.BAD_SIGNATURE, "claims a registered device, signed with another key"),
    /** An already-submitted reading sent again, byte for byte. */
    REPLAYED(Verdict.DUPLICATE, "an already-submitted reading, byte for byte"),
    /** A well-signed reading from a device key that was never registered in the stream. */
    UNKNOWN_DEVICE(Verdict.UNKNOWN_DEVICE, "signed by a device that was never registered");

    private final Verdict expected;
    private final String description;

    Kind(Verdict expected, String description) {
      this.expected = expected;
      this.description = description;
    }

    /** The verdict the ledger must give readings of this kind. */
    public Verdict expectedVerdict() {
      return expected;
    }

    public String description() {
      return description;
    }

    /** Lower-case label as written in files: {@code altered}, {@code forged}, {@code replayed}, {@code unknown-device}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One attack reading.
   *
   * @param kind what was done
   * @param target index, in the original readings, of the reading it was built from (the reading
   *     altered or replayed, or whose device, time and values the forgery and the unknown device's
   *     reading imitate)
   * @param sent what the attacker submits
   * @param reading the reading {@code sent} carries, decoded
   */
  public record Attack(Kind kind, int target, SignedReading sent, Reading reading) {
    public Attack {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(sent, "sent");
      Objects.requireNonNull(reading, "reading");
    }
  }

  /**
   * A planned attack.
   *
   * @param share the share of readings attacked, in (0, 1]
   * @param seed the seed everything but the two keys follows from
   * @param total how many original readings there were
   * @param attacks in submission order: by the target's time, then its index
   * @param forger the key that signs forged readings
   * @param unknownDevice the unregistered device's key
   */
  public record Plan(double share, long seed, int total, List<Attack> attacks, SensorDevice forger, SensorDevice unknownDevice) {
    public Plan {
      attacks = List.copyOf(attacks);
      Objects.requireNonNull(forger, "forger");
      Objects.requireNonNull(unknownDevice, "unknownDevice");
    }

    /** The readings to submit, in order. */
    public List<SignedReading> readings() {
      List<SignedReading> out = new ArrayList<>(attacks.size());
      for (Attack a : attacks) {
        out.add(a.sent());
      }
      return List.copyOf(out);
    }

    /** How many attacks of each kind; every kind is present, possibly with 0. */
    public Map<Kind, Integer> counts() {
      Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
      for (Kind k : Kind.values()) {
        counts.put(k, 0);
      }
      for (Attack a : attacks) {
        counts.merge(a.kind(), 1, Integer::sum);
      }
      return Collections.unmodifiableMap(counts);
    }

    /** How many readings the ledger must reject for each reason, the reasons in enum order. */
    public Map<Verdict, Integer> expectedVerdicts() {
      Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
      for (Attack a : attacks) {
        counts.merge(a.kind().expectedVerdict(), 1, Integer::sum);
      }
      return Collections.unmodifiableMap(counts);
    }

    /** The attacks of one kind, in submission order. */
    public List<Attack> of(Kind kind) {
      return attacks.stream().filter(a -> a.kind() == kind).toList();
    }
  }

  /**
   * A row of a stored dataset: time, device id and values in field order.
   */
  public record Row(long timeMillis, String device, List<Double> values) {
    public Row {
      Objects.requireNonNull(device, "device");
      values = List.copyOf(values);
    }
  }

  private Attacker() {}

  /**
   * Plans an attack on {@code round(share * readings.size())} distinct readings (at least one),
   * chosen by the seed, split among the four kinds in seeded proportions (each kind between about
   * 10 % and 50 % of the attacks, and each present once there are four attacks or more).
   *
   * <p>False values (altered, forged and the unknown device's) move each value of the imitated
   * reading by 5 % to 20 % of its magnitude (at least 0.05 to 0.2 units), up or down at random, then
   * are clamped into the field's range and rounded to its decimals, so that they stay plausible and
   * a schema check alone cannot catch them; an altered reading always differs from its original.
   *
   * @param readings the signed readings already submitted, in submission order
   * @param fields the stream's fields, in order (ranges and decimals of the false values)
   * @param forger signs forged readings; must not be a device's key
   * @param unknownDevice signs the unknown device's readings; must not be registered
   * @throws IllegalArgumentException if {@code readings} is empty, {@code share} is not in (0, 1],
   *     or a reading cannot be decoded
   */
  public static Plan plan(List<SignedReading> readings, List<FieldSpec> fields, double share, long seed, SensorDevice forger,
      SensorDevice unknownDevice) {
    if (readings.isEmpty()) {
      throw new IllegalArgumentException("there are no readings to attack");
    }
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("the attacked share must be in (0, 1], not " + share);
    }
    List<Reading> decoded = new ArrayList<>(readings.size());
    Map<String, TreeSet<Long>> timesByDevice = new HashMap<>();
    Map<String, Long> lastSequence = new HashMap<>();
    for (SignedReading s : readings) {
      Reading r = Readings.decode(s);
      decoded.add(r);
      timesByDevice.computeIfAbsent(r.getDeviceId(), k -> new TreeSet<>()).add(r.getTimestampMillis());
      lastSequence.merge(r.getDeviceId(), r.getSequence(), Math::max);
    }

    SplittableRandom random = new SplittableRandom(seed);
    int n = (int) StrictMath.max(1, StrictMath.round(share * readings.size()));
    int[] picked = pick(readings.size(), n, random);
    int[] counts = split(n, random);
    Kind[] kinds = new Kind[n];
    int next = 0;
    for (Kind k : Kind.values()) {
      for (int i = 0; i < counts[k.ordinal()]; i++) {
        kinds[next++] = k;
      }
    }

    List<int[]> order = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      order.add(new int[] {picked[i], kinds[i].ordinal()});
    }
    order.sort(Comparator.<int[]>comparingLong(p -> decoded.get(p[0]).getTimestampMillis()).thenComparingInt(p -> p[0]));

    List<Attack> attacks = new ArrayList<>(n);
    Map<String, Long> forgedSequence = new HashMap<>(lastSequence);
    long unknownSequence = 0;
    for (int[] p : order) {
      int target = p[0];
      Kind kind = Kind.values()[p[1]];
      SignedReading original = readings.get(target);
      Reading r = decoded.get(target);
      SignedReading sent;
      switch (kind) {
        case ALTERED -> {
          Reading altered = r.toBuilder().clearValues().addAllValues(falseValues(r.getValuesList(), fields, random, true)).build();
          sent = original.toBuilder().setReading(ByteString.copyFrom(altered.toByteArray())).build();
        }
        case FORGED -> {
          long sequence = forgedSequence.merge(r.getDeviceId(), 1L, Long::sum);
          Reading forged = Readings.reading(r.getStreamId(), r.getDeviceId(), sequence,
              r.getTimestampMillis() + halfGap(timesByDevice.get(r.getDeviceId()), r.getTimestampMillis()),
              falseValues(r.getValuesList(), fields, random, false));
          sent = Readings.sign(forged, forger.key());
        }
        case REPLAYED -> sent = original;
        case UNKNOWN_DEVICE -> {
          Reading fake = Readings.reading(r.getStreamId(), unknownDevice.id(), ++unknownSequence, r.getTimestampMillis(),
              falseValues(r.getValuesList(), fields, random, false));
          sent = Readings.sign(fake, unknownDevice.key());
        }
        default -> throw new IllegalStateException("unhandled attack kind " + kind);
      }
      attacks.add(new Attack(kind, target, sent, Readings.decode(sent)));
    }
    return new Plan(share, seed, readings.size(), attacks, forger, unknownDevice);
  }

  /**
   * What a pipeline that stores every reading it receives would hold after the attack: every
   * original reading, an altered one with its false values instead, plus a row per forged,
   * replayed and unknown-device reading. Sorted by time, then device id; ties keep arrival order.
   */
  public static List<Row> withoutLedger(List<SignedReading> originals, Plan plan) {
    if (originals.size() != plan.total()) {
      throw new IllegalArgumentException("the plan was made for " + plan.total() + " readings, not " + originals.size());
    }
    List<Row> rows = new ArrayList<>(originals.size() + plan.attacks().size());
    Map<Integer, Reading> altered = new HashMap<>();
    for (Attack a : plan.of(Kind.ALTERED)) {
      altered.put(a.target(), a.reading());
    }
    for (int i = 0; i < originals.size(); i++) {
      Reading r = altered.containsKey(i) ? altered.get(i) : Readings.decode(originals.get(i));
      rows.add(row(r));
    }
    for (Attack a : plan.attacks()) {
      if (a.kind() != Kind.ALTERED) {
        rows.add(row(a.reading()));
      }
    }
    rows.sort(Comparator.comparingLong(Row::timeMillis).thenComparing(Row::device));
    return List.copyOf(rows);
  }

  /**
   * Writes the attack into {@code dir}: {@value SensorFiles#ATTACK_READINGS} (the readings sent, in
   * order), {@value SensorFiles#ATTACK_CSV} ({@code
   * kind,expected_verdict,target,device,sequence,time,<fields>,digest}) and {@value
   * SensorFiles#WITHOUT_LEDGER_CSV} ({@code time,device,<fields>}, the rows of {@link
   * #withoutLedger}).
   *
   * @throws IllegalArgumentException if one of these files exists already
   */
  public static void write(Path dir, List<FieldSpec> fields, List<SignedReading> originals, Plan plan) {
    for (String name : List.of(SensorFiles.ATTACK_READINGS, SensorFiles.ATTACK_CSV, SensorFiles.WITHOUT_LEDGER_CSV)) {
      if (Files.exists(dir.resolve(name))) {
        throw new IllegalArgumentException(dir.resolve(name) + " already exists; write this attack to another directory");
      }
    }
    String fieldNames = String.join(",", fields.stream().map(FieldSpec::getName).toList());
    List<String> attackRows = new ArrayList<>();
    for (Attack a : plan.attacks()) {
      Reading r = a.reading();
      attackRows.add(String.join(",", a.kind().label(), a.kind().expectedVerdict().name(), Integer.toString(a.target()),
          r.getDeviceId(), Long.toString(r.getSequence()), SensorFiles.time(r.getTimestampMillis()),
          values(r.getValuesList(), fields), Readings.digest(a.sent()).hex()));
    }
    List<String> stored = new ArrayList<>();
    for (Row row : withoutLedger(originals, plan)) {
      stored.add(SensorFiles.time(row.timeMillis()) + "," + row.device() + "," + values(row.values(), fields));
    }
    SensorFiles.writeSignedReadings(dir.resolve(SensorFiles.ATTACK_READINGS), plan.readings());
    SensorFiles.writeCsv(dir.resolve(SensorFiles.ATTACK_CSV), "kind,expected_verdict,target,device,sequence,time," + fieldNames + ",digest", attackRows);
    SensorFiles.writeCsv(dir.resolve(SensorFiles.WITHOUT_LEDGER_CSV), "time,device," + fieldNames, stored);
  }

  private static Row row(Reading r) {
    return new Row(r.getTimestampMillis(), r.getDeviceId(), r.getValuesList());
  }

  static String values(List<Double> values, List<FieldSpec> fields) {
    List<String> out = new ArrayList<>(values.size());
    for (int i = 0; i < values.size(); i++) {
      out.add(i < fields.size() ? SensorFields.format(values.get(i), fields.get(i)) : Double.toString(values.get(i)));
    }
    return String.join(",", out);
  }

  /** {@code k} distinct indices of {@code 0..size-1}, by a partial Fisher–Yates shuffle. */
  private static int[] pick(int size, int k, SplittableRandom random) {
    int[] a = new int[size];
    for (int i = 0; i < size; i++) {
      a[i] = i;
    }
    for (int i = 0; i < k; i++) {
      int j = i + random.nextInt(size - i);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    int[] out = new int[k];
    System.arraycopy(a, 0, out, 0, k);
    return out;
  }

  /**
   * Splits {@code n} attacks among the kinds by seeded weights in [0.5, 1.5] (largest remainder),
   * then moves one attack to any kind left empty while {@code n >= 4}.
   */
  private static int[] split(int n, SplittableRandom random) {
    int kinds = Kind.values().length;
    double[] w = new double[kinds];
    double sum = 0;
    for (int k = 0; k < kinds; k++) {
      w[k] = 0.5 + random.nextDouble();
      sum += w[k];
    }
    int[] counts = new int[kinds];
    double[] remainder = new double[kinds];
    int given = 0;
    for (int k = 0; k < kinds; k++) {
      double exact = n * w[k] / sum;
      counts[k] = (int) StrictMath.floor(exact);
      remainder[k] = exact - counts[k];
      given += counts[k];
    }
    while (given < n) {
      int best = 0;
      for (int k = 1; k < kinds; k++) {
        if (remainder[k] > remainder[best]) {
          best = k;
        }
      }
      counts[best]++;
      remainder[best] = -1;
      given++;
    }
    for (int k = 0; k < kinds && n >= kinds; k++) {
      if (counts[k] == 0) {
        int largest = 0;
        for (int j = 1; j < kinds; j++) {
          if (counts[j] > counts[largest]) {
            largest = j;
          }
        }
        counts[largest]--;
        counts[k]++;
      }
    }
    return counts;
  }

  /** Half the gap to the device's next reading (or from its previous one, for its last); 1 s if it has only one. */
  private static long halfGap(TreeSet<Long> distinct, long time) {
    Long after = distinct.higher(time);
    if (after != null) {
      return (after - time) / 2;
    }
    Long before = distinct.lower(time);
    return before != null ? (time - before) / 2 : 1000;
  }

  private static List<Double> falseValues(List<Double> values, List<FieldSpec> fields, SplittableRandom random, boolean mustDiffer) {
    List<Double> out = new ArrayList<>(values.size());
    boolean differs = false;
    for (int i = 0; i < values.size(); i++) {
      double v = values.get(i);
      FieldSpec f = i < fields.size() ? fields.get(i) : null;
      double magnitude = StrictMath.max(StrictMath.abs(v), 1.0);
      double delta = (0.05 + 0.15 * random.nextDouble()) * magnitude;
      double moved = random.nextBoolean() ? v + delta : v - delta;
      if (f != null) {
        if (moved > f.getMax() || moved < f.getMin()) {
          moved = moved > f.getMax() ? v - delta : v + delta;
        }
        moved = SensorFields.round(StrictMath.min(f.getMax(), StrictMath.max(f.getMin(), moved)), f.getDecimals());
      }
      differs |= Double.compare(moved, v) != 0;
      out.add(moved);
    }
    if (mustDiffer && !differs) {
      throw new IllegalArgumentException("cannot alter a reading whose values cannot move within their fields' ranges: " + values);
    }
    return out;
  }
}
