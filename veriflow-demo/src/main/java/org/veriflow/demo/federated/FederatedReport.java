package org.veriflow.demo.federated;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.veriflow.demo.federated.FederatedResult.Accuracy;
import org.veriflow.demo.federated.FederatedResult.Attestation;
import org.veriflow.demo.federated.FederatedResult.OfficeRow;
import org.veriflow.demo.federated.FederatedResult.ParticipantRow;
import org.veriflow.demo.federated.FederatedResult.Rejection;
import org.veriflow.demo.federated.FederatedResult.RoundRow;
import org.veriflow.demo.federated.FederatedResult.RuleRun;

/**
 * Renders the federated demo's {@link FederatedResult}: {@code report.json} for programs, {@code
 * index.html} for people (one static page, inline CSS, the accuracy chart as inline SVG, no script),
 * and a summary for the terminal. Stateless.
 *
 * <p>{@code report.json} holds {@code chainId}, {@code seconds}, {@code settings}, {@code offices[]},
 * {@code rounds[]} (every rule's rounds: {@code round}, {@code rule}, {@code taskId}, {@code status},
 * {@code globalModelHash}, {@code accepted[]}, {@code rejected[]} with {@code participant}, {@code
 * reason} and {@code score}, {@code attestations[]} with {@code validator}, {@code match} and {@code
 * failure}, {@code validationAccuracy}, {@code validationLoss}), {@code tasks[]} (per rule: {@code
 * rule}, {@code taskId}, {@code status}, {@code finalAccuracy}, {@code modelId}, {@code rewards}, {@code
 * contributionMicros}), {@code participants[]} ({@code id}, {@code office}, {@code behaviour}, {@code
 * contribution}, {@code reward}, {@code roundsAccepted}, {@code roundsRejected}, {@code
 * localOnlyAccuracy}), {@code accuracy} ({@code robustRule}, {@code federatedRobust}, {@code
 * federatedMean}, {@code centralised}, {@code localOnly}, {@code localOnlyBest}, {@code byRule}, {@code
 * localOnlyAll}) and {@code cost} ({@code aggregationMillis} per rule, {@code localTrainingMillis},
 * {@code ratio} per rule).
 */
public final class FederatedReport {
  /** The report's file names in its directory. */
  public static final String REPORT_JSON = "report.json";
  public static final String INDEX_HTML = "index.html";

  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"};

  private FederatedReport() {}

  /**
   * Writes {@code report.json} and {@code index.html} into {@code dir}, creating it if needed.
   *
   * @throws IOException if a file cannot be written
   */
  public static void write(FederatedResult result, Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(REPORT_JSON), json(result), StandardCharsets.UTF_8);
    Files.writeString(dir.resolve(INDEX_HTML), html(result), StandardCharsets.UTF_8);
  }

  /** The JSON document, indented, with a final line end. */
  static String json(FederatedResult r) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("chainId", r.chainId());
    root.put("seconds", r.seconds());
    ObjectNode settings = root.putObject("settings");
    settings.put("days", r.settings().days());
    settings.put("intervalMinutes", r.settings().intervalMinutes());
    settings.put("rounds", r.settings().rounds());
    settings.put("localEpochs", r.settings().localEpochs());
    settings.put("recipeSha256", r.settings().recipeSha256());
    settings.put("seed", r.settings().seed());
    ArrayNode offices = root.putArray("offices");
    for (OfficeRow o : r.offices()) {
      ObjectNode n = offices.addObject();
      n.put("stream", o.stream());
      n.put("name", o.name());
      n.put("role", o.role());
      n.put("owner", o.owner());
      n.put("snapshotId", o.snapshotId());
      n.put("rows", o.rows());
      n.put("occupiedShare", o.occupiedShare());
    }
    ArrayNode rounds = root.putArray("rounds");
    ArrayNode tasks = root.putArray("tasks");
    for (RuleRun run : r.rules()) {
      for (RoundRow row : run.rounds()) {
        ObjectNode n = rounds.addObject();
        n.put("round", row.round());
        n.put("rule", row.rule());
        n.put("taskId", run.taskId());
        n.put("status", row.status());
        n.put("globalModelHash", row.globalModelHash());
        ArrayNode accepted = n.putArray("accepted");
        row.accepted().forEach(accepted::add);
        ArrayNode rejected = n.putArray("rejected");
        for (Rejection x : row.rejected()) {
          rejected.addObject().put("participant", x.participant()).put("reason", x.reason()).put("score", x.score());
        }
        ArrayNode attestations = n.putArray("attestations");
        for (Attestation a : row.attestations()) {
          ObjectNode an = attestations.addObject().put("validator", a.validator()).put("match", a.match());
          if (a.failure() == null) {
            an.putNull("failure");
          } else {
            an.put("failure", a.failure());
          }
        }
        n.put("validationAccuracy", row.validationAccuracy());
        n.put("validationLoss", row.validationLoss());
      }
      ObjectNode t = tasks.addObject();
      t.put("rule", run.rule());
      t.put("taskId", run.taskId());
      t.put("status", run.status());
      t.put("finalAccuracy", run.finalAccuracy());
      t.put("modelId", run.modelId());
      ObjectNode rewards = t.putObject("rewards");
      run.rewards().forEach(rewards::put);
      ObjectNode contributions = t.putObject("contributionMicros");
      run.contributionMicros().forEach(contributions::put);
    }
    ArrayNode participants = root.putArray("participants");
    for (ParticipantRow p : r.participants()) {
      ObjectNode n = participants.addObject();
      n.put("id", p.id());
      n.put("office", p.office());
      n.put("behaviour", p.behaviour());
      n.put("contribution", p.contribution());
      n.put("reward", p.reward());
      n.put("roundsAccepted", p.roundsAccepted());
      n.put("roundsRejected", p.roundsRejected());
      n.put("localOnlyAccuracy", p.localOnlyAccuracy());
    }
    Accuracy a = r.accuracy();
    ObjectNode accuracy = root.putObject("accuracy");
    accuracy.put("robustRule", a.robustRule());
    accuracy.put("federatedRobust", a.federatedRobust());
    accuracy.put("federatedMean", a.federatedMean());
    accuracy.put("centralised", a.centralised());
    accuracy.put("localOnly", a.localOnly());
    accuracy.put("localOnlyBest", a.localOnlyBest());
    ObjectNode byRule = accuracy.putObject("byRule");
    a.byRule().forEach(byRule::put);
    ObjectNode localOnlyAll = accuracy.putObject("localOnlyAll");
    a.localOnlyAll().forEach(localOnlyAll::put);
    ObjectNode cost = root.putObject("cost");
    ObjectNode aggregation = cost.putObject("aggregationMillis");
    r.cost().aggregationMillis().forEach(aggregation::put);
    cost.put("localTrainingMillis", r.cost().localTrainingMillis());
    ObjectNode ratio = cost.putObject("ratio");
    r.cost().aggregationMillis().forEach((rule, ms) -> ratio.put(rule, ms / r.cost().localTrainingMillis()));
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise the federated demo's report", e);
    }
  }

  /** The headline figures for the terminal, one per line. */
  public static String terminalSummary(FederatedResult r) {
    Accuracy a = r.accuracy();
    StringBuilder b = new StringBuilder("Validation accuracy (held-out office):\n");
    b.append(String.format(Locale.ROOT, "  %-36s %6.2f %%%n", "federated, robust (" + a.robustRule() + ")", 100 * a.federatedRobust()));
    b.append(String.format(Locale.ROOT, "  %-36s %6.2f %%%n", "federated, FedAvg (no defence)", 100 * a.federatedMean()));
    b.append(String.format(Locale.ROOT, "  %-36s %6.2f %%%n", "centralised (pooled data)", 100 * a.centralised()));
    b.append(String.format(Locale.ROOT, "  %-36s %6.2f %%%n", "best local-only (" + office(r, a.localOnlyBest()).replace("(", "").replace(")", "") + ")",
        100 * a.localOnly()));
    b.append(String.format(Locale.ROOT, "  robust / centralised = %.4f%n", a.federatedRobust() / a.centralised()));
    b.append("  every rule:");
    a.byRule().forEach((rule, acc) -> b.append(String.format(Locale.ROOT, " %s %.2f %%", rule, 100 * acc)));
    b.append('\n');
    for (ParticipantRow p : r.participants()) {
      b.append(String.format(Locale.ROOT, "  %-12s %-22s %-10s reward %6d credits, contribution %+.4f%n", shortId(p.id()), p.office(),
          p.behaviour(), p.reward(), p.contribution()));
    }
    return b.toString();
  }

  // ------------------------------------------------------------------ the page

  static String html(FederatedResult r) {
    Accuracy a = r.accuracy();
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Veriflow: federated occupancy model</title>\n<style>")
        .append("body{font:15px/1.5 system-ui,sans-serif;color:#1f2328;margin:0}main{max-width:1100px;margin:0 auto;padding:0 24px 40px}")
        .append("header{background:linear-gradient(135deg,#0b3954,#1f77b4);color:#fff;padding:28px 24px}header h1{margin:0 0 6px}")
        .append("table{border-collapse:collapse;font-size:14px;margin:8px 0 16px}th,td{padding:5px 10px;border-bottom:1px solid #d8dee4;text-align:left}")
        .append("th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}code{font-size:12px;background:#f6f8fa;padding:1px 4px}")
        .append(".cards{display:flex;flex-wrap:wrap;gap:12px}.card{border:1px solid #d8dee4;border-radius:8px;padding:10px 14px;min-width:180px}")
        .append(".card .v{font-size:24px;font-weight:700}.bad{color:#cf222e}.ok{color:#1a7f37}.muted{color:#59636e}")
        .append("</style></head><body>\n<header><h1>Federated occupancy model across five organisations</h1><div>Chain <code>")
        .append(esc(r.chainId())).append("</code>; ").append(r.settings().rounds()).append(" rounds × ").append(r.settings().localEpochs())
        .append(" local epoch(s); recipe <code>").append(esc(r.settings().recipeSha256())).append("</code></div></header><main>\n");
    h.append("<h2>Headline</h2><div class=\"cards\">");
    card(h, "federated, robust (" + a.robustRule() + ")", a.federatedRobust(), "Byzantine participant present");
    card(h, "federated, FedAvg", a.federatedMean(), "no defence, Byzantine participant present");
    card(h, "centralised", a.centralised(), "the same recipe on the pooled data");
    card(h, "best local-only", a.localOnly(), office(r, a.localOnlyBest()));
    h.append("</div><p>Robust federated / centralised = <b>").append(fmt(a.federatedRobust() / a.centralised(), 4))
        .append("</b>. Accuracies on the validation snapshot (a held-out office). The task is office occupancy from temperature, humidity, ")
        .append("light and CO2, the setting of the UCI Occupancy Detection data set (Candanedo and Feldheim, Energy and Buildings 112, 2016), ")
        .append("simulated here.</p>\n");
    h.append("<h2>Accuracy per round</h2>\n").append(chart(r.rules(), a.centralised()));
    h.append("<h2>Participants</h2><table><tr><th>id</th><th>office</th><th>behaviour</th><th>contribution</th><th>reward</th>")
        .append("<th>rounds accepted</th><th>rounds rejected</th><th>local-only accuracy</th></tr>\n");
    for (ParticipantRow p : r.participants()) {
      h.append("<tr><td><code>").append(esc(p.id())).append("</code></td><td>").append(esc(p.office())).append("</td><td")
          .append(p.behaviour().equals("honest") ? ">" : " class=\"bad\">").append(esc(p.behaviour())).append("</td><td class=\"num\">")
          .append(fmt(p.contribution(), 4)).append("</td><td class=\"num\">").append(p.reward()).append("</td><td class=\"num\">")
          .append(p.roundsAccepted()).append("</td><td class=\"num\">").append(p.roundsRejected()).append("</td><td class=\"num\">")
          .append(fmt(p.localOnlyAccuracy(), 4)).append("</td></tr>\n");
    }
    h.append("</table><p class=\"muted\">Contributions and rewards of the headline robust task (").append(esc(a.robustRule()))
        .append("): leave-one-out on the validation snapshot, summed over verified rounds, as the fl contract tallied them.</p>\n");
    h.append("<h2>Rewards by rule</h2><table><tr><th>rule</th><th>task</th><th>status</th><th>final accuracy</th>");
    List<String> ids = r.participants().stream().map(ParticipantRow::id).toList();
    for (String id : ids) {
      h.append("<th>").append(esc(shortId(id))).append("</th>");
    }
    h.append("</tr>\n");
    for (RuleRun run : r.rules()) {
      h.append("<tr><td>").append(esc(run.rule())).append("</td><td><code>").append(esc(run.taskId())).append("</code></td><td>")
          .append(esc(run.status())).append("</td><td class=\"num\">").append(fmt(run.finalAccuracy(), 4)).append("</td>");
      for (String id : ids) {
        h.append("<td class=\"num\">").append(run.rewards().getOrDefault(id, 0L)).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n<h2>Rejected updates</h2><table><tr><th>rule</th><th>round</th><th>participant</th><th>reason</th><th>score</th></tr>\n");
    for (RuleRun run : r.rules()) {
      for (RoundRow row : run.rounds()) {
        for (Rejection x : row.rejected()) {
          h.append("<tr><td>").append(esc(run.rule())).append("</td><td class=\"num\">").append(row.round()).append("</td><td><code>")
              .append(esc(shortId(x.participant()))).append("</code> ").append(esc(office(r, x.participant()))).append("</td><td>")
              .append(esc(x.reason())).append("</td><td class=\"num\">").append(fmt(x.score(), 4)).append("</td></tr>\n");
        }
      }
    }
    h.append("</table>\n<h2>Rounds</h2><table><tr><th>rule</th><th>round</th><th>status</th><th>global model</th><th>accepted</th>")
        .append("<th>attestations</th><th>accuracy</th></tr>\n");
    for (RuleRun run : r.rules()) {
      for (RoundRow row : run.rounds()) {
        long matches = row.attestations().stream().filter(Attestation::match).count();
        h.append("<tr><td>").append(esc(run.rule())).append("</td><td class=\"num\">").append(row.round()).append("</td><td>")
            .append(esc(row.status())).append("</td><td><code>").append(esc(row.globalModelHash().substring(0, Math.min(16, row.globalModelHash().length()))))
            .append("…</code></td><td class=\"num\">").append(row.accepted().size()).append("</td><td class=\"num\">").append(matches)
            .append(" / ").append(row.attestations().size()).append(" match</td><td class=\"num\">").append(fmt(row.validationAccuracy(), 4))
            .append("</td></tr>\n");
      }
    }
    h.append("</table>\n<h2>Offices</h2><table><tr><th>stream</th><th>office</th><th>role</th><th>snapshot</th><th>rows</th><th>occupied</th></tr>\n");
    for (OfficeRow o : r.offices()) {
      h.append("<tr><td><code>").append(esc(o.stream())).append("</code></td><td>").append(esc(o.name())).append("</td><td>")
          .append(esc(o.role())).append("</td><td><code>").append(esc(shortId(o.snapshotId()))).append("</code></td><td class=\"num\">")
          .append(o.rows()).append("</td><td class=\"num\">").append(fmt(100 * o.occupiedShare(), 1)).append(" %</td></tr>\n");
    }
    h.append("</table>\n<h2>Cost</h2><table><tr><th>rule</th><th>aggregation per round (ms)</th><th>ratio to one local training</th></tr>\n");
    for (Map.Entry<String, Double> e : r.cost().aggregationMillis().entrySet()) {
      h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num\">").append(fmt(e.getValue(), 1)).append("</td><td class=\"num\">")
          .append(fmt(e.getValue() / r.cost().localTrainingMillis(), 3)).append("</td></tr>\n");
    }
    h.append("</table><p class=\"muted\">One participant's local training of one round: ").append(fmt(r.cost().localTrainingMillis(), 1))
        .append(" ms, on the same machine. The demo took ").append(fmt(r.seconds(), 1)).append(" s.</p>\n</main></body></html>\n");
    return h.toString();
  }

  /** Accuracy per round, one line per rule, the centralised model as a dashed reference: inline SVG. */
  static String chart(List<RuleRun> rules, double centralised) {
    int width = 820;
    int height = 360;
    int left = 60;
    int right = 200;
    int top = 20;
    int bottom = 40;
    int rounds = rules.stream().mapToInt(run -> run.rounds().size()).max().orElse(1);
    double lo = 1.0;
    for (RuleRun run : rules) {
      for (RoundRow row : run.rounds()) {
        lo = Math.min(lo, row.validationAccuracy());
      }
    }
    lo = Math.max(0, Math.floor(Math.min(lo, centralised) * 10) / 10);
    double span = 1.0 - lo;
    double plotW = width - left - right;
    double plotH = height - top - bottom;
    StringBuilder s = new StringBuilder();
    s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" font-family=\"sans-serif\" font-size=\"12\" role=\"img\" aria-label=\"validation accuracy per round per rule\">\n");
    for (int i = 0; i <= 5; i++) {
      double v = lo + span * i / 5;
      double y = top + plotH * (1 - (v - lo) / span);
      s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e6e6e6\"/>", left, y, left + plotW, y))
          .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n", left - 6, y + 4, v));
    }
    for (int k = 1; k <= rounds; k++) {
      double x = left + (rounds == 1 ? plotW / 2 : plotW * (k - 1) / (rounds - 1));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>", x, height - bottom + 16, k));
    }
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">round</text>%n", left + plotW / 2, height - 6));
    double cy = top + plotH * (1 - (centralised - lo) / span);
    s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>%n",
        left, cy, left + plotW, cy));
    int legendY = top + 10;
    for (int i = 0; i < rules.size(); i++) {
      RuleRun run = rules.get(i);
      String colour = COLOURS[i % COLOURS.length];
      StringBuilder points = new StringBuilder();
      for (RoundRow row : run.rounds()) {
        double x = left + (rounds == 1 ? plotW / 2 : plotW * (row.round() - 1) / (rounds - 1));
        double y = top + plotH * (1 - (row.validationAccuracy() - lo) / span);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"").append(points.toString().trim())
          .append("\"/>\n");
      s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>", left + plotW + 16,
          legendY, left + plotW + 36, legendY, colour));
      s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", left + plotW + 42, legendY + 4, esc(run.rule())));
      legendY += 20;
    }
    s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" stroke-dasharray=\"6 4\"/>", left + plotW + 16,
        legendY, left + plotW + 36, legendY));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">centralised</text>%n", left + plotW + 42, legendY + 4));
    s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>%n", left, top, plotW, plotH));
    return s.append("</svg>\n").toString();
  }

  private static void card(StringBuilder h, String label, double value, String note) {
    h.append("<div class=\"card\"><div class=\"muted\">").append(esc(label)).append("</div><div class=\"v\">").append(fmt(100 * value, 2))
        .append(" %</div><div class=\"muted\">").append(esc(note)).append("</div></div>");
  }

  private static String office(FederatedResult r, String participant) {
    return r.participants().stream().filter(p -> p.id().equals(participant)).map(p -> "(" + p.office() + ", " + p.behaviour() + ")")
        .findFirst().orElse("");
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) + "…" : id;
  }

  private static String fmt(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "–";
  }

  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
