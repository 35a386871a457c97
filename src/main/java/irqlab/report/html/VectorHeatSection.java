package irqlab.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.VectorMatrix;
import irqlab.report.MachineIndex;

/** The vector matrix as CPUs x vectors, one snapshot per action and kernel log line, and the end. */
final class VectorHeatSection implements ReportSection {
  private final RunRecorder rec;

  VectorHeatSection(RunRecorder rec) {
    this.rec = rec;
  }

  @Override
  public String id() {
    return "vectors";
  }

  @Override
  public String title() {
    return "Vector matrix (CPUs x vectors)";
  }

  @Override
  public String script() {
    return "vectors.js";
  }

  @Override
  public JsonNode data() {
    Kernel k = rec.machine().kernel();
    VectorMatrix mx = k.matrix();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("cpus", rec.cpus());
    o.put("vectors", VectorMatrix.NR_VECTORS);
    o.put("alloc_start", mx.allocStart());
    o.put("alloc_end", mx.allocEnd());
    ArrayNode states = o.putArray("states");
    for (String[] s : MatrixSnapshot.STATES) {
      states.addArray().add(s[0]).add(s[1]);
    }
    ArrayNode rows = o.putArray("rows");
    rec.rowTable().forEach(rows::add);
    ArrayNode snaps = o.putArray("snapshots");
    for (MatrixSnapshot s : rec.snapshots()) {
      ObjectNode j = snaps.addObject();
      j.put("t", s.timeNs());
      j.put("kind", s.kind());
      j.put("label", s.label());
      ArrayNode r = j.putArray("rows");
      for (int x : s.rows()) {
        r.add(x);
      }
      ArrayNode off = j.putArray("offline");
      for (int c = 0; c < s.online().length; c++) {
        if (!s.online()[c]) {
          off.add(c);
        }
      }
      j.put("global_reserved", s.globalReserved());
      j.put("global_available", s.globalAvailable());
      j.put("total_allocated", s.totalAllocated());
    }
    o.put("snapshots_dropped", rec.droppedSnapshots());
    // Who owns each bound vector at the end (vector_irq), for the cells' details.
    MachineIndex idx = new MachineIndex(rec.machine());
    ArrayNode owners = o.putArray("owners");
    ObjectNode names = o.putObject("irq_names");
    for (int c = 0; c < k.nrCpus(); c++) {
      for (int v = 0; v < VectorMatrix.NR_VECTORS; v++) {
        if (k.vectorDomain().vectorIrq(c, v) instanceof IrqDesc d) {
          owners.addArray().add(c).add(v).add(d.irq());
          if (!names.has(Integer.toString(d.irq()))) {
            names.put(Integer.toString(d.irq()), idx.describe(d));
          }
        }
      }
    }
    return o;
  }
}
