package org.veriflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.veriflow.client.federated.DatasetSource;
import org.veriflow.client.federated.TaskSpec;
import org.veriflow.ml.federated.FederatedRecipe;
import org.veriflow.ml.model.Algorithm;
import org.veriflow.protocol.proto.fl.AggregationRule;
import picocli.CommandLine;

/** {@code veriflow fl}: its options parsed into a task, and each bad option refused with exit 2 before a node is asked. */
class FlCommandTest {
  /** No node listens there: a command that got past its options would fail with exit 1, not 2. */
  private static final String NO_NODE = "--node=http://127.0.0.1:1";

  @TempDir Path tmp;
  private Path recipe;

  @BeforeEach
  void setUp() throws Exception {
    Map<String, Object> h = new TreeMap<>();
    h.put("hiddenLayers", List.of(4));
    h.put("epochs", 1);
    h.put("learningRate", new BigDecimal("0.01"));
    FederatedRecipe r = FederatedRecipe.of(Algorithm.MLP_CLASSIFIER, List.of("temperature", "humidity"), "device_id", List.of("a", "b"),
        new double[] {0, 0}, new double[] {1, 1}, h, 3);
    recipe = tmp.resolve("recipe.json");
    Files.write(recipe, r.toCanonicalJson());
  }

  private List<String> create(String... extra) {
    List<String> args = new ArrayList<>(List.of("fl", "create", NO_NODE, "--task", "t1", "--recipe", recipe.toString(), "--aggregator", "agg"));
    args.addAll(List.of(extra));
    return args;
  }

  private TaskSpec parsed(List<String> args) throws Exception {
    CommandLine.ParseResult r = new CommandLine(new Veriflow()).parseArgs(args.toArray(String[]::new));
    return ((FlCommand.Create) r.subcommand().subcommand().commandSpec().userObject()).taskSpec();
  }

  @Test
  void create_everyOption_parsedIntoTheTask() throws Exception {
    TaskSpec s = parsed(create("--validation-dataset", "val", "--validation-version", "2", "--rounds", "3", "--round-blocks", "7", "--round-time", "30s",
        "--min-participants", "2", "--max-participants", "5", "--rule", "trimmed-mean", "--trim", "0.2", "--reward-pool", "900",
        "--allow-identity", "id-b", "--allow-identity", "id-a", "--allow-organisation", "org1", "--allow-role", "lab", "--model-id", "fed-1"));
    assertThat(s.taskId()).isEqualTo("t1");
    assertThat(s.rounds()).isEqualTo(3);
    assertThat(s.roundBlocks()).isEqualTo(7);
    assertThat(s.roundMillis()).isEqualTo(30_000);
    assertThat(s.minParticipants()).isEqualTo(2);
    assertThat(s.maxParticipants()).isEqualTo(5);
    assertThat(s.rule()).isEqualTo(AggregationRule.TRIMMED_MEAN);
    assertThat(s.trimFractionMicros()).isEqualTo(200_000);
    assertThat(s.validation()).isEqualTo(DatasetSource.version("val", 2));
    assertThat(s.rewardPool()).isEqualTo(900);
    assertThat(s.identities()).containsExactly("id-a", "id-b");
    assertThat(s.organisations()).containsExactly("org1");
    assertThat(s.roles()).containsExactly("lab");
    assertThat(s.aggregator()).isEqualTo("agg");
    assertThat(s.modelId()).isEqualTo("fed-1");
    assertThat(s.recipe().toCanonicalJson()).isEqualTo(Files.readAllBytes(recipe));
  }

  @Test
  void create_rulesAndDefaults_parsed() throws Exception {
    TaskSpec krum = parsed(create("--validation-snapshot", "s1", "--rule", "multi-krum", "--krum-f", "1", "--multi-krum-m", "2"));
    assertThat(krum.rule()).isEqualTo(AggregationRule.MULTI_KRUM);
    assertThat(krum.krumF()).isEqualTo(1);
    assertThat(krum.multiKrumM()).isEqualTo(2);
    assertThat(krum.modelId()).isEqualTo("t1");
    assertThat(krum.validation()).isEqualTo(DatasetSource.snapshot("s1"));
    TaskSpec trust = parsed(create("--validation-snapshot", "s1", "--rule", "FLTRUST", "--root-dataset", "clean", "--root-version", "1"));
    assertThat(trust.root()).contains(DatasetSource.version("clean", 1));
    assertThat(parsed(create("--validation-snapshot", "s1")).rule()).isEqualTo(AggregationRule.FEDAVG);
    assertThat(parsed(create("--validation-snapshot", "s1")).roundMillis()).as("no time limit by default").isZero();
  }

  @Test
  void create_roundTime_eachUnitParsed() throws Exception {
    assertThat(parsed(create("--validation-snapshot", "s1", "--round-time", "1500ms")).roundMillis()).isEqualTo(1_500);
    assertThat(parsed(create("--validation-snapshot", "s1", "--round-time", "5m")).roundMillis()).isEqualTo(300_000);
    assertThat(parsed(create("--validation-snapshot", "s1", "--round-time", "2h")).roundMillis()).isEqualTo(7_200_000);
    assertThat(parsed(create("--validation-snapshot", "s1", "--round-time", "7d")).roundMillis()).isEqualTo(604_800_000);
  }

  @Test
  void badOptions_eachRefusedWithExitTwoAndItsSentence() throws Exception {
    Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
    cases.put(create("--validation-snapshot", "s1", "--rule", "mean"), "--rule must be fedavg, median, trimmed-mean, krum, multi-krum or fltrust, not 'mean'");
    cases.put(create("--validation-snapshot", "s1", "--rule", "trimmed-mean", "--trim", "0.5"), "--trim must be above 0 and below 0.5, not 0.5");
    cases.put(create("--validation-snapshot", "s1", "--rule", "trimmed-mean", "--trim", "0.1234567"), "more than 6 decimals");
    cases.put(create("--validation-snapshot", "s1", "--trim", "0.1"), "only TRIMMED_MEAN takes a trim fraction, not FEDAVG");
    cases.put(create("--validation-snapshot", "s1", "--rule", "trimmed-mean"), "the trim fraction (millionths) must be 1 to 499999, not 0");
    cases.put(create("--validation-snapshot", "s1", "--krum-f", "1"), "only KRUM and MULTI_KRUM take krum f, not FEDAVG");
    cases.put(create("--validation-snapshot", "s1", "--rule", "fltrust"), "FLTRUST needs a root dataset");
    cases.put(create("--validation-snapshot", "s1", "--root-snapshot", "r1"), "only FLTRUST takes a root dataset, not FEDAVG");
    cases.put(create("--validation-snapshot", "s1", "--validation-dataset", "d1", "--validation-version", "1"),
        "give --validation-snapshot or --validation-dataset, not both");
    cases.put(create("--validation-dataset", "d1"), "--validation-dataset needs --validation-version");
    cases.put(create("--validation-snapshot", "s1", "--validation-version", "1"), "--validation-version goes with --validation-dataset");
    cases.put(create(), "give the validation dataset");
    cases.put(create("--validation-dataset", "d1", "--validation-version", "0"), "version from 1");
    cases.put(create("--validation-snapshot", "s1", "--rounds", "0"), "rounds must be 1 to 100, not 0");
    cases.put(create("--validation-snapshot", "s1", "--round-blocks", "100001"), "round blocks must be 1 to 100000, not 100001");
    cases.put(create("--validation-snapshot", "s1", "--max-participants", "17"), "max participants must be 1 to 16, not 17");
    cases.put(create("--validation-snapshot", "s1", "--max-participants", "2", "--min-participants", "3"), "min participants must be 1 to 2, not 3");
    cases.put(create("--validation-snapshot", "s1", "--reward-pool", "-5"), "the reward pool must not be negative, not -5");
    cases.put(create("--validation-snapshot", "s1", "--rounds", "two"), "Invalid value for option '--rounds'");
    cases.put(create("--validation-snapshot", "s1", "--round-time", "soon"),
        "--round-time must be a whole number with a unit ms, s, m, h or d (e.g. 30s, 5m), not 'soon'");
    cases.put(create("--validation-snapshot", "s1", "--round-time", "30"), "--round-time must be a whole number with a unit");
    cases.put(create("--validation-snapshot", "s1", "--round-time", "-5s"), "--round-time must be a whole number with a unit");
    cases.put(create("--validation-snapshot", "s1", "--round-time", "999ms"), "a round's time limit must be 0 (none) or 1 s to 7 days, not PT0.999S");
    cases.put(create("--validation-snapshot", "s1", "--round-time", "8d"), "a round's time limit must be 0 (none) or 1 s to 7 days, not PT192H");
    cases.put(List.of("fl", "create", NO_NODE, "--task", "t1", "--recipe", recipe.toString(), "--validation-snapshot", "s1"),
        "Missing required option: '--aggregator=ID'");
    cases.put(List.of("fl", "create", NO_NODE, "--task", "t1", "--recipe", tmp.resolve("none.json").toString(), "--aggregator", "a",
        "--validation-snapshot", "s1"), "is not a file");
    cases.put(List.of("fl", "join", NO_NODE, "--task", "t1", "--snapshot", "s1", "--dataset", "d1", "--dataset-version", "1"),
        "give --snapshot or --dataset, not both");
    cases.put(List.of("fl", "join", NO_NODE, "--task", "t1"), "give the dataset to train on");
    cases.put(List.of("fl", "join", NO_NODE, "--task", "t1", "--dataset", "d1"), "--dataset needs --dataset-version");
    cases.put(List.of("fl", "join", NO_NODE, "--task", "t1", "--snapshot", "s1", "--dataset-version", "2"), "--dataset-version goes with --dataset");
    cases.put(List.of("fl", "join", NO_NODE, "--task", "t1", "--dataset", "d1", "--dataset-version", "0"), "version from 1");
    cases.put(List.of("fl", "run", NO_NODE, "--task", "t1", "--data", recipe.toString(), "--threads", "0"), "--threads must be at least 1, not 0");
    cases.put(List.of("fl", "run", NO_NODE, "--task", "t1", "--data", tmp.resolve("none.csv").toString()), "is not a file");
    cases.put(List.of("fl", "run", NO_NODE, "--task", "t1"), "Missing required option: '--data=FILE'");
    cases.put(List.of("fl", "start", NO_NODE), "Missing required option: '--task=<task>'");
    cases.put(List.of("fl", "status", NO_NODE), "Missing required parameter: 'TASK'");
    List<String> failures = new ArrayList<>();
    cases.forEach((args, sentence) -> {
      Veriflow.Captured o = Veriflow.capture(args.toArray(String[]::new));
      if (o.exitCode() != Veriflow.USAGE || !o.err().contains(sentence) || !o.out().isEmpty()) {
        failures.add(args + " exits " + o.exitCode() + ", prints '" + o.out().strip() + "', says: " + o.err().strip());
      }
    });
    assertThat(failures).isEmpty();
  }

  @Test
  void create_validOptionsNoNode_failsWithExitOneNotTwo() throws Exception {
    Path key = tmp.resolve("owner.key");
    Files.writeString(key, org.veriflow.core.crypto.KeyPem.encodePrivate(
        org.veriflow.core.crypto.SigningKey.generate(org.veriflow.core.crypto.SignatureAlgorithm.ED25519)));
    Veriflow.Captured o = Veriflow.capture(create("--validation-snapshot", "s1", "--key", key.toString()).toArray(String[]::new));
    assertThat(o.exitCode()).as(o.err()).isEqualTo(Veriflow.FAILURE);
    assertThat(o.err()).contains("127.0.0.1:1");
  }
}
