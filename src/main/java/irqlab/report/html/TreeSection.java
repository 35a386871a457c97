package irqlab.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.report.DomainGraph;

/** The irq domain hierarchy at the end of the run: domains, their chips and their interrupts. */
final class TreeSection implements ReportSection {
  /** Interrupts listed per domain; the rest are counted. */
  static final int MAX_IRQS_PER_DOMAIN = 256;

  private final DomainGraph g;

  TreeSection(DomainGraph g) {
    this.g = g;
  }

  @Override
  public String id() {
    return "tree";
  }

  @Override
  public String title() {
    return "Irq domain hierarchy (end of run)";
  }

  @Override
  public String script() {
    return "tree.js";
  }

  @Override
  public JsonNode data() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    ArrayNode ds = o.putArray("domains");
    for (DomainGraph.Node n : g.domains()) {
      ObjectNode d = ds.addObject();
      d.put("name", n.name());
      d.put("parent", n.parent());
      d.put("mapped", n.mapped());
      d.put("flags", String.format("0x%08x", n.flags()));
      d.put("role", n.role());
      ArrayNode chips = d.putArray("chips");
      n.chips().forEach(chips::add);
      d.put("through", n.through());
      d.put("irqs_omitted", Math.max(0, n.irqs().size() - MAX_IRQS_PER_DOMAIN));
      ArrayNode irqs = d.putArray("irqs");
      for (DomainGraph.Irq q : n.irqs().subList(0, Math.min(MAX_IRQS_PER_DOMAIN, n.irqs().size()))) {
        ObjectNode i = irqs.addObject();
        i.put("irq", q.irq());
        i.put("name", q.label());
        i.put("action", q.action() == null ? "" : q.action());
        i.put("effective", q.effective());
        i.put("vector", q.vector());
        i.put("cpu", q.cpu());
        ArrayNode levels = i.putArray("levels");
        for (DomainGraph.Level l : q.levels()) {
          ArrayNode a = levels.addArray();
          a.add(l.domain()).add(l.chip()).add(l.hwirq());
        }
      }
    }
    return o;
  }
}
