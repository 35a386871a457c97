package irqlab.kernel.drivers;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.kernel.irq.IrqAction;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A driver's request list against a plain list in request order, over seeded random sequences of
 * requests, removals by action (the constant-time free), removals by irq, replacements and clears,
 * long enough to grow and compact the slots many times.
 */
class DriverRequestsTest {
  static LongStream seeds() {
    return LongStream.range(1, 41);
  }

  private static IrqAction action(int irq) {
    return new IrqAction(irq, (i, dev) -> null, 0, "q" + irq, new Object());
  }

  @ParameterizedTest
  @MethodSource("seeds")
  void matchesAListInRequestOrder(long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    DriverRequests r = new DriverRequests();
    List<IrqAction> model = new ArrayList<>();
    // A long-lived first request, as a driver's control interrupt, keeps the front from moving.
    IrqAction first = action(0);
    r.add(first);
    model.add(first);
    for (int step = 0; step < 3000; step++) {
      int op = rnd.nextInt(100);
      if (op < 45 || model.isEmpty()) {
        IrqAction a = action(1 + rnd.nextInt(40));
        r.add(a);
        model.add(a);
      } else if (op < 75) {
        // The free path: remove a known action (sometimes one that is not held, or held no more).
        IrqAction a = rnd.nextInt(10) == 0 ? action(1 + rnd.nextInt(40)) : model.get(rnd.nextInt(model.size()));
        boolean held = model.contains(a);
        assertThat(r.removeIfHeld(a)).isEqualTo(held);
        model.remove(a);
        assertThat(r.removeIfHeld(a)).isFalse();
      } else if (op < 90) {
        int irq = rnd.nextInt(41);
        boolean unique = rnd.nextBoolean();
        List<IrqAction> expected = new ArrayList<>();
        for (IrqAction a : model) {
          if (a.irq() == irq) {
            expected.add(a);
            if (unique) {
              break;
            }
          }
        }
        assertThat(r.on(irq)).containsExactlyElementsOf(model.stream().filter(a -> a.irq() == irq).toList());
        assertThat(r.removeOn(irq, unique)).containsExactlyElementsOf(expected);
        model.removeAll(expected);
      } else if (op < 99) {
        IrqAction old = model.get(rnd.nextInt(model.size()));
        IrqAction again = action(old.irq());
        r.replace(old, again);
        model.set(model.indexOf(old), again);
        assertThat(r.removeIfHeld(old)).isFalse();
      } else {
        r.clear();
        model.clear();
      }
      assertThat(r.all()).containsExactlyElementsOf(model);
    }
  }
}
