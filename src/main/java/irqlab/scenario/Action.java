package irqlab.scenario;

import irqlab.kernel.cpu.CpuMask;
import java.util.List;

/** What a timeline entry does. {@link #key()} is the YAML key that names the action. */
public sealed interface Action {

  String key();

  /** The action keys, in the order the documentation lists them. */
  List<String> KEYS =
      List.of(
          "traffic",
          "storm",
          "set-affinity",
          "disable-irq",
          "disable-irq-nosync",
          "enable-irq",
          "free-irq",
          "request-irq",
          "msix-free",
          "msix-alloc",
          "unbind",
          "bind",
          "cpu-offline",
          "cpu-online",
          "spoof-msi",
          "link-up",
          "link-down",
          "mark");

  /**
   * Work for a device: each listed queue (empty list = all queues) completes work at
   * {@code ratePerSecond}, for {@code forNs}.
   */
  record Traffic(String device, List<Integer> queues, double ratePerSecond, long forNs, Loc loc)
      implements Action {
    public Traffic {
      queues = List.copyOf(queues);
    }

    public boolean allQueues() {
      return queues.isEmpty();
    }

    @Override
    public String key() {
      return "traffic";
    }
  }

  /**
   * A stuck interrupt source: the device signals {@code queue}'s vector {@code ratePerSecond}
   * times a second, evenly spaced, for {@code forNs}, without completing any work.
   */
  record Storm(String device, int queue, double ratePerSecond, long forNs, Loc loc)
      implements Action {
    @Override
    public String key() {
      return "storm";
    }
  }

  /** An administrator writing /proc/irq/N/smp_affinity_list. */
  record SetAffinity(IrqName irq, CpuMask cpus) implements Action {
    @Override
    public String key() {
      return "set-affinity";
    }
  }

  /** A driver call on one interrupt. */
  record IrqOp(Op op, IrqName irq) implements Action {
    public enum Op {
      DISABLE("disable-irq"),
      DISABLE_NOSYNC("disable-irq-nosync"),
      ENABLE("enable-irq"),
      FREE("free-irq"),
      REQUEST("request-irq"),
      MSIX_FREE("msix-free");

      private final String key;

      Op(String key) {
        this.key = key;
      }

      public String key() {
        return key;
      }

      /** The op for a YAML key, or null. */
      public static Op ofKey(String key) {
        for (Op op : values()) {
          if (op.key.equals(key)) {
            return op;
          }
        }
        return null;
      }
    }

    @Override
    public String key() {
      return op.key();
    }
  }

  record Unbind(String device) implements Action {
    @Override
    public String key() {
      return "unbind";
    }
  }

  record Bind(String device) implements Action {
    @Override
    public String key() {
      return "bind";
    }
  }

  record CpuOffline(int cpu) implements Action {
    @Override
    public String key() {
      return "cpu-offline";
    }
  }

  record CpuOnline(int cpu) implements Action {
    @Override
    public String key() {
      return "cpu-online";
    }
  }

  /** Dynamic MSI-X allocation after enable; {@code index} null means "any free entry". */
  record MsixAlloc(String device, Integer index) implements Action {
    @Override
    public String key() {
      return "msix-alloc";
    }
  }

  /** An administrator bringing a network interface up (ndo_open) or down (ndo_stop). */
  record Link(String device, boolean up) implements Action {
    @Override
    public String key() {
      return up ? "link-up" : "link-down";
    }
  }

  /** A named point of the timeline, which {@code show --at} accepts in place of a time. */
  record Mark(String name) implements Action {
    @Override
    public String key() {
      return "mark";
    }
  }

  /** A DMA write to the MSI address window that did not come from the interrupt setup. */
  record SpoofMsi(String device, long address, int data) implements Action {
    @Override
    public String key() {
      return "spoof-msi";
    }
  }
}
