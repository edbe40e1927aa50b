package org.veriflow.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "init", description = {
    "Write a new single-node chain: genesis, node configuration, the first administrator's key at DIR/keys/admin.key.",
    "With --cluster N, write a cluster of N nodes on this machine in DIR/node1 .. DIR/nodeN, sharing one genesis.",
    "Unless --insecure-http, also a development CA (DIR/ca) and a certificate for each node (its tls/ directory): the API serves HTTPS,",
    "cluster members use mutual TLS; clients pass the CA with --ca-file."})
final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The node directory to create (with --cluster: the cluster's directory).")
  Path dir;

  @Option(names = "--chain-id", defaultValue = "veriflow-local", description = "The chain's name (default: ${DEFAULT-VALUE}).")
  String chainId;

  @Option(names = "--http-port", defaultValue = "7070", description = "The node's HTTP port (default: ${DEFAULT-VALUE}); not with --cluster.")
  int httpPort;

  @Option(names = "--cluster", paramLabel = "N", description = "Write a cluster of N nodes (N >= 1) instead of a single node.")
  Integer cluster;

  @Option(names = "--base-port", paramLabel = "P", defaultValue = "" + NodeSetup.DEFAULT_BASE_PORT,
      description = "With --cluster: node i serves HTTP on P+i-1 and Raft on P+100+i-1 (default: ${DEFAULT-VALUE}).")
  int basePort;

  @Option(names = "--key-type", defaultValue = "ed25519", description = "The administrator key's type: ed25519 or p256 (default: ${DEFAULT-VALUE}).")
  String keyType;

  @Option(names = "--insecure-http", description = {"Write no certificates: the API serves plain HTTP (http.insecure=true) and cluster members",
      "talk plain, unauthenticated Raft (cluster.insecure=true). For a machine no one else can reach."})
  boolean insecureHttp;

  @Option(names = "--verbose", description = "Print stack traces with errors.")
  boolean verbose;

  @Mixin OutputOptions output;

  /**
   * The JSON result.
   *
   * @param chainId the chain's id
   * @param dir the directory written
   * @param administrator the first administrator's identity id
   * @param administratorKey the file of its key
   * @param credits the credits it holds at genesis
   * @param majority how many nodes must be up for blocks to be ordered (1 for a single node)
   * @param nodes the nodes written, node1 first
   * @param caFile the development CA's certificate, which clients pass with {@code --ca-file}; null with {@code --insecure-http}
   */
  record Initialised(String chainId, String dir, String administrator, String administratorKey, long credits, int majority, List<Written> nodes,
      String caFile) {}

  /**
   * One node written.
   *
   * @param id its member id ({@code node} for a single node)
   * @param validator its orderer key's identity id
   * @param dir its directory, which {@code veriflow node start --dir} takes
   * @param apiUrl the URL of its HTTP API
   * @param raftAddress its Raft address, or null for a single node
   */
  record Written(String id, String validator, String dir, String apiUrl, String raftAddress) {}

  @Override
  public Integer call() throws Exception {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (cluster == null) {
      if (parsed.hasMatchedOption("--base-port")) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--base-port goes with --cluster; a single node takes --http-port");
      }
      return single();
    }
    if (parsed.hasMatchedOption("--http-port")) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--http-port is for a single node; with --cluster give --base-port");
    }
    try {
      NodeSetup.checkClusterShape(cluster, basePort);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--cluster " + cluster + " --base-port " + basePort + ": " + e.getMessage());
    }
    return cluster();
  }

  private int single() throws Exception {
    NodeSetup.Result r = NodeSetup.init(dir, chainId, httpPort, Veriflow.keyType(spec, keyType), Instant.now(), transport());
    var out = spec.commandLine().getOut();
    if (output.printJson(out, new Initialised(chainId, dir.toString(), r.admin().id().value(), dir.resolve("keys/admin.key").toString(),
        NodeSetup.GENESIS_CREDITS, 1, List.of(new Written("node", r.node().id().value(), dir.toString(), r.apiUrl().toString(), null)),
        r.caFile().map(Object::toString).orElse(null)))) {
      return Veriflow.OK;
    }
    out.println("initialised chain '" + chainId + "' in " + dir);
    out.println("administrator " + r.admin().id() + " (key " + dir.resolve("keys/admin.key") + ", " + NodeSetup.GENESIS_CREDITS + " credits)");
    transportLines(out, r.caFile());
    out.println("start it with: veriflow node start --dir " + dir);
    r.caFile().ifPresent(ca -> out.println("its clients pass: --node " + r.apiUrl() + " --ca-file " + ca + " (or VERIFLOW_NODE and VERIFLOW_CA_FILE)"));
    return Veriflow.OK;
  }

  private int cluster() throws Exception {
    NodeSetup.ClusterResult r = NodeSetup.initCluster(dir, chainId, cluster, basePort, Veriflow.keyType(spec, keyType), Instant.now(), transport());
    int n = r.nodes().size();
    int majority = n / 2 + 1;
    var out = spec.commandLine().getOut();
    if (n % 2 == 0) {
      spec.commandLine().getErr().println("warning: a cluster of " + n + " nodes tolerates no more failed nodes (" + (n - majority)
          + ") than a cluster of " + (n - 1) + "; an odd number of nodes is usual");
    }
    if (output.printJson(out, new Initialised(chainId, dir.toString(), r.admin().id().value(), dir.resolve("keys/admin.key").toString(),
        NodeSetup.GENESIS_CREDITS, majority, r.nodes().stream().map(node -> new Written(node.member().id(), node.key().id().value(),
            node.dir().toString(), node.member().apiUrl().toString(), node.member().raftAddress())).toList(),
        r.caFile().map(Object::toString).orElse(null)))) {
      return Veriflow.OK;
    }
    out.println("initialised chain '" + chainId + "' as a cluster of " + n + " node" + (n == 1 ? "" : "s") + " in " + dir);
    out.println("administrator " + r.admin().id() + " (key " + dir.resolve("keys/admin.key") + ", " + NodeSetup.GENESIS_CREDITS + " credits)");
    for (NodeSetup.ClusterNode node : r.nodes()) {
      out.println("  " + node.member().id() + "  validator " + node.key().id() + "  http " + node.member().apiUrl() + "  raft "
          + node.member().raftAddress() + "  " + node.dir());
    }
    transportLines(out, r.caFile());
    out.println("it orders blocks while " + majority + " of " + n + " nodes are up (tolerates " + (n - majority) + " failed)");
    out.println("start each node, in its own terminal:");
    for (NodeSetup.ClusterNode node : r.nodes()) {
      out.println("  veriflow node start --dir " + node.dir());
    }
    return Veriflow.OK;
  }

  private NodeSetup.Transport transport() {
    return insecureHttp ? NodeSetup.Transport.INSECURE : NodeSetup.Transport.TLS;
  }

  private void transportLines(java.io.PrintWriter out, java.util.Optional<Path> ca) {
    if (ca.isPresent()) {
      out.println("TLS: development CA " + ca.get() + " (its private key " + dir.resolve(NodeSetup.CA_KEY) + " is needed by no node: keep it apart);"
          + " clients pass --ca-file " + ca.get());
    } else {
      spec.commandLine().getErr().println("warning: --insecure-http: the API serves plain HTTP" + (cluster != null ? " and members talk unauthenticated Raft" : "")
          + "; anyone who reaches the ports can read and forge the traffic");
    }
  }
}
