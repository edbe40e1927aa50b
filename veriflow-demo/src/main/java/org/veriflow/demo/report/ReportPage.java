package org.veriflow.demo.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.veriflow.demo.report.DemoResult.Audit;
import org.veriflow.demo.report.DemoResult.Check;
import org.veriflow.demo.report.DemoResult.Ledger;
import org.veriflow.demo.report.DemoResult.ModelRow;
import org.veriflow.demo.report.DemoResult.Traceability;
import org.veriflow.demo.report.DemoResult.Validity;
import org.veriflow.demo.report.DemoResult.ValidityRow;

/**
 * The demo's {@code index.html}: one static page with inline CSS and no script or external resource,
 * showing the paper's Table 1, the ledger's verdicts, the traceability figures and confusion matrix,
 * the models, the audited decision's lineage and the charts (referenced by their file names, which
 * sit next to the page). Every piece of text from the result is HTML-escaped. Stateless.
 */
final class ReportPage {
  private static final String CSS = """
      :root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--soft:#f6f8fa;--blue:#1f77b4;--orange:#e8710a;\
      --ok:#1a7f37;--ok-bg:#dafbe1;--bad:#cf222e;--bad-bg:#ffebe9;}
      *{box-sizing:border-box}
      body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;\
      color:var(--ink);background:#fff}
      header{background:linear-gradient(135deg,#0b3954 0%,#1f77b4 100%);color:#fff;padding:36px 0 30px}
      header h1{margin:4px 0 10px;font-size:28px;line-height:1.25}
      header .kicker{margin:0;text-transform:uppercase;letter-spacing:.08em;font-size:12px;opacity:.8}
      header .meta{margin:0;opacity:.92}
      header code{background:rgba(255,255,255,.15);color:#fff}
      .wrap{max-width:1120px;margin:0 auto;padding:0 24px}
      nav{position:sticky;top:0;background:rgba(255,255,255,.96);border-bottom:1px solid var(--line);z-index:1}
      nav a{display:inline-block;padding:10px 12px;color:var(--muted);text-decoration:none;font-weight:600;font-size:14px}
      nav a:hover{color:var(--blue)}
      section{padding:26px 0 10px;border-bottom:1px solid var(--line)}
      section:last-of-type{border-bottom:0}
      h2{font-size:22px;margin:0 0 12px}
      h3{font-size:16px;margin:22px 0 8px}
      p{margin:8px 0 12px}
      code{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--soft);padding:1px 5px;\
      border-radius:4px;word-break:break-all}
      .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:14px;margin:8px 0 16px}
      .card{border:1px solid var(--line);border-radius:10px;padding:14px 16px;background:#fff;box-shadow:0 1px 2px rgba(0,0,0,.04)}
      .card .label{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted)}
      .card .value{font-size:26px;font-weight:700;margin:2px 0}
      .card .note{font-size:13px;color:var(--muted)}
      .scroll{overflow-x:auto;margin:8px 0 14px}
      table{border-collapse:collapse;font-size:14px;font-variant-numeric:tabular-nums}
      th,td{padding:7px 12px;border-bottom:1px solid var(--line);text-align:left}
      th{background:var(--soft);font-weight:600;text-align:left;vertical-align:bottom}
      td.num,th.num{text-align:right}
      tbody tr:hover{background:#fbfcfd}
      caption{caption-side:top;text-align:left;font-weight:600;padding:0 0 6px}
      .chain{color:var(--blue);font-weight:600}
      .naive{color:var(--orange);font-weight:600}
      .muted{color:var(--muted)}
      .ok{color:var(--ok)}
      .bad{color:var(--bad)}
      .badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:700;letter-spacing:.03em}
      .badge.ok{background:var(--ok-bg);color:var(--ok)}
      .badge.bad{background:var(--bad-bg);color:var(--bad)}
      .badge.other{background:var(--soft);color:var(--muted);border:1px solid var(--line)}
      .grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:18px;align-items:start}
      figure{margin:14px 0 18px}
      figure img{display:block;max-width:100%;height:auto;border:1px solid var(--line);border-radius:8px}
      figcaption{font-size:13px;color:var(--muted);margin-top:6px}
      ul.checks{list-style:none;padding:0;margin:8px 0 14px}
      ul.checks li{padding:7px 10px;border-bottom:1px solid var(--line);display:flex;gap:10px}
      ul.checks .mark{font-weight:700;width:1.2em;flex:none}
      ul.checks .detail{color:var(--muted)}
      ul.ids{margin:6px 0 12px;padding-left:20px}
      table.confusion td.num{min-width:56px}
      footer{color:var(--muted);font-size:13px;padding:22px 0 40px}
      """;

  private ReportPage() {}

  /** The page for {@code r}. */
  static String html(DemoResult r) {
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>Veriflow demo: validity and traceability</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    h.append("<header><div class=\"wrap\">\n<p class=\"kicker\">Veriflow · seed-experiment demo</p>\n")
        .append("<h1>Trustworthy sensor data on a permissioned ledger: validity and traceability</h1>\n")
        .append("<p class=\"meta\">Source: <strong>").append(esc(r.source())).append("</strong> · node directory <code>")
        .append(esc(r.nodeDir())).append("</code> · ran in ").append(String.format(Locale.ROOT, "%.1f", r.seconds()))
        .append(" s</p>\n</div></header>\n");
    h.append("<nav><div class=\"wrap\"><a href=\"#summary\">Summary</a><a href=\"#validity\">Validity</a>")
        .append("<a href=\"#ledger\">Ledger</a><a href=\"#traceability\">Traceability</a><a href=\"#models\">Models</a>")
        .append("<a href=\"#audit\">Audit</a></div></nav>\n<main class=\"wrap\">\n");
    summary(h, r);
    validity(h, r.validity());
    ledger(h, r);
    traceability(h, r.traceability());
    models(h, r.models());
    audit(h, r.audit());
    h.append("</main>\n<footer><div class=\"wrap\">Written by <code>veriflow demo</code>. Every figure on this page was measured")
        .append(" in this run; the same figures are in <a href=\"").append(DemoReport.REPORT_JSON).append("\">")
        .append(DemoReport.REPORT_JSON).append("</a>.</div></footer>\n</body>\n</html>\n");
    return h.toString();
  }

  private static void summary(StringBuilder h, DemoResult r) {
    Ledger l = r.ledger();
    long rejected = DemoReport.rejectedTotal(l);
    long attacks = l.attacks().values().stream().mapToLong(Integer::longValue).sum();
    List<ValidityRow> rows = r.validity().rows();
    long withTruth = rows.stream().filter(row -> row.truth().isPresent()).count();
    long within = rows.stream().filter(DemoReport::withinTolerance).count();
    long naiveWithin = rows.stream()
        .filter(row -> row.truth().isPresent() && Math.abs(row.truth().get() - row.naive()) <= ValidityChart.TOLERANCE + 1e-9)
        .count();
    Traceability t = r.traceability();
    long verified = r.models().stream().filter(m -> "VERIFIED".equalsIgnoreCase(m.status())).count();
    long checksPassed = r.audit().checks().stream().filter(Check::passed).count();

    h.append("<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n");
    card(h, "Readings received", String.format(Locale.ROOT, "%,d", l.received()),
        String.format(Locale.ROOT, "%,d legal · %,d rejected", l.legal(), rejected));
    if (withTruth > 0) {
      card(h, "Chain-verified within ±2 %RH", within + " of " + withTruth,
          "without a ledger: " + naiveWithin + " of " + withTruth);
    } else {
      card(h, "Validity temperatures", Integer.toString(rows.size()), "real recording: no ground truth");
    }
    card(h, "Traceability, validation", DemoReport.percent(t.validationAccuracy()),
        "paper: " + DemoReport.percent(Traceability.PAPER_VALIDATION_ACCURACY));
    card(h, "Models verified", verified + " of " + r.models().size(), "replayed by the validators");
    card(h, "Audit of a decision", r.audit().passed() ? "✔ passed" : "✘ failed",
        checksPassed + " of " + r.audit().checks().size() + " links hold", r.audit().passed() ? "ok" : "bad");
    h.append("</div>\n<p>");
    h.append(String.format(Locale.ROOT, "The gateway forwarded %,d readings; the ledger accepted %,d and refused %,d", l.received(),
        l.legal(), rejected));
    if (attacks > 0) {
      h.append(String.format(Locale.ROOT, ". The attacker sent %,d of them (%s)", attacks, esc(DemoReport.counts(l.attacks()))));
    }
    h.append(String.format(Locale.ROOT, ". The chain-verified model learned from the ledger's snapshot (%,d rows), the other one from"
        + " everything that arrived, as without a ledger (%,d rows). ", r.validity().chainRows(), r.validity().naiveRows()));
    if (withTruth > 0) {
      h.append("Against the simulator's ground truth, the chain-verified model is within ±2 %RH at ").append(within).append(" of ")
          .append(withTruth).append(" temperatures, the model trained without a ledger at ").append(naiveWithin).append(" of ").append(withTruth).append(". ");
    } else {
      h.append("The readings are a real recording, so there is no ground truth: the table compares the two models' predictions. ");
    }
    h.append("Telling the devices apart from their readings, the traceability model reaches ")
        .append(DemoReport.percent(t.validationAccuracy())).append(" on validation data (the paper reports ")
        .append(DemoReport.percent(Traceability.PAPER_VALIDATION_ACCURACY)).append(").</p>\n</section>\n");
  }

  private static void card(StringBuilder h, String label, String value, String note) {
    card(h, label, value, note, "");
  }

  /** A figure card; {@code tone} is a CSS class for the value ({@code ok}, {@code bad}) or empty. */
  private static void card(StringBuilder h, String label, String value, String note, String tone) {
    h.append("<div class=\"card\"><div class=\"label\">").append(esc(label)).append("</div><div class=\"value")
        .append(tone.isEmpty() ? "" : " " + tone).append("\">").append(esc(value))
        .append("</div><div class=\"note\">").append(esc(note)).append("</div></div>\n");
  }

  private static void validity(StringBuilder h, Validity v) {
    boolean truth = v.rows().stream().anyMatch(row -> row.truth().isPresent());
    h.append("<section id=\"validity\">\n<h2>Validity: Table 1</h2>\n<p>Relative humidity predicted at five temperatures by the")
        .append(" <span class=\"chain\">chain-verified model</span> (trained on the readings the ledger judged legal) and by the")
        .append(" <span class=\"naive\">model trained without a ledger</span> (trained on every reading that arrived, the")
        .append(" attacker's included). Errors are truth − prediction, in %RH.</p>\n");
    h.append("<div class=\"scroll\"><table class=\"table1\">\n<caption>Table 1</caption>\n<thead><tr>")
        .append("<th class=\"num\">Temperature (°C)</th><th class=\"num\">Ground truth (%RH)</th>")
        .append("<th class=\"num\">Chain-verified (%RH)</th><th class=\"num\">Without ledger (%RH)</th>")
        .append("<th class=\"num\">Error, chain-verified</th><th class=\"num\">Error, without ledger</th>")
        .append("<th>Chain-verified within ±2 %RH</th></tr></thead>\n<tbody>\n");
    for (ValidityRow row : v.rows()) {
      h.append("<tr><td class=\"num\">").append(DemoReport.fixed(row.temperature())).append("</td><td class=\"num\">")
          .append(row.truth().map(DemoReport::fixed).orElse("—")).append("</td><td class=\"num chain\">")
          .append(DemoReport.fixed(row.chain())).append("</td><td class=\"num naive\">").append(DemoReport.fixed(row.naive()))
          .append("</td><td class=\"num\">").append(row.truth().map(t -> DemoReport.signed(t - row.chain())).orElse("—"))
          .append("</td><td class=\"num\">").append(row.truth().map(t -> DemoReport.signed(t - row.naive())).orElse("—"))
          .append("</td><td>");
      if (row.truth().isEmpty()) {
        h.append("<span class=\"muted\">no ground truth</span>");
      } else if (DemoReport.withinTolerance(row)) {
        h.append("<span class=\"ok\">✔ yes</span>");
      } else {
        h.append("<span class=\"bad\">✘ no</span>");
      }
      h.append("</td></tr>\n");
    }
    h.append("</tbody></table></div>\n");
    h.append(String.format(Locale.ROOT, "<p>Training rows: chain-verified %,d, without a ledger %,d.", v.chainRows(), v.naiveRows()));
    if (!truth) {
      h.append(" The readings are a real recording, so no ground truth is shown.");
    }
    h.append("</p>\n");
    if (!v.decisionIds().isEmpty()) {
      h.append("<h3>Decisions logged on chain</h3>\n<p>The chain-verified model's predictions above, one decision each:</p>\n<ul class=\"ids\">\n");
      for (String id : v.decisionIds()) {
        h.append("<li><code>").append(esc(id)).append("</code></li>\n");
      }
      h.append("</ul>\n");
    }
    figure(h, DemoReport.VALIDITY_PNG, "Predicted relative humidity at each temperature"
        + (truth ? ", with the ground truth and its ±2 %RH band." : "."));
    figure(h, DemoReport.VALIDITY_LOSS_PNG, "Loss (left) and " + v.chainHistory().metricName()
        + " (right) per epoch of the chain-verified model, on its training and validation splits.");
    figure(h, DemoReport.VALIDITY_LOSS_NAIVE_PNG, "The same for the model trained without a ledger.");
    h.append("</section>\n");
  }

  private static void ledger(StringBuilder h, DemoResult r) {
    Ledger l = r.ledger();
    long rejected = DemoReport.rejectedTotal(l);
    h.append("<section id=\"ledger\">\n<h2>The ledger's verdicts</h2>\n<p>Every reading is signed by its device and judged by")
        .append(" the ledger before it can reach a dataset. An attacker altered, forged or replayed a share of them.</p>\n");
    h.append("<div class=\"grid2\">\n<div class=\"scroll\"><table>\n<caption>Readings</caption>\n<tbody>\n");
    countRow(h, "received", l.received(), l.received());
    countRow(h, "legal", l.legal(), l.received());
    countRow(h, "rejected", rejected, l.received());
    for (Map.Entry<String, Long> e : l.rejected().entrySet()) {
      h.append("<tr><td>&nbsp;&nbsp;&nbsp;").append(esc(e.getKey())).append("</td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%,d", e.getValue())).append("</td><td class=\"num\">")
          .append(share(e.getValue(), l.received())).append("</td></tr>\n");
    }
    h.append("</tbody></table></div>\n<div class=\"scroll\"><table>\n<caption>The attacker's readings, by kind</caption>\n<tbody>\n");
    if (l.attacks().isEmpty()) {
      h.append("<tr><td>none</td><td class=\"num\">0</td></tr>\n");
    }
    for (Map.Entry<String, Integer> e : l.attacks().entrySet()) {
      h.append("<tr><td>").append(esc(e.getKey())).append("</td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%,d", e.getValue())).append("</td></tr>\n");
    }
    long attacks = l.attacks().values().stream().mapToLong(Integer::longValue).sum();
    h.append("<tr><th>total</th><th class=\"num\">").append(String.format(Locale.ROOT, "%,d", attacks)).append("</th></tr>\n");
    h.append("</tbody></table></div>\n</div>\n");
    h.append("<p>Chain-verified dataset snapshot <code>").append(esc(l.snapshotId())).append("</code>: ")
        .append(String.format(Locale.ROOT, "%,d", l.snapshotRows())).append(" rows.</p>\n");
    figure(h, DemoReport.SENSORS_PNG, "Temperature and relative humidity of " + r.sensors().size() + " device"
        + (r.sensors().size() == 1 ? "" : "s") + " through the recording; red crosses are the readings the ledger refused,"
        + " at the values they claimed.");
    h.append("</section>\n");
  }

  private static void countRow(StringBuilder h, String label, long n, long of) {
    h.append("<tr><td>").append(esc(label)).append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%,d", n))
        .append("</td><td class=\"num\">").append(share(n, of)).append("</td></tr>\n");
  }

  private static String share(long n, long of) {
    return of == 0 ? "" : String.format(Locale.ROOT, "%.1f %%", 100.0 * n / of);
  }

  private static void traceability(StringBuilder h, Traceability t) {
    h.append("<section id=\"traceability\">\n<h2>Traceability</h2>\n<p>A classifier learns to tell which device a reading came")
        .append(" from; if it can, a reading can be traced to its source.</p>\n");
    h.append("<div class=\"scroll\"><table>\n<thead><tr><th>Accuracy</th><th class=\"num\">This run</th>")
        .append("<th class=\"num\">Paper</th></tr></thead>\n<tbody>\n<tr><td>training</td><td class=\"num\">")
        .append(DemoReport.percent(t.trainAccuracy())).append("</td><td class=\"num\">—</td></tr>\n<tr><td>validation</td><td class=\"num\">")
        .append(DemoReport.percent(t.validationAccuracy())).append("</td><td class=\"num\">")
        .append(DemoReport.percent(Traceability.PAPER_VALIDATION_ACCURACY)).append("</td></tr>\n</tbody></table></div>\n");
    confusion(h, t);
    figure(h, DemoReport.TRACEABILITY_ACCURACY_PNG, "Training and validation accuracy per epoch; the dashed line is the paper's "
        + DemoReport.percent(Traceability.PAPER_VALIDATION_ACCURACY) + ".");
    figure(h, DemoReport.TRACEABILITY_LOSS_PNG, "Loss (left) and " + t.history().metricName()
        + " (right) per epoch of the traceability model.");
    h.append("</section>\n");
  }

  private static void confusion(StringBuilder h, Traceability t) {
    long[][] m = t.confusion();
    if (m.length == 0) {
      h.append("<p>No confusion matrix was recorded.</p>\n");
      return;
    }
    h.append("<h3>Confusion matrix (validation)</h3>\n<p>Rows are the device a reading came from, columns the device the model")
        .append(" named.</p>\n<div class=\"scroll\"><table class=\"confusion\">\n<thead><tr><th>true \\ predicted</th>");
    for (int j = 0; j < m[0].length; j++) {
      h.append("<th class=\"num\">").append(esc(className(t, j))).append("</th>");
    }
    h.append("<th class=\"num\">correct</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < m.length; i++) {
      long total = 0;
      for (long c : m[i]) {
        total += c;
      }
      h.append("<tr><th>").append(esc(className(t, i))).append("</th>");
      for (int j = 0; j < m[i].length; j++) {
        double fraction = total == 0 ? 0 : (double) m[i][j] / total;
        String rgb = i == j ? "26,127,55" : "207,34,46";
        h.append("<td class=\"num\"");
        if (m[i][j] > 0) {
          h.append(String.format(Locale.ROOT, " style=\"background:rgba(%s,%.2f)\"", rgb, 0.06 + 0.5 * fraction));
        }
        h.append('>').append(String.format(Locale.ROOT, "%,d", m[i][j])).append("</td>");
      }
      h.append("<td class=\"num\">").append(i < m[i].length && total > 0 ? DemoReport.percent((double) m[i][i] / total) : "—")
          .append("</td></tr>\n");
    }
    h.append("</tbody></table></div>\n");
  }

  private static String className(Traceability t, int i) {
    return i < t.classes().size() ? t.classes().get(i) : "class " + i;
  }

  private static void models(StringBuilder h, List<ModelRow> models) {
    h.append("<section id=\"models\">\n<h2>Models on chain</h2>\n<p>Each model is registered with the hash of its file and of its")
        .append(" training recipe; validators replay the recipe on the snapshot and attest when they get the same file.</p>\n");
    h.append("<div class=\"scroll\"><table>\n<thead><tr><th>Model</th><th>Purpose</th><th>Model hash (SHA-256)</th>")
        .append("<th>Recipe hash</th><th>Status</th><th class=\"num\">Attestations</th></tr></thead>\n<tbody>\n");
    if (models.isEmpty()) {
      h.append("<tr><td colspan=\"6\">no models</td></tr>\n");
    }
    for (ModelRow m : models) {
      String status = m.status() == null ? "" : m.status();
      String badge = status.equalsIgnoreCase("VERIFIED") ? "ok"
          : status.toUpperCase(Locale.ROOT).matches(".*(REJECT|FAIL|REVOK|MISMATCH).*") ? "bad" : "other";
      h.append("<tr><td><code>").append(esc(m.id())).append("</code></td><td>").append(esc(m.purpose())).append("</td><td>")
          .append(hash(m.hash())).append("</td><td>").append(hash(m.recipeHash())).append("</td><td><span class=\"badge ")
          .append(badge).append("\">").append(esc(status)).append("</span></td><td class=\"num\">").append(m.attestations())
          .append("</td></tr>\n");
    }
    h.append("</tbody></table></div>\n</section>\n");
  }

  private static String hash(String hash) {
    if (hash == null || hash.isEmpty()) {
      return "—";
    }
    return "<code title=\"" + esc(hash) + "\">" + esc(DemoReport.shortId(hash)) + "</code>";
  }

  private static void audit(StringBuilder h, Audit a) {
    h.append("<section id=\"audit\">\n<h2>Audit of a decision</h2>\n<p>Decision <code>").append(esc(a.decisionId()))
        .append("</code>: every link the audit checked, from the logged prediction back to its data. ")
        .append(a.passed() ? "<span class=\"badge ok\">PASSED</span>" : "<span class=\"badge bad\">FAILED</span>").append("</p>\n");
    h.append("<ul class=\"checks\">\n");
    for (Check c : a.checks()) {
      h.append("<li><span class=\"mark ").append(c.passed() ? "ok\">✔" : "bad\">✘").append("</span><span><strong>")
          .append(esc(c.name())).append("</strong>");
      if (c.detail() != null && !c.detail().isEmpty()) {
        h.append(" <span class=\"detail\">— ").append(esc(c.detail())).append("</span>");
      }
      h.append("</span></li>\n");
    }
    if (a.checks().isEmpty()) {
      h.append("<li>no links were checked</li>\n");
    }
    h.append("</ul>\n");
    if (a.provFile() != null && !a.provFile().isEmpty()) {
      h.append("<p>The lineage as W3C PROV-JSON: <code>").append(esc(a.provFile())).append("</code></p>\n");
    }
    h.append("</section>\n");
  }

  private static void figure(StringBuilder h, String file, String caption) {
    h.append("<figure><img src=\"").append(esc(file)).append("\" alt=\"").append(esc(caption)).append("\" loading=\"lazy\">")
        .append("<figcaption>").append(esc(caption)).append("</figcaption></figure>\n");
  }

  /** {@code text} with the five characters that are special in HTML text and attributes escaped; null gives "". */
  static String esc(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
