package irqlab.report.html;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import irqlab.report.DomainGraph;
import irqlab.sim.RunResult;
import irqlab.sim.trace.Trace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --html FILE}: one self-contained page (inline CSS and JavaScript, no network) with the
 * run's summary, a replayed schedule's interleaving as swimlanes, the domain tree, the vector
 * matrix heat map with its time slider and the stacked interrupt chart. The bytes depend on the
 * scenario and seed (and schedule) only.
 */
public final class HtmlReport {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String RESOURCES = "/irqlab/report/html/";

  private HtmlReport() {}

  /** The report of a run-mode run watched by {@code rec}. */
  public static String of(RunResult r, RunRecorder rec) {
    return page(r, rec, null);
  }

  /** The report of a replayed schedule: its run and, from its trace, its interleaving. */
  public static String ofReplay(RunResult r, RunRecorder rec, Trace trace) {
    return page(r, rec, trace);
  }

  private static String page(RunResult r, RunRecorder rec, Trace trace) {
    String scheduleId = trace == null ? null : trace.schedule();
    List<ReportSection> sections = new ArrayList<>();
    sections.add(new SummarySection(r, scheduleId));
    if (trace != null) {
      sections.add(new InterleavingSection(trace, r.violations()));
    }
    sections.add(new TreeSection(DomainGraph.of(rec.machine())));
    sections.add(new VectorHeatSection(rec));
    sections.add(new InterruptChartSection(rec, r));
    String title = "irqlab " + (scheduleId == null ? "run" : "replay") + ": " + r.scenario() + " seed " + r.seed()
        + (scheduleId == null ? "" : " schedule " + scheduleId);
    return render(title, sections);
  }

  static String render(String title, List<ReportSection> sections) {
    StringBuilder sb = new StringBuilder(1 << 16);
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
        .append("style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
        .append("<title>").append(escape(title)).append("</title>\n<style>\n")
        .append(resource("report.css")).append("</style>\n</head>\n<body>\n<header><h1>")
        .append(escape(title)).append("</h1><nav>");
    for (ReportSection s : sections) {
      sb.append("<a href=\"#").append(s.id()).append("\">").append(escape(s.title())).append("</a>");
    }
    sb.append("</nav></header>\n<main>\n");
    for (ReportSection s : sections) {
      sb.append("<section id=\"").append(s.id()).append("\" data-section=\"").append(s.id()).append("\">\n<h2>")
          .append(escape(s.title())).append("</h2>\n<div class=\"body\"></div>\n")
          .append("<script type=\"application/json\" id=\"data-").append(s.id()).append("\">")
          .append(json(s)).append("</script>\n</section>\n");
    }
    sb.append("</main>\n<script>\n").append(resource("core.js"));
    Set<String> scripts = new LinkedHashSet<>();
    for (ReportSection s : sections) {
      scripts.add(s.script());
    }
    for (String js : scripts) {
      sb.append(resource(js));
    }
    sb.append("IRQLAB.start();\n</script>\n</body>\n</html>\n");
    return sb.toString();
  }

  /** Compact JSON with '<' escaped, so that no "</script>" can end the data block early. */
  static String json(ReportSection s) {
    try {
      return MAPPER.writeValueAsString(s.data()).replace("<", "\\u003c");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static String resource(String name) {
    try (InputStream in = HtmlReport.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCES + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
