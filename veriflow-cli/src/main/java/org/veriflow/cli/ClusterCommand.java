package org.veriflow.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.veriflow.cli.cluster.Agreement;
import org.veriflow.cli.cluster.Answer;
import org.veriflow.cli.cluster.Head;
import org.veriflow.cli.cluster.Members;
import org.veriflow.cli.cluster.Table;
import org.veriflow.client.CheckpointException;
import org.veriflow.client.Responses;
import org.veriflow.client.TlsOptions;
import org.veriflow.client.VeriflowClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "cluster", description = "Inspect a cluster: its members' roles and heads, and whether their signed checkpoints agree.",
    subcommands = {ClusterCommand.Status.class, ClusterCommand.Checkpoints.class})
final class ClusterCommand {
  /** Hex characters shown of a hash in a table. */
  static final int SHORT_HASH = 12;

  private ClusterCommand() {}

  /** Options of both subcommands: the node asked first, and how long to wait for each member. */
  static final class Common {
    @Mixin NodeOptions options;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "3000",
        description = "How long to wait for each member's answer; a member that does not answer in time is shown as unreachable (default: ${DEFAULT-VALUE}).")
    long timeoutMillis;

    Duration timeout(CommandSpec spec) {
      if (timeoutMillis < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--timeout-ms must be at least 1, not " + timeoutMillis);
      }
      return Duration.ofMillis(timeoutMillis);
    }

    VeriflowClient client(Duration timeout) {
      return options.client(URI.create(options.node), timeout);
    }
  }

  /** The members to ask: the cluster's, or for a single node the node itself under the name {@code single}. */
  static List<Responses.ClusterMember> members(Responses.ClusterInfo info, String nodeUrl) {
    return info.clustered() ? info.members() : List.of(new Responses.ClusterMember("single", "-", nodeUrl));
  }

  /** Every member's own view of the cluster; the member that gave {@code first} is not asked again. */
  static List<Answer<Responses.ClusterInfo>> views(Responses.ClusterInfo first, String firstUrl, Duration timeout, TlsOptions tls) {
    return Members.ask(members(first, firstUrl), timeout, tls, (m, c) -> first.self().map(m.id()::equals).orElse(false) ? first : c.cluster());
  }

  @Command(name = "status", description = {
      "Show each member's role, addresses and head, and whether the members agree.",
      "Every member is asked for itself; a member's head is compared with the others' blocks at its height. "
          + "Exit 1 if two members have different blocks or state at a height, or a member answers for another chain or member."})
  static final class Status implements Callable<Integer> {
    /**
     * The JSON result: term and leader are null for a single node; {@code agree} is false when two
     * members have different blocks or state at a height, each difference being one of {@code problems}.
     */
    record Shown(String chainId, boolean clustered, Long term, String leader, List<Member> members, boolean agree, List<String> problems) {}

    /**
     * A member: role and head null when it did not answer ({@code problem} says why); {@code consistent}
     * is CONSISTENT, UNCONFIRMED, DIFFERS, NOT_COMPARED or UNREACHABLE, null for a single node.
     */
    record Member(String id, String role, String raftAddress, String apiUrl, Long height, String blockHash, String stateHash,
        String consistent, List<String> agreeing, List<String> differing, String problem) {}

    @Spec CommandSpec spec;
    @Mixin Common common;
    @Mixin OutputOptions output;

    @Override
    public Integer call() {
      Duration timeout = common.timeout(spec);
      Responses.ClusterInfo info = common.client(timeout).cluster();
      PrintWriter out = spec.commandLine().getOut();
      if (!info.clustered()) {
        if (output.printJson(out, new Shown(info.chainId(), false, null, null, List.of(new Member("single", null, null, common.options.node,
            info.height(), info.blockHash(), info.stateHash(), null, List.of(), List.of(), null)), true, List.of()))) {
          return Veriflow.OK;
        }
        out.println("single node (not clustered), chain " + info.chainId());
        out.println("height:      " + info.height());
        out.println("block hash:  " + info.blockHash());
        out.println("state hash:  " + info.stateHash());
        return Veriflow.OK;
      }
      List<Answer<Responses.ClusterInfo>> answers = views(info, common.options.node, timeout, common.options.tls());
      List<String> problems = new ArrayList<>();
      Map<String, Head> heads = new LinkedHashMap<>();
      Responses.ClusterInfo latest = info;
      for (Answer<Responses.ClusterInfo> a : answers) {
        if (a.value().isEmpty()) {
          continue;
        }
        Responses.ClusterInfo v = a.value().get();
        String id = a.member().id();
        if (!v.chainId().equals(info.chainId())) {
          problems.add(id + " answers for chain '" + v.chainId() + "', not '" + info.chainId() + "'");
        } else if (!v.self().map(id::equals).orElse(false)) {
          problems.add(id + "'s API at " + a.member().apiUrl() + " answers as " + v.self().map(s -> "member " + s).orElse("a single node"));
        } else {
          heads.put(id, new Head(v.height(), v.blockHash(), v.stateHash()));
          if (v.term() > latest.term()) {
            latest = v;
          }
        }
      }
      SortedMap<Long, List<Agreement.Group>> groups = Agreement.groupByHeight(heads, lowerBlocks(heads, answers, timeout, common.options.tls()));
      Map<String, Agreement.Judgement> judged = Agreement.judge(heads, groups);

      out.println("chain:   " + info.chainId());
      out.println("term:    " + latest.term());
      out.println("leader:  " + latest.leader().orElse("none known"));
      Table table = new Table("ID", "ROLE", "RAFT", "API", "HEIGHT", "BLOCK", "STATE", "CONSISTENT");
      List<String> notes = new ArrayList<>();
      List<Member> members = new ArrayList<>();
      for (Answer<Responses.ClusterInfo> a : answers) {
        Responses.ClusterMember m = a.member();
        Agreement.Judgement j = judged.get(m.id());
        members.add(member(a, j));
        if (a.value().isEmpty()) {
          table.row(m.id(), "-", m.raftAddress(), m.apiUrl(), "-", "-", "-", "unreachable");
          notes.add(m.id() + ": " + a.problem().orElseThrow());
        } else if (j == null) {
          Responses.ClusterInfo v = a.value().get();
          table.row(m.id(), v.role(), m.raftAddress(), m.apiUrl(), Long.toString(v.height()), Head.shortHash(v.blockHash(), SHORT_HASH),
              Head.shortHash(v.stateHash(), SHORT_HASH), "NOT COMPARED");
        } else {
          table.row(m.id(), a.value().get().role(), m.raftAddress(), m.apiUrl(), Long.toString(j.head().height()),
              Head.shortHash(j.head().blockHash(), SHORT_HASH), Head.shortHash(j.head().stateHash(), SHORT_HASH), verdict(j));
        }
      }
      groups.forEach((height, gs) -> {
        if (gs.size() > 1) {
          problems.add("at height " + height + " " + gs.stream().map(g -> String.join(", ", g.members()) + " have block "
              + Head.shortHash(g.head().blockHash(), SHORT_HASH) + " state " + Head.shortHash(g.head().stateHash(), SHORT_HASH))
              .collect(Collectors.joining("; ")));
        }
      });
      long reachable = answers.stream().filter(a -> a.value().isPresent()).count();
      if (output.printJson(out, new Shown(info.chainId(), true, latest.term(), latest.leader().orElse(null), members, problems.isEmpty(), problems))) {
        problems.forEach(p -> spec.commandLine().getErr().println("error: the members disagree: " + p));
        return problems.isEmpty() ? Veriflow.OK : Veriflow.FAILURE;
      }
      table.print(out);
      notes.forEach(out::println);
      if (!problems.isEmpty()) {
        for (String p : problems) {
          spec.commandLine().getErr().println("error: the members disagree: " + p);
        }
        return Veriflow.FAILURE;
      }
      out.println(reachable == answers.size()
          ? "all " + reachable + " members agree"
          : reachable == 1 ? "only 1 member of " + answers.size() + " is reachable"
          : "the " + reachable + " reachable members of " + answers.size() + " agree");
      return Veriflow.OK;
    }

    private static Member member(Answer<Responses.ClusterInfo> a, Agreement.Judgement j) {
      Responses.ClusterMember m = a.member();
      if (a.value().isEmpty()) {
        return new Member(m.id(), null, m.raftAddress(), m.apiUrl(), null, null, null, "UNREACHABLE", List.of(), List.of(), a.problem().orElseThrow());
      }
      Responses.ClusterInfo v = a.value().get();
      if (j == null) {
        return new Member(m.id(), v.role(), m.raftAddress(), m.apiUrl(), v.height(), v.blockHash(), v.stateHash(), "NOT_COMPARED", List.of(),
            List.of(), null);
      }
      return new Member(m.id(), v.role(), m.raftAddress(), m.apiUrl(), j.head().height(), j.head().blockHash(), j.head().stateHash(),
          j.verdict().name(), List.copyOf(j.agreeing()), List.copyOf(j.differing()), null);
    }

    private static String verdict(Agreement.Judgement j) {
      return switch (j.verdict()) {
        case CONSISTENT -> "yes (" + String.join(",", j.agreeing()) + ")";
        case UNCONFIRMED -> "unconfirmed (no other member to compare)";
        case DIFFERS -> "NO (differs from " + String.join(",", j.differing()) + ")";
      };
    }

    /** Every member's blocks at the heads' heights below its own, so that each head can be compared. */
    private static Map<String, Map<Long, Head>> lowerBlocks(Map<String, Head> heads, List<Answer<Responses.ClusterInfo>> answers,
        Duration timeout, TlsOptions tls) {
      List<Responses.ClusterMember> above = new ArrayList<>();
      for (Answer<Responses.ClusterInfo> a : answers) {
        if (heads.containsKey(a.member().id()) && !Agreement.heightsToFetch(a.member().id(), heads).isEmpty()) {
          above.add(a.member());
        }
      }
      Map<String, Map<Long, Head>> blocks = new TreeMap<>();
      for (Answer<Map<Long, Head>> a : Members.ask(above, timeout, tls, (m, c) -> {
        SortedSet<Long> heights = Agreement.heightsToFetch(m.id(), heads);
        Map<Long, Head> got = new TreeMap<>();
        for (long h : heights) {
          Responses.BlockInfo b = c.block(h);
          got.put(h, new Head(b.height(), b.hash(), b.stateHash()));
        }
        return got;
      })) {
        // A member whose blocks could not be fetched is left out at those heights: its verdicts are unconfirmed, not failed.
        a.value().ifPresent(v -> blocks.put(a.member().id(), v));
      }
      return blocks;
    }
  }

  @Command(name = "checkpoints", description = {
      "Verify and compare every member's signed checkpoint at one height.",
      "Each signature must verify and its signer be an orderer of the chain. "
          + "Exit 1 if a checkpoint does not verify or two members' checkpoints differ."})
  static final class Checkpoints implements Callable<Integer> {
    /**
     * The JSON result.
     *
     * @param chainId the chain the asked node serves
     * @param height the height compared
     * @param checkpoints one per member, in member order
     * @param agree true if every checkpoint given verifies, is for this chain, and all name the same block and state
     * @param problems why not, as sentences
     */
    record Compared(String chainId, long height, List<Checkpoint> checkpoints, boolean agree, List<String> problems) {}

    /**
     * One member's checkpoint.
     *
     * @param member the member's id
     * @param signer the signing orderer's identity id, or null without a checkpoint
     * @param blockHash the block hash it signs, or null
     * @param stateHash the state hash it signs, or null
     * @param check {@code ok}, {@code OTHER CHAIN}, {@code BAD (<failure>)} or {@code MISSING}
     * @param problem why the member gave no checkpoint, or null
     */
    record Checkpoint(String member, String signer, String blockHash, String stateHash, String check, String problem) {}

    @Spec CommandSpec spec;
    @Mixin Common common;
    @Mixin OutputOptions output;

    @Option(names = "--height", paramLabel = "H", description = "The height to compare (default: the lowest head among the reachable members).")
    Long height;

    @Override
    public Integer call() {
      if (height != null && height < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--height must not be negative, not " + height);
      }
      Duration timeout = common.timeout(spec);
      VeriflowClient client = common.client(timeout);
      Responses.ClusterInfo info = client.cluster();
      Responses.ChainInfo chain = client.chain();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      long h;
      if (height != null) {
        h = height;
      } else {
        h = views(info, common.options.node, timeout, common.options.tls()).stream().flatMap(a -> a.value().stream()).mapToLong(Responses.ClusterInfo::height).min()
            .orElseThrow(() -> new IllegalStateException("no member of the cluster answers"));
      }
      List<Answer<Responses.SignedCheckpoint>> answers = Members.ask(members(info, common.options.node), timeout, common.options.tls(), (m, c) -> c.checkpoint(h));

      if (!info.clustered() && !output.json()) {
        out.println("single node (not clustered), chain " + chain.chainId());
      }
      List<Checkpoint> rows = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      Map<String, Head> verified = new LinkedHashMap<>();
      Table table = new Table("ID", "SIGNER", "BLOCK", "STATE", "SIGNATURE");
      for (Answer<Responses.SignedCheckpoint> a : answers) {
        String id = a.member().id();
        if (a.value().isEmpty()) {
          table.row(id, "-", "-", "-", "no checkpoint: " + a.problem().orElseThrow());
          rows.add(new Checkpoint(id, null, null, null, "MISSING", a.problem().orElseThrow()));
          missing.add(id);
          continue;
        }
        Responses.SignedCheckpoint c = a.value().get();
        String check;
        try {
          c.verify(chain.orderers());
          if (c.chainId().equals(chain.chainId())) {
            check = "ok";
            verified.put(id, new Head(c.height(), c.blockHash(), c.stateHash()));
          } else {
            check = "OTHER CHAIN";
            problems.add(id + "'s checkpoint is for chain '" + c.chainId() + "', not '" + chain.chainId() + "'");
          }
        } catch (CheckpointException e) {
          check = "BAD (" + e.failure() + ")";
          problems.add(id + "'s checkpoint does not verify: " + e.failure() + ": " + e.getMessage());
        }
        table.row(id, c.signer().id(), Head.shortHash(c.blockHash(), SHORT_HASH), Head.shortHash(c.stateHash(), SHORT_HASH), check);
        rows.add(new Checkpoint(id, c.signer().id(), c.blockHash(), c.stateHash(), check, null));
      }

      List<Agreement.Group> groups = Agreement.group(verified);
      if (groups.size() > 1) {
        problems.add("the checkpoints at height " + h + " disagree: " + groups.stream().map(g -> String.join(", ", g.members())
            + " sign block " + g.head().blockHash() + " state " + g.head().stateHash()).collect(Collectors.joining("; ")));
      }
      if (verified.isEmpty() && problems.isEmpty()) {
        problems.add("no member gave a checkpoint at height " + h);
      }
      if (output.printJson(out, new Compared(chain.chainId(), h, rows, problems.isEmpty(), problems))) {
        return problems.isEmpty() ? Veriflow.OK : Veriflow.FAILURE;
      }
      out.println("height:  " + h);
      table.print(out);
      if (!problems.isEmpty()) {
        for (String p : problems) {
          err.println("error: " + p);
        }
        return Veriflow.FAILURE;
      }
      out.println("all " + verified.size() + " checkpoints at height " + h + " agree"
          + (missing.isEmpty() ? "" : " (no checkpoint from " + String.join(", ", missing) + ")"));
      return Veriflow.OK;
    }
  }
}
