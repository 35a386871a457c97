package irqlab.report;

import irqlab.sim.Machine;
import java.util.List;

/**
 * Graphviz DOT of the irq domain hierarchy ({@code show domains --dot}) and of one interrupt's
 * levels ({@code show irq NAME --dot}): domains as boxes from the root (VECTOR) down, each device
 * domain's interrupts as ellipses under it. Deterministic: ids and order come from creation order
 * and irq numbers.
 */
public final class DomainsDot {
  /** Interrupts drawn per domain; the rest are one "+N more" node. */
  static final int MAX_IRQS_PER_DOMAIN = 32;

  private DomainsDot() {}

  public static String render(Machine m) {
    return render(DomainGraph.of(m), m.scenario().name());
  }

  static String render(DomainGraph g, String title) {
    StringBuilder sb = header("irq_domains", "irq domains of " + title);
    for (DomainGraph.Node n : g.domains()) {
      StringBuilder label = new StringBuilder(esc(n.name()));
      if (!n.chips().isEmpty()) {
        label.append("\\nchip ").append(esc(String.join(", ", n.chips())));
      }
      label.append("\\nmapped ").append(n.mapped());
      if (!n.role().isEmpty()) {
        label.append("\\n").append(esc(n.role()));
      }
      sb.append("  d").append(n.index()).append(" [shape=box, style=\"rounded,filled\", fillcolor=\"")
          .append(n.parent() < 0 ? "#dbe8f6" : "#eef3e8").append("\", label=\"").append(label).append("\"];\n");
    }
    for (DomainGraph.Node n : g.domains()) {
      if (n.parent() >= 0) {
        sb.append("  d").append(n.parent()).append(" -> d").append(n.index()).append(";\n");
      }
    }
    for (DomainGraph.Node n : g.domains()) {
      List<DomainGraph.Irq> irqs = n.irqs();
      for (int i = 0; i < irqs.size() && i < MAX_IRQS_PER_DOMAIN; i++) {
        DomainGraph.Irq q = irqs.get(i);
        sb.append("  i").append(q.irq()).append(" [shape=ellipse, label=\"").append(irqLabel(q)).append("\"];\n");
        sb.append("  d").append(n.index()).append(" -> i").append(q.irq()).append(" [style=dashed, arrowhead=none];\n");
      }
      if (irqs.size() > MAX_IRQS_PER_DOMAIN) {
        sb.append("  more").append(n.index()).append(" [shape=plaintext, label=\"+")
            .append(irqs.size() - MAX_IRQS_PER_DOMAIN).append(" more irqs\"];\n");
        sb.append("  d").append(n.index()).append(" -> more").append(n.index())
            .append(" [style=dashed, arrowhead=none];\n");
      }
    }
    return sb.append("}\n").toString();
  }

  /** One interrupt's hierarchy, outermost level first, down to the vector and CPU it targets. */
  public static String renderIrq(Machine m, String nameOrNumber) {
    int irq = IrqDebugView.resolve(m, nameOrNumber);
    DomainGraph g = DomainGraph.of(m);
    for (DomainGraph.Node n : g.domains()) {
      for (DomainGraph.Irq q : n.irqs()) {
        if (q.irq() == irq) {
          return renderIrq(q);
        }
      }
    }
    throw new IllegalArgumentException("irq " + irq + " has no irq domain");
  }

  static String renderIrq(DomainGraph.Irq q) {
    StringBuilder sb = header("irq_" + q.irq(), "irq " + q.irq() + " " + q.label());
    sb.append("  irq [shape=ellipse, label=\"").append(irqLabel(q)).append("\"];\n");
    String prev = "irq";
    for (int i = 0; i < q.levels().size(); i++) {
      DomainGraph.Level l = q.levels().get(i);
      String id = "l" + i;
      sb.append("  ").append(id).append(" [shape=box, style=rounded, label=\"").append(esc(l.domain()))
          .append("\\nchip ").append(esc(l.chip())).append("\\nhwirq ").append(l.hwirq()).append("\"];\n");
      sb.append("  ").append(prev).append(" -> ").append(id).append(";\n");
      prev = id;
    }
    if (q.vector() >= 0) {
      sb.append("  cpu [shape=box3d, label=\"CPU ").append(q.cpu()).append("\\nvector ").append(q.vector())
          .append(" (0x").append(Integer.toHexString(q.vector())).append(")\"];\n");
      sb.append("  ").append(prev).append(" -> cpu;\n");
    }
    return sb.append("}\n").toString();
  }

  private static StringBuilder header(String id, String title) {
    return new StringBuilder("digraph ").append(id).append(" {\n")
        .append("  graph [label=\"").append(esc(title)).append("\", labelloc=t, fontname=\"Helvetica\"];\n")
        .append("  node [fontname=\"Helvetica\", fontsize=10];\n")
        .append("  edge [color=\"#555555\"];\n");
  }

  private static String irqLabel(DomainGraph.Irq q) {
    StringBuilder l = new StringBuilder("irq ").append(q.irq()).append("\\n").append(esc(q.label()));
    if (!q.levels().isEmpty()) {
      l.append("\\nhwirq ").append(q.levels().get(0).hwirq());
    }
    if (q.vector() >= 0) {
      l.append("\\nvector 0x").append(Integer.toHexString(q.vector())).append(" on CPU ").append(q.cpu());
    }
    return l.toString();
  }

  /** A DOT double-quoted string's contents: backslash and quote escaped, newlines as \n. */
  static String esc(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
