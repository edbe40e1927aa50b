package org.veriflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
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
import org.veriflow.protocol.http.FlParticipant;
import org.veriflow.protocol.http.FlRound;
import org.veriflow.protocol.http.FlRounds;
import org.veriflow.protocol.http.FlTask;
import org.veriflow.protocol.http.ModelDataset;
import org.veriflow.protocol.proto.fl.AggregationRule;
import picocli.CommandLine;

/** {@code veriflow fl}: its options parsed into a task, and each bad option refused with exit 2 before a node is asked. */
class FlCommandTest {
  /** No node listens there: a command that got past its options would fail with exit 1, not 2. */
  private static final String NO_NODE = "--node=http://127.0.0.1:1";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String H = "ab".repeat(32);

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

  @Test
  void roundTime_largestUnitThatDividesIt() {
    assertThat(FlCommand.roundTime(10_000)).isEqualTo("10 s");
    assertThat(FlCommand.roundTime(90_000)).isEqualTo("90 s");
    assertThat(FlCommand.roundTime(300_000)).isEqualTo("5 m");
    assertThat(FlCommand.roundTime(7_200_000)).isEqualTo("2 h");
    assertThat(FlCommand.roundTime(604_800_000)).isEqualTo("7 d");
    assertThat(FlCommand.roundTime(1_500)).isEqualTo("1500 ms");
  }

  @Test
  void statusAndRounds_roundTimeAndDeadlines_inTextAndJson() throws Exception {
    FlTask timed = task("t1", 10_000);
    FlTask untimed = task("t2", 0);
    FlRound closed = round("t1", 1, "VERIFIED", 24, 1_700_000_010_000L);
    FlRound open = round("t1", 2, "OPEN", 64, 1_700_000_050_500L);
    FlRound heightOnly = round("t2", 1, "OPEN", 44, 0);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    Map<String, Object> answers = new TreeMap<>();
    answers.put("/v1/fl/tasks/t1", timed);
    answers.put("/v1/fl/tasks/t2", untimed);
    answers.put("/v1/fl/tasks/t1/rounds", new FlRounds("t1", List.of(closed, open)));
    answers.put("/v1/fl/tasks/t2/rounds", new FlRounds("t2", List.of(heightOnly)));
    answers.forEach((path, body) -> server.createContext(path, x -> {
      byte[] bytes = x.getRequestURI().getPath().equals(path) ? JSON.writeValueAsBytes(body) : new byte[0];
      x.getResponseHeaders().add("Content-Type", "application/json");
      x.sendResponseHeaders(bytes.length == 0 ? 404 : 200, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }));
    server.start();
    try {
      String node = "--node=http://127.0.0.1:" + server.getAddress().getPort();
      Veriflow.Captured status = Veriflow.capture("fl", "status", node, "t1");
      assertThat(status.exitCode()).as(status.err()).isZero();
      assertThat(status.out()).contains("round:         1 of 3, 40 blocks or 10 s each");
      assertThat(Veriflow.capture("fl", "status", node, "t2").out()).contains("round:         1 of 3, 40 blocks each");
      JsonNode shown = JSON.readTree(Veriflow.capture("fl", "status", node, "t1", "--output", "json").out());
      assertThat(shown.get("roundBlocks").asLong()).isEqualTo(40);
      assertThat(shown.get("roundMillis").asLong()).isEqualTo(10_000);
      assertThat(JSON.readTree(Veriflow.capture("fl", "status", node, "t2", "--output", "json").out()).get("roundMillis").asLong()).isZero();

      Veriflow.Captured rounds = Veriflow.capture("fl", "rounds", node, "t1");
      assertThat(rounds.exitCode()).as(rounds.err()).isZero();
      assertThat(rounds.out()).contains("DEADLINE").contains("height 24 or 2023-11-14T22:13:30Z").contains("height 64 or 2023-11-14T22:14:10.500Z");
      assertThat(Veriflow.capture("fl", "rounds", node, "t2").out()).contains("height 44").doesNotContain("height 44 or");
      JsonNode listed = JSON.readTree(Veriflow.capture("fl", "rounds", node, "t1", "--output", "json").out()).get("rounds");
      assertThat(listed.get(0).get("deadlineHeight").asLong()).isEqualTo(24);
      assertThat(listed.get(0).get("deadlineMillis").asLong()).isEqualTo(1_700_000_010_000L);
      assertThat(listed.get(0).get("deadlineTime").asText()).isEqualTo("2023-11-14T22:13:30Z");
      assertThat(listed.get(1).get("deadlineTime").asText()).isEqualTo("2023-11-14T22:14:10.500Z");
      JsonNode untimedRound = JSON.readTree(Veriflow.capture("fl", "rounds", node, "t2", "--output", "json").out()).get("rounds").get(0);
      assertThat(untimedRound.get("deadlineMillis").asLong()).isZero();
      assertThat(untimedRound.get("deadlineTime").isNull()).isTrue();
    } finally {
      server.stop(0);
    }
  }

  private static FlTask task(String id, long roundMillis) {
    ModelDataset validation = new ModelDataset("s-val", H, H, null, null);
    ModelDataset joined = new ModelDataset("", H, "", "data-1", 2L);
    return new FlTask(id, "owner", "RUNNING", H, "{}", 3, 40, roundMillis, 1, 3, "FEDAVG", 0, 0, 0, validation, null, 100, List.of(),
        List.of(), List.of(), "agg", "m1", 31, H, List.of(new FlParticipant("p1", joined, 40, 7, 0, 0, 0, 0, 0, null)), 1, 3, 6, 0, null, 0);
  }

  private static FlRound round(String task, int round, String status, long deadlineHeight, long deadlineMillis) {
    return new FlRound(task, round, status, deadlineHeight - 40, deadlineHeight, deadlineMillis, H, List.of(), 0, null, null, 0, List.of(),
        0, null);
  }
}
