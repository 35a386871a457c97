package irqlab.sim;

import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.irq.IrqdState;
import irqlab.kernel.irq.IrqsState;
import irqlab.scenario.StateExpectation;
import java.util.ArrayList;
import java.util.List;

/** Evaluates {@code expect.state}: each named interrupt's descriptor as the run left it. */
final class ExpectState {
  private ExpectState() {}

  static List<String> evaluate(Machine m) {
    List<String> failed = new ArrayList<>();
    for (StateExpectation se : m.scenario().expect().state()) {
      Integer irq = m.interruptNames().get(se.irq());
      IrqDesc d = irq == null ? null : m.kernel().descs().get(irq);
      if (d == null) {
        failed.add("state " + se.irq() + ": the interrupt does not exist at the end of the run");
        continue;
      }
      for (StateExpectation.Check c : se.checks()) {
        String actual = actual(d, c.key());
        if (!actual.equals(c.expected())) {
          failed.add("state " + se.irq() + " " + c.key() + ": expected " + c.expected() + ", got " + actual);
        }
      }
    }
    return failed;
  }

  /** A property's value in the canonical text the scenario reader produces. */
  static String actual(IrqDesc d, String key) {
    return switch (key) {
      case "depth" -> Integer.toString(d.depth());
      case "started" -> Boolean.toString(d.data().is(IrqdState.IRQ_STARTED));
      case "activated" -> Boolean.toString(d.data().is(IrqdState.ACTIVATED));
      case "disabled" -> Boolean.toString(d.data().is(IrqdState.IRQ_DISABLED));
      case "masked" -> Boolean.toString(d.data().is(IrqdState.IRQ_MASKED));
      case "pending" -> Boolean.toString(d.istate(IrqsState.PENDING));
      case "managed-shutdown" -> Boolean.toString(d.data().is(IrqdState.MANAGED_SHUTDOWN));
      case "spurious-disabled" -> Boolean.toString(d.istate(IrqsState.SPURIOUS_DISABLED));
      case "affinity" -> d.affinity().toList();
      case "effective" -> d.effectiveAffinity().toList();
      default -> throw new IllegalArgumentException("unknown state property " + key);
    };
  }
}
