package org.veriflow.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.veriflow.client.datasets.DatasetDownloader;
import org.veriflow.client.datasets.DatasetPublisher;
import org.veriflow.client.datasets.QualityReport;
import org.veriflow.client.Responses;
import org.veriflow.client.SignedTransaction;
import org.veriflow.client.TransactionBuilder;
import org.veriflow.client.VeriflowClient;
import org.veriflow.crypto.CryptoException;
import org.veriflow.crypto.EncryptionKeyPair;
import org.veriflow.core.merkle.ProofException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "dataset", description = "Datasets: snapshots of streams, and files shared encrypted under on-chain policies.",
    subcommands = {DatasetCommand.Snapshot.class, DatasetCommand.Export.class, DatasetCommand.Publish.class, DatasetCommand.ListVersions.class,
        DatasetCommand.Show.class, DatasetCommand.Request.class, DatasetCommand.Grant.class, DatasetCommand.Deny.class,
        DatasetCommand.Revoke.class, DatasetCommand.Download.class, DatasetCommand.Accesses.class, DatasetCommand.Erase.class,
        DatasetCommand.Compute.class})
final class DatasetCommand {
  /** A status change of a dataset version in JSON; {@code from} is null for the publication. */
  record StatusChange(long height, String from, String to, String by, String reason, String transaction) {
    static List<StatusChange> of(List<Responses.StatusChange> all) {
      return all.stream().map(c -> new StatusChange(c.height(), c.from().endsWith("UNSPECIFIED") ? null : c.from(), c.to(), c.by(), c.reason(),
          c.txId())).toList();
    }
  }

  /** The JSON result of a command that submits one transaction about a grant or a version, with its status after it. */
  record Decided(String transaction, long height, String grantId, String status) {}

  @Command(name = "snapshot", description = {"Freeze a stream's legal readings in [--from, --to) as a dataset: the chain records",
      "the row count, the SHA-256 of the canonical CSV and the RFC 6962 root over the readings' digests.",
      "Prints the snapshot id (the transaction id)."})
  static final class Snapshot implements Callable<Integer> {
    /** The JSON result: the snapshot id (its transaction id), its block and the hashes the chain recorded. */
    record Snapshotted(String snapshotId, long height, String stream, long rows, String csvSha256, String readingsRoot) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--stream", required = true, description = "The stream id.")
    String stream;

    @Option(names = "--from", required = true, description = "From this time, inclusive (ISO-8601 or epoch ms).")
    String from;

    @Option(names = "--to", required = true, description = "Up to this time, exclusive (ISO-8601 or epoch ms).")
    String to;

    @Option(names = "--title", defaultValue = "", description = "A title for the dataset.")
    String title;

    @Override
    public Integer call() {
      long f = TimeArg.parse(spec, "--from", from);
      long t = TimeArg.parse(spec, "--to", to);
      VeriflowClient client = options.client();
      Responses.TxInfo tx = Submit.andWait(options.session(client), b -> b.snapshot(stream, f, t, title),
          output.json() ? new java.io.PrintWriter(java.io.Writer.nullWriter()) : spec.commandLine().getOut());
      Responses.Snapshot s = client.streams().snapshot(tx.id());
      output.printJson(spec.commandLine().getOut(), new Snapshotted(s.snapshotId(), tx.height().orElse(-1L), s.streamId(), s.rowCount(),
          s.csvSha256(), s.readingsRoot()));
      spec.commandLine().getErr().println("snapshot " + s.snapshotId() + ": " + s.rowCount() + " readings, CSV SHA-256 " + s.csvSha256()
          + ", readings root " + s.readingsRoot());
      return Veriflow.OK;
    }
  }

  @Command(name = "export", description = "Write a snapshot's canonical CSV and check it against the hashes on chain.")
  static final class Export implements Callable<Integer> {
    /** The JSON result: the file written and the hashes it matched on chain. */
    record Exported(String file, long rows, String csvSha256, String readingsRoot) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The snapshot id.")
    String id;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the CSV.")
    Path out;

    @Override
    public Integer call() throws Exception {
      Responses.SnapshotExport e;
      try {
        e = options.client().streams().exportSnapshot(id, out);
      } catch (ProofException ex) {
        throw new IllegalStateException("the export does NOT match the chain: " + ex.getMessage(), ex);
      }
      var o = spec.commandLine().getOut();
      if (output.printJson(o, new Exported(out.toString(), e.rows(), e.csvSha256(), e.readingsRoot()))) {
        return Veriflow.OK;
      }
      o.println("wrote " + e.rows() + " readings to " + out);
      o.println("CSV SHA-256     " + e.csvSha256() + " matches the chain");
      o.println("readings root   " + e.readingsRoot() + " matches the chain");
      return Veriflow.OK;
    }
  }

  // --- shared datasets

  @Command(name = "publish", description = {"Publish a CSV file or a stream snapshot as a dataset version: computes its quality report (uploaded as a blob),",
      "encrypts it under a fresh data key (streaming AEAD), uploads the ciphertext, wraps the data key for the",
      "custodian validator and records hashes, schema, quality summary and policy on chain.",
      "Prints the dataset id and version."})
  static final class Publish implements Callable<Integer> {
    /** The JSON result: the version published, its transaction, custodian, quality summary and hashes. */
    record Published(String datasetId, long version, String transaction, long height, String custodian, Quality quality,
        String plaintextSha256, long plaintextBytes, String ciphertextSha256, long ciphertextBytes, String qualityReportSha256) {}

    /** The quality summary: missing values and duplicate rows in all, and the rows per label (empty without a label column). */
    record Quality(long rows, long columns, long missing, long duplicates, long outliers, java.util.Map<String, Long> labelBalance) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--file", paramLabel = "FILE", description = "The CSV file (UTF-8, a header line first).")
    Path file;

    @Option(names = "--snapshot", paramLabel = "ID", description = {"Or a stream snapshot: its canonical CSV, exported from the chain and checked",
        "against the snapshot's hashes, with the stream's share of illegal readings in the quality summary."})
    String snapshot;

    @Option(names = "--title", required = true, description = "1 to 256 characters.")
    String title;

    @Option(names = "--description", defaultValue = "", description = "Up to 4096 characters.")
    String description;

    @Option(names = "--tag", paramLabel = "TAG", description = "A tag, lower-case letters, digits and '-' (repeatable, at most 16).")
    List<String> tags = new ArrayList<>();

    @Option(names = "--licence", defaultValue = "unspecified", description = "The licence (default: ${DEFAULT-VALUE}).")
    String licence;

    @Option(names = "--price", defaultValue = "0", paramLabel = "N", description = "Credits a grantee pays you, at the first key release (default: free).")
    long price;

    @Option(names = "--purpose", paramLabel = "P", description = "A purpose the data may be requested for (repeatable; default: research).")
    List<String> purposes = new ArrayList<>();

    @Option(names = "--allow", paramLabel = "ID", description = "An identity the policy admits (repeatable).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--allow-org", paramLabel = "ID", description = "An organisation whose identities the policy admits (repeatable).")
    List<String> allowOrgs = new ArrayList<>();

    @Option(names = "--allow-role", paramLabel = "ROLE", description = "A role whose holders the policy admits (repeatable). No --allow*: everyone.")
    List<String> allowRoles = new ArrayList<>();

    @Option(names = "--expiry-height", defaultValue = "0", paramLabel = "H", description = "The last height for requests, approvals and key releases.")
    long expiryHeight;

    @Option(names = "--expiry-time", paramLabel = "TIME", description = "Block time from which they are refused (ISO-8601 or epoch ms).")
    String expiryTime;

    @Option(names = "--max-reads", defaultValue = "0", paramLabel = "N", description = "Key releases per grant (default: no limit).")
    long maxReads;

    @Option(names = "--approval", defaultValue = "manual", paramLabel = "MODE",
        description = "manual: you grant or deny each request; auto: a request the policy admits is granted at once (default: ${DEFAULT-VALUE}).")
    String approval;

    @Option(names = "--id", paramLabel = "ID", description = "The dataset id (default: made from the title).")
    String id;

    @Option(names = "--previous-version", defaultValue = "0", paramLabel = "V", description = "Publish version V + 1 of an existing dataset.")
    long previousVersion;

    @Option(names = "--label", paramLabel = "COL", description = "The label column, for the label balance.")
    String label;

    @Option(names = "--custodian", paramLabel = "ID", description = "The validator that holds the data key (default: the first orderer with an encryption key).")
    String custodian;

    @Override
    public Integer call() throws Exception {
      if ((file == null) == (snapshot == null)) {
        throw new ParameterException(spec.commandLine(), "give exactly one of --file FILE or --snapshot ID");
      }
      if (!approval.equals("manual") && !approval.equals("auto")) {
        throw new ParameterException(spec.commandLine(), "--approval must be manual or auto, not '" + approval + "'");
      }
      long expiryMillis = expiryTime == null ? 0 : TimeArg.parse(spec, "--expiry-time", expiryTime);
      DatasetPublisher.Options o;
      try {
        o = new DatasetPublisher.Options(id, previousVersion, title, description, tags, licence, price,
            purposes.isEmpty() ? List.of("research") : purposes, allow, allowOrgs, allowRoles, expiryHeight, expiryMillis, maxReads,
            approval.equals("auto"), label, custodian);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      VeriflowClient client = options.client();
      DatasetPublisher.Result r = file != null ? DatasetPublisher.publish(options.session(client), file, o)
          : DatasetPublisher.publishSnapshot(options.session(client), snapshot, o);
      var out = spec.commandLine().getOut();
      QualityReport q = r.quality();
      if (output.printJson(out, new Published(r.datasetId(), r.version(), r.txId(), r.height(), r.custodian(), new Quality(q.rows(),
          q.columns().size(), q.columns().stream().mapToLong(QualityReport.Column::missing).sum(), q.duplicates(), q.outliers(), q.labelBalance()),
          r.plaintextSha256().hex(), r.plaintextBytes(), r.ciphertextSha256().hex(), r.ciphertextBytes(), r.qualityReportSha256().hex()))) {
        return Veriflow.OK;
      }
      out.println("dataset      " + r.datasetId());
      out.println("version      " + r.version());
      out.println("transaction  " + r.txId() + " (height " + r.height() + ")");
      out.println("custodian    " + r.custodian());
      out.println("quality      " + q.rows() + " rows, " + q.columns().size() + " columns, "
          + q.columns().stream().mapToLong(QualityReport.Column::missing).sum() + " missing values, " + q.duplicates() + " duplicate rows, "
          + q.outliers() + " outliers" + (q.labelColumn() == null ? "" : ", labels " + OutputOptions.keyValues(q.labelBalance())));
      out.println("plaintext    " + r.plaintextSha256().hex() + " (" + r.plaintextBytes() + " bytes)");
      out.println("ciphertext   " + r.ciphertextSha256().hex() + " (" + r.ciphertextBytes() + " bytes)");
      out.println("report       " + r.qualityReportSha256().hex());
      return Veriflow.OK;
    }
  }

  @Command(name = "list", description = "List dataset versions, optionally by tag, owner or column name.")
  static final class ListVersions implements Callable<Integer> {
    /** The JSON result: the versions found. */
    record Listed(List<Row> datasets) {}

    record Row(String datasetId, long version, String status, String title, String owner, List<String> tags, long rows, long price) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Option(names = "--tag", description = "Only versions with this tag.")
    String tag;

    @Option(names = "--owner", paramLabel = "ID", description = "Only versions owned by this identity.")
    String owner;

    @Option(names = "--field", paramLabel = "COLUMN", description = "Only versions with a column of this name.")
    String field;

    @Override
    public Integer call() {
      VeriflowClient client = options.client();
      var out = spec.commandLine().getOut();
      List<Row> rows = new ArrayList<>();
      String cursor = null;
      int n = 0;
      do {
        Responses.DatasetPage page = client.datasets().list(tag, owner, field, 100, cursor);
        for (Responses.DatasetVersion d : page.datasets()) {
          rows.add(new Row(d.datasetId(), d.version(), d.status(), d.title(), d.owner(), d.tags(), d.quality().rows(), d.policy().price()));
          if (!output.json()) {
            out.println(d.datasetId() + "  v" + d.version() + "  " + d.status() + "  " + d.title() + "  owner " + d.owner()
                + (d.tags().isEmpty() ? "" : "  tags " + String.join(",", d.tags())) + "  " + d.quality().rows() + " rows"
                + (d.policy().price() == 0 ? "" : "  price " + d.policy().price()));
          }
          n++;
        }
        cursor = page.next().orElse(null);
      } while (cursor != null);
      output.printJson(out, new Listed(rows));
      spec.commandLine().getErr().println(n + " dataset version" + (n == 1 ? "" : "s"));
      return Veriflow.OK;
    }
  }

  @Command(name = "show", description = "Show a dataset version: terms, hashes, quality, history and grants.")
  static final class Show implements Callable<Integer> {
    /** The JSON result: the version's terms, hashes, quality, history and grants. */
    record Shown(String datasetId, long version, List<Long> versions, String title, String description, String status, boolean custodyKey,
        String owner, List<String> tags, String licence, List<Responses.Column> schema, Responses.Policy policy, Responses.Quality quality,
        String plaintextSha256, long plaintextBytes, String ciphertextSha256, long ciphertextBytes, String qualityReportSha256,
        String custodian, long publishedHeight, long publishedMillis, List<StatusChange> history, List<GrantRow> grants) {}

    record GrantRow(String grantId, String status, String grantee, String purpose, long reads, long paid, long escrowed) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The dataset id.")
    String id;

    @Option(names = "--dataset-version", paramLabel = "V", description = "The version (default: the latest).")
    Long version;

    @Override
    public Integer call() {
      VeriflowClient client = options.client();
      Responses.Dataset all = client.datasets().dataset(id);
      Responses.DatasetVersion d = version == null ? all.latest() : client.datasets().version(id, version);
      var out = spec.commandLine().getOut();
      if (output.json()) {
        List<GrantRow> grants = new ArrayList<>();
        String cursor = null;
        do {
          Responses.GrantPage page = client.datasets().grants(d.datasetId(), d.version(), 100, cursor);
          page.grants().forEach(g -> grants.add(new GrantRow(g.grantId(), g.status(), g.grantee(), g.purpose(), g.reads(), g.paid(), g.escrowed())));
          cursor = page.next().orElse(null);
        } while (cursor != null);
        output.printJson(out, new Shown(d.datasetId(), d.version(), all.versions(), d.title(), d.description(), d.status(), d.custodyKey(),
            d.owner(), d.tags(), d.licence(), d.schema(), d.policy(), d.quality(), d.plaintextSha256(), d.plaintextBytes(), d.ciphertextSha256(),
            d.ciphertextBytes(), d.qualityReportSha256(), d.custodian(), d.publishedHeight(), d.publishedMillis(), StatusChange.of(d.history()),
            grants));
        return Veriflow.OK;
      }
      out.println("dataset:     " + d.datasetId() + " version " + d.version() + " of " + all.versions());
      out.println("title:       " + d.title());
      if (!d.description().isEmpty()) {
        out.println("description: " + d.description());
      }
      out.println("status:      " + d.status() + (d.custodyKey() ? "" : " (data key erased)"));
      out.println("owner:       " + d.owner());
      out.println("tags:        " + String.join(", ", d.tags()));
      out.println("licence:     " + d.licence());
      out.println("schema:      " + d.schema().stream().map(c -> c.name() + ":" + c.type()).collect(Collectors.joining(", ")));
      Responses.Policy p = d.policy();
      out.println("policy:      purposes " + String.join(", ", p.purposes()) + "; " + (p.autoGrant() ? "granted at once" : "approved by the owner")
          + "; price " + p.price() + "; " + (p.maxReads() == 0 ? "unlimited reads" : p.maxReads() + " read" + (p.maxReads() == 1 ? "" : "s"))
          + (p.expiryHeight() == 0 ? "" : "; until height " + p.expiryHeight())
          + (p.expiryMillis() == 0 ? "" : "; until " + java.time.Instant.ofEpochMilli(p.expiryMillis())));
      List<String> admits = new ArrayList<>();
      if (!p.identities().isEmpty()) {
        admits.add("identities " + String.join(", ", p.identities()));
      }
      if (!p.organisations().isEmpty()) {
        admits.add("members of " + String.join(", ", p.organisations()));
      }
      if (!p.roles().isEmpty()) {
        admits.add("roles " + String.join(", ", p.roles()));
      }
      out.println("admits:      " + (admits.isEmpty() ? "every active identity" : String.join("; ", admits)));
      Responses.Quality q = d.quality();
      out.println("quality:     " + q.rows() + " rows, " + q.columns() + " columns, missing " + q.missing() + ", " + q.duplicates()
          + " duplicates, " + q.outliers() + " outliers"
          + (q.labelBalance().isEmpty() ? "" : ", labels " + q.labelBalance().stream().map(l -> l.label() + "=" + l.count()).collect(Collectors.joining(" "))));
      out.println("plaintext:   sha256 " + d.plaintextSha256() + " (" + d.plaintextBytes() + " bytes)");
      out.println("ciphertext:  sha256 " + d.ciphertextSha256() + " (" + d.ciphertextBytes() + " bytes)");
      out.println("report:      sha256 " + d.qualityReportSha256() + " (blob)");
      out.println("custodian:   " + d.custodian());
      out.println("published:   height " + d.publishedHeight() + ", " + java.time.Instant.ofEpochMilli(d.publishedMillis()));
      for (Responses.StatusChange c : d.history()) {
        out.println("history:     height " + c.height() + " " + (c.from().endsWith("UNSPECIFIED") ? "" : c.from() + " -> ") + c.to() + " by " + c.by()
            + (c.reason().isEmpty() ? "" : " (" + c.reason() + ")"));
      }
      String cursor = null;
      do {
        Responses.GrantPage page = client.datasets().grants(d.datasetId(), d.version(), 100, cursor);
        for (Responses.Grant g : page.grants()) {
          out.println("grant:       " + g.grantId() + " " + g.status() + " " + g.grantee() + " for " + g.purpose() + ", " + g.reads() + " reads"
              + (g.paid() > 0 ? ", paid " + g.paid() : g.escrowed() > 0 ? ", escrowed " + g.escrowed() : ""));
        }
        cursor = page.next().orElse(null);
      } while (cursor != null);
      return Veriflow.OK;
    }
  }

  @Command(name = "request", description = {"Ask for a dataset version for a purpose (your --key is the grantee).",
      "Prints the grant id and its status: GRANTED, PENDING (the owner decides) or DENIED."})
  static final class Request implements Callable<Integer> {
    /** The JSON result: the grant (the request's transaction id) and its status; reason only for a denial that gave one. */
    record Requested(String grantId, long height, String status, long escrowed, String reason) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The dataset id.")
    String id;

    @Option(names = "--purpose", required = true, paramLabel = "P", description = "What you want the data for; must be among the policy's purposes.")
    String purpose;

    @Option(names = "--dataset-version", paramLabel = "V", description = "The version (default: the latest).")
    Long version;

    @Override
    public Integer call() throws Exception {
      VeriflowClient client = options.client();
      long v = version != null ? version : client.datasets().dataset(id).latest().version();
      Responses.TxInfo tx = DatasetPublisher.submit(options.session(client), b -> b.requestDataset(id, v, purpose));
      Responses.Grant g = client.datasets().grant(tx.id());
      var out = spec.commandLine().getOut();
      String last = g.history().isEmpty() ? "" : g.history().get(g.history().size() - 1).reason();
      if (output.printJson(out, new Requested(g.grantId(), tx.height().orElse(-1L), g.status(), g.escrowed(),
          g.status().equals("DENIED") && !last.isEmpty() ? last : null))) {
        return Veriflow.OK;
      }
      out.println(g.grantId());
      out.println(g.status() + (g.escrowed() > 0 ? " (" + g.escrowed() + " credits in escrow)" : "")
          + (g.status().equals("DENIED") && !last.isEmpty() ? ": " + last : ""));
      return Veriflow.OK;
    }
  }

  /** The owner's decisions on a grant. */
  abstract static class Decision implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "GRANT", description = "The grant id (the request's transaction id).")
    String grantId;

    @Option(names = "--reason", defaultValue = "", description = "Why, kept in the grant's history.")
    String reason;

    abstract SignedTransaction build(TransactionBuilder b);

    @Override
    public Integer call() throws Exception {
      VeriflowClient client = options.client();
      Responses.TxInfo tx = DatasetPublisher.submit(options.session(client), this::build);
      Responses.Grant g = client.datasets().grant(grantId);
      if (!output.printJson(spec.commandLine().getOut(), new Decided(tx.id(), tx.height().orElse(-1L), grantId, g.status()))) {
        spec.commandLine().getOut().println(tx.id());
      }
      spec.commandLine().getErr().println("grant " + grantId + " is " + g.status());
      return Veriflow.OK;
    }
  }

  @Command(name = "grant", description = "Approve a PENDING request (owner); its price goes into escrow. Prints the transaction id.")
  static final class Grant extends Decision {
    @Override
    SignedTransaction build(TransactionBuilder b) {
      return b.grantDataset(grantId, reason);
    }
  }

  @Command(name = "deny", description = "Refuse a PENDING request (owner). Prints the transaction id.")
  static final class Deny extends Decision {
    @Override
    SignedTransaction build(TransactionBuilder b) {
      return b.denyDataset(grantId, reason);
    }
  }

  @Command(name = "revoke", description = "Stop a GRANTED grant's further key releases (owner); an escrow not yet paid is refunded. Prints the transaction id.")
  static final class Revoke extends Decision {
    @Override
    SignedTransaction build(TransactionBuilder b) {
      return b.revokeGrant(grantId, reason);
    }
  }

  @Command(name = "download", description = {"Fetch a granted dataset version (your --key is the grantee): a signed key release,",
      "the data key unwrapped with your X25519 key, a signed ciphertext download, decryption, and both",
      "hashes checked against the chain. Writes --out only if every check passes; otherwise exits 1 with the code."})
  static final class Download implements Callable<Integer> {
    /** The JSON result: the file written and the recorded key release it came through. */
    record Downloaded(String file, long bytes, String datasetId, long version, String plaintextSha256, String accessTransaction, long accessHeight) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "GRANT", description = "The grant id.")
    String grantId;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the plaintext (replaced if it exists).")
    Path out;

    @Option(names = "--enc-key", required = true, paramLabel = "FILE", description = "Your X25519 key file, whose public key is on chain.")
    Path encKey;

    @Override
    public Integer call() throws Exception {
      EncryptionKeyPair pair;
      try {
        pair = EncryptionKeyPair.readPem(encKey);
      } catch (CryptoException e) {
        throw new IllegalArgumentException("encryption key file " + encKey + ": " + e.getMessage(), e);
      }
      DatasetDownloader.Result r;
      try {
        r = DatasetDownloader.download(options.client(), options.signingKey(), pair, grantId, out);
      } finally {
        pair.destroy();
      }
      var o = spec.commandLine().getOut();
      if (output.printJson(o, new Downloaded(out.toString(), r.plaintextBytes(), r.datasetId(), r.version(), r.plaintextSha256().hex(), r.accessTx(),
          r.accessHeight()))) {
        return Veriflow.OK;
      }
      o.println("wrote " + r.plaintextBytes() + " bytes to " + out);
      o.println("dataset      " + r.datasetId() + " version " + r.version());
      o.println("plaintext    " + r.plaintextSha256().hex() + " matches the chain");
      o.println("key release  recorded by transaction " + r.accessTx() + " at height " + r.accessHeight());
      return Veriflow.OK;
    }
  }

  @Command(name = "compute", description = {"Have the custodian train a model on a compute-only grant's data (your --key is the grantee):",
      "a signed request with the recipe; the node records a COMPUTE access, decrypts and trains on its side, and registers",
      "the model with its own key. You never receive the data. The recipe's data.reference must be dataset:<id>/<version>",
      "and its data.sha256 the version's plaintext hash. Waits for the registration and prints the model id."})
  static final class Compute implements Callable<Integer> {
    /** The JSON result: the model registered by the custodian, the data it was trained on, and both transactions. */
    record Computed(String modelId, String datasetId, long version, String plaintextSha256, String artifactSha256, String lossCurveSha256,
        java.util.Map<String, Double> metrics, String accessTransaction, long accessHeight, String modelTransaction, long modelHeight) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "GRANT", description = "The grant id (its purpose must be compute-only).")
    String grantId;

    @Option(names = "--recipe", required = true, paramLabel = "FILE", description = "The training recipe (JSON, veriflow-recipe/1).")
    Path recipe;

    @Option(names = "--id", required = true, paramLabel = "MODEL", description = "The model id to register.")
    String modelId;

    @Option(names = "--wait-seconds", defaultValue = "600", paramLabel = "S", description = "How long to wait for the node's answer, training included (default: ${DEFAULT-VALUE}).")
    long waitSeconds;

    @Override
    public Integer call() throws Exception {
      String json = java.nio.file.Files.readString(recipe);
      VeriflowClient client = options.client();
      Responses.Grant g = client.datasets().grant(grantId);
      Responses.DatasetVersion d = client.datasets().version(g.datasetId(), g.version());
      Responses.ComputeResult r = client.datasets().compute(grantId, modelId, json, options.signingKey(),
          org.veriflow.core.crypto.Hash.fromHex(d.ciphertextSha256()), java.time.Duration.ofSeconds(waitSeconds));
      var o = spec.commandLine().getOut();
      if (output.printJson(o, new Computed(r.modelId(), r.datasetId(), r.version(), r.plaintextSha256(), r.artifactSha256(), r.lossCurveSha256(),
          r.metrics(), r.accessTx(), r.accessHeight(), r.modelTx(), r.modelHeight()))) {
        return Veriflow.OK;
      }
      o.println(r.modelId());
      o.println("dataset      " + r.datasetId() + " version " + r.version() + " (plaintext " + r.plaintextSha256() + ")");
      o.println("artifact     " + r.artifactSha256());
      o.println("loss curve   " + r.lossCurveSha256());
      r.metrics().forEach((name, value) -> o.println("metric       " + name + " = " + value));
      o.println("compute      recorded by transaction " + r.accessTx() + " at height " + r.accessHeight());
      o.println("model        registered by transaction " + r.modelTx() + " at height " + r.modelHeight() + " (trainer: the custodian)");
      return Veriflow.OK;
    }
  }

  @Command(name = "accesses", description = "The access log of a dataset version, or (--mine) of your grants: every key release and download.")
  static final class Accesses implements Callable<Integer> {
    /** The JSON result: the accesses, oldest first. */
    record Listed(List<Row> accesses) {}

    record Row(long height, long timestampMillis, String kind, String datasetId, long version, String grantId, String grantee, String purpose,
        long paid, String transaction) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", arity = "0..1", description = "The dataset id.")
    String id;

    @Option(names = "--dataset-version", paramLabel = "V", description = "The version (default: the latest).")
    Long version;

    @Option(names = "--mine", description = "The accesses made under the grants of your --key instead.")
    boolean mine;

    @Override
    public Integer call() {
      if (mine == (id != null)) {
        throw new ParameterException(spec.commandLine(), "give either a dataset ID or --mine");
      }
      VeriflowClient client = options.client();
      String me = mine ? options.signingKey().id().value() : null;
      long v = mine ? 0 : version != null ? version : client.datasets().dataset(id).latest().version();
      var out = spec.commandLine().getOut();
      List<Row> rows = new ArrayList<>();
      String cursor = null;
      int n = 0;
      do {
        Responses.AccessPage page = mine ? client.datasets().identityAccesses(me, 100, cursor) : client.datasets().accesses(id, v, 100, cursor);
        for (Responses.Access a : page.accesses()) {
          rows.add(new Row(a.height(), a.timestampMillis(), a.kind(), a.datasetId(), a.version(), a.grantId(), a.grantee(), a.purpose(), a.paid(),
              a.txId()));
          if (output.json()) {
            n++;
            continue;
          }
          out.println("height " + a.height() + "  " + java.time.Instant.ofEpochMilli(a.timestampMillis()) + "  " + a.kind() + "  "
              + a.datasetId() + " v" + a.version() + "  grant " + a.grantId() + "  by " + a.grantee() + "  for " + a.purpose()
              + (a.paid() > 0 ? "  paid " + a.paid() : "") + "  tx " + a.txId());
          n++;
        }
        cursor = page.next().orElse(null);
      } while (cursor != null);
      output.printJson(out, new Listed(rows));
      spec.commandLine().getErr().println(n + " access" + (n == 1 ? "" : "es"));
      return Veriflow.OK;
    }
  }

  @Command(name = "erase", description = {"Erase a dataset version (owner): its wrapped data key leaves the chain's state, so no key",
      "can be released any more; hashes, grants and the access history stay. Prints the transaction id."})
  static final class Erase implements Callable<Integer> {
    /** The JSON result: the erasing transaction and the version erased. */
    record Erased(String transaction, long height, String datasetId, long version) {}

    @Spec CommandSpec spec;
    @Mixin NodeOptions options;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The dataset id.")
    String id;

    @Option(names = "--dataset-version", required = true, paramLabel = "V", description = "The version to erase.")
    long version;

    @Option(names = "--reason", defaultValue = "", description = "Why, kept in the version's history.")
    String reason;

    @Override
    public Integer call() throws Exception {
      VeriflowClient client = options.client();
      Responses.TxInfo tx = DatasetPublisher.submit(options.session(client), b -> b.eraseDataset(id, version, reason));
      if (!output.printJson(spec.commandLine().getOut(), new Erased(tx.id(), tx.height().orElse(-1L), id, version))) {
        spec.commandLine().getOut().println(tx.id());
      }
      spec.commandLine().getErr().println("dataset " + id + " version " + version + " is erased");
      return Veriflow.OK;
    }
  }
}
