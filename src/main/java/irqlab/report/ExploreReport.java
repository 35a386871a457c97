package irqlab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.sim.Exploration;
import irqlab.sim.explore.ScheduleId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An exploration's report as text and JSON, and the merge of shard reports into the report one
 * machine would have printed. The JSON of a shard carries everything the text needs, so merging
 * needs no scenario and runs nothing.
 */
public final class ExploreReport {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ExploreReport() {}

  /** The first failure as explore presents it: shrunk (or not) and drawn. */
  public record First(String id, List<String> kinds, String detail, String shrunkId, int delays, int shrinkRuns,
      String traceText, JsonNode trace) {}

  /** A report with its first failure (null when nothing failed) and a note ("" or what a merge lacks). */
  public record Full(Exploration.Report report, First first, String note) {
    public Full(Exploration.Report report, First first) {
      this(report, first, "");
    }
  }

  // ------------------------------------------------------------------ text

  public static String text(Full f, String scenarioArg) {
    Exploration.Report r = f.report();
    StringBuilder sb = new StringBuilder();
    String of = r.shard().count() == 1 ? "" : " (shard " + r.shard() + " of " + r.schedules() + ")";
    sb.append(String.format("explored %d schedules%s of %s with %s (seed %d): %d failed%n", r.explored(), of,
        r.scenario(), r.strategy(), r.seed(), r.failed()));
    if (!f.note().isEmpty()) {
      sb.append(f.note()).append('\n');
    }
    if (r.stoppedByTime()) {
      sb.append(String.format("stopped at the time budget: %d of %d schedules ran%n", r.explored(),
          r.shard().size(r.schedules())));
    }
    if (r.failed() > 0) {
      StringBuilder kinds = new StringBuilder();
      new TreeMap<>(r.kinds()).forEach((k, n) -> kinds.append(kinds.length() == 0 ? "" : ", ").append(k)
          .append(" (").append(n).append(')'));
      sb.append("failures by kind: ").append(kinds).append('\n');
      for (Exploration.Outcome o : r.failures()) {
        sb.append(String.format("  schedule %s (%d steps): %s%n", o.id(), o.steps(), o.detail()));
      }
      if (r.failed() > r.failures().size() && !r.failures().isEmpty()) {
        sb.append(String.format("  ... and %d more%n", r.failed() - r.failures().size()));
      }
    }
    First first = f.first();
    if (first != null) {
      sb.append('\n');
      if (first.shrunkId() != null) {
        sb.append(String.format("first failure %s, shrunk to %d %s (%d schedules tried): %s%n", first.id(),
            first.delays(), first.delays() == 1 ? "delay" : "delays", first.shrinkRuns(), first.shrunkId()));
      } else {
        sb.append(String.format("first failure %s (no schedule of at most two delays fails the same way;"
            + " %d tried)%n", first.id(), first.shrinkRuns()));
      }
      sb.append(first.traceText());
      String replayId = first.shrunkId() != null ? first.shrunkId() : first.id();
      sb.append(String.format("replay it with: irqlab replay %s --schedule %s --trace%n", scenarioArg, replayId));
    }
    return sb.toString();
  }

  // ------------------------------------------------------------------ JSON

  public static String json(Full f) {
    Exploration.Report r = f.report();
    ObjectNode o = MAPPER.createObjectNode();
    o.put("scenario", r.scenario());
    o.put("strategy", r.strategy());
    o.put("seed", r.seed());
    o.put("schedules", r.schedules());
    o.put("shard", r.shard().toString());
    o.put("explored", r.explored());
    o.put("complete", r.complete());
    o.put("stopped_by_time", r.stoppedByTime());
    o.put("failed", r.failed());
    ObjectNode kinds = o.putObject("kinds");
    new TreeMap<>(r.kinds()).forEach(kinds::put);
    o.put("show", r.keep());
    o.put("steps", r.steps());
    o.put("step_bound", r.stepBound());
    ArrayNode fl = o.putArray("failures");
    for (Exploration.Outcome x : r.failures()) {
      ObjectNode n = fl.addObject();
      n.put("id", x.id().toString());
      n.put("steps", x.steps());
      ArrayNode k = n.putArray("kinds");
      x.kinds().forEach(k::add);
      n.put("detail", x.detail());
    }
    First first = f.first();
    if (first != null) {
      ObjectNode n = o.putObject("first_failure");
      n.put("id", first.id());
      ArrayNode k = n.putArray("kinds");
      first.kinds().forEach(k::add);
      n.put("detail", first.detail());
      if (first.shrunkId() != null) {
        n.put("shrunk", first.shrunkId());
        n.put("delays", first.delays());
      }
      n.put("shrink_runs", first.shrinkRuns());
      n.put("trace_text", first.traceText());
      if (first.trace() != null) {
        n.set("trace", first.trace());
      }
    }
    try {
      return MAPPER.writeValueAsString(o) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads a report written by {@link #json}; IllegalArgumentException when it is not one. */
  public static Full parse(String text) {
    try {
      JsonNode o = MAPPER.readTree(text);
      Exploration.Shard shard = Exploration.Shard.parse(req(o, "shard").asText());
      List<Exploration.Outcome> failures = new ArrayList<>();
      for (JsonNode n : req(o, "failures")) {
        failures.add(new Exploration.Outcome(ScheduleId.parse(req(n, "id").asText()), req(n, "steps").asLong(),
            strings(req(n, "kinds")), req(n, "detail").asText()));
      }
      TreeMap<String, Integer> kinds = new TreeMap<>();
      Iterator<Map.Entry<String, JsonNode>> it = req(o, "kinds").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        kinds.put(e.getKey(), e.getValue().asInt());
      }
      Exploration.Report r = new Exploration.Report(req(o, "scenario").asText(), req(o, "strategy").asText(),
          req(o, "seed").asLong(), req(o, "schedules").asInt(), shard, req(o, "explored").asInt(),
          req(o, "failed").asInt(), Map.copyOf(kinds), List.copyOf(failures), req(o, "show").asInt(), req(o, "steps").asLong(),
          req(o, "step_bound").asLong(), req(o, "stopped_by_time").asBoolean());
      First first = null;
      JsonNode ff = o.get("first_failure");
      if (ff != null && !ff.isNull()) {
        first = new First(req(ff, "id").asText(), strings(req(ff, "kinds")), req(ff, "detail").asText(),
            ff.has("shrunk") ? ff.get("shrunk").asText() : null, ff.has("delays") ? ff.get("delays").asInt() : 0,
            req(ff, "shrink_runs").asInt(), req(ff, "trace_text").asText(), ff.get("trace"));
      }
      return new Full(r, first);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an explore report (" + e.getOriginalMessage() + ")");
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  private static JsonNode req(JsonNode o, String field) {
    JsonNode n = o.get(field);
    if (n == null || n.isNull()) {
      throw new IllegalArgumentException("not an explore report: no field '" + field + "'");
    }
    return n;
  }

  private static List<String> strings(JsonNode a) {
    List<String> l = new ArrayList<>();
    a.forEach(x -> l.add(x.asText()));
    return List.copyOf(l);
  }

  /**
   * Shard reports of one exploration combined into the report one machine would have printed:
   * counts added, failures in schedule order, the first failure the earliest shard's first.
   */
  public static Full merge(List<Full> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("nothing to merge");
    }
    Exploration.Report a = parts.get(0).report();
    boolean[] seen = new boolean[a.shard().count() + 1];
    TreeMap<String, Integer> kinds = new TreeMap<>();
    List<Exploration.Outcome> failures = new ArrayList<>();
    int explored = 0;
    int failed = 0;
    long steps = 0;
    boolean byTime = false;
    First first = null;
    String firstId = null;
    int keep = 0;
    for (Full f : parts) {
      Exploration.Report r = f.report();
      if (!r.scenario().equals(a.scenario()) || !r.strategy().equals(a.strategy()) || r.seed() != a.seed()
          || r.schedules() != a.schedules() || r.shard().count() != a.shard().count()
          || r.stepBound() != a.stepBound()) {
        throw new IllegalArgumentException("shard " + r.shard() + " belongs to another exploration ("
            + r.scenario() + ", " + r.strategy() + ", seed " + r.seed() + ", " + r.schedules() + " schedules, "
            + r.shard().count() + " shards); expected " + a.scenario() + ", " + a.strategy() + ", seed " + a.seed()
            + ", " + a.schedules() + " schedules, " + a.shard().count() + " shards");
      }
      if (seen[r.shard().index()]) {
        throw new IllegalArgumentException("shard " + r.shard() + " given twice");
      }
      seen[r.shard().index()] = true;
      explored += r.explored();
      failed += r.failed();
      steps += r.steps();
      byTime |= r.stoppedByTime();
      r.kinds().forEach((k, n) -> kinds.merge(k, n, Integer::sum));
      failures.addAll(r.failures());
      keep = Math.max(keep, r.keep());
      if (f.first() != null && (firstId == null || ScheduleId.parse(f.first().id()).index() < ScheduleId.parse(firstId).index())) {
        first = f.first();
        firstId = first.id();
      }
    }
    failures.sort((x, y) -> Integer.compare(x.id().index(), y.id().index()));
    List<Exploration.Outcome> kept = failures.subList(0, Math.min(keep, failures.size()));
    int shards = 0;
    for (int i = 1; i < seen.length; i++) {
      shards += seen[i] ? 1 : 0;
    }
    Exploration.Report m = new Exploration.Report(a.scenario(), a.strategy(), a.seed(), a.schedules(),
        Exploration.Shard.ALL, explored, failed, Map.copyOf(kinds), List.copyOf(kept), keep, steps, a.stepBound(), byTime);
    String note = shards == a.shard().count() ? ""
        : "merged " + shards + " of " + a.shard().count() + " shards: the report covers " + explored + " of "
            + a.schedules() + " schedules";
    return new Full(m, first, note);
  }
}
