package irqlab.report;

import irqlab.kernel.irq.IrqdState;
import java.util.ArrayList;
import java.util.List;

/**
 * The bit-name tables of Linux 6.12's irq debugfs (kernel/irq/debugfs.c irqdata_states,
 * irqdesc_states, irqdesc_istates, irqchip_flags; kernel/irq/irqdomain.c irqdomain_flags), in the
 * kernel's order. Bits missing from a table (IRQS_SYSFS, _IRQ_LEVEL, IRQCHIP_AFFINITY_PRE_STARTUP,
 * ...) show in the hex word only, as on a real kernel.
 */
final class LinuxNames {
  private LinuxNames() {}

  /** One BIT_MASK_DESCR entry. */
  record Bit(int mask, String name) {}

  /** irqdata_states: the dstate word (IRQD_* and the IRQ_TYPE_* trigger bits). */
  static final List<Bit> IRQD = List.of(
      new Bit(0x1, "IRQ_TYPE_EDGE_RISING"),
      new Bit(0x2, "IRQ_TYPE_EDGE_FALLING"),
      new Bit(0x4, "IRQ_TYPE_LEVEL_HIGH"),
      new Bit(0x8, "IRQ_TYPE_LEVEL_LOW"),
      new Bit(IrqdState.LEVEL, "IRQD_LEVEL"),
      new Bit(IrqdState.ACTIVATED, "IRQD_ACTIVATED"),
      new Bit(IrqdState.IRQ_STARTED, "IRQD_IRQ_STARTED"),
      new Bit(IrqdState.IRQ_DISABLED, "IRQD_IRQ_DISABLED"),
      new Bit(IrqdState.IRQ_MASKED, "IRQD_IRQ_MASKED"),
      new Bit(IrqdState.IRQ_INPROGRESS, "IRQD_IRQ_INPROGRESS"),
      new Bit(IrqdState.PER_CPU, "IRQD_PER_CPU"),
      new Bit(IrqdState.NO_BALANCING, "IRQD_NO_BALANCING"),
      new Bit(IrqdState.SINGLE_TARGET, "IRQD_SINGLE_TARGET"),
      new Bit(IrqdState.MOVE_PCNTXT, "IRQD_MOVE_PCNTXT"),
      new Bit(IrqdState.AFFINITY_SET, "IRQD_AFFINITY_SET"),
      new Bit(IrqdState.SETAFFINITY_PENDING, "IRQD_SETAFFINITY_PENDING"),
      new Bit(IrqdState.AFFINITY_MANAGED, "IRQD_AFFINITY_MANAGED"),
      new Bit(IrqdState.AFFINITY_ON_ACTIVATE, "IRQD_AFFINITY_ON_ACTIVATE"),
      new Bit(IrqdState.MANAGED_SHUTDOWN, "IRQD_MANAGED_SHUTDOWN"),
      new Bit(IrqdState.CAN_RESERVE, "IRQD_CAN_RESERVE"),
      new Bit(IrqdState.FORWARDED_TO_VCPU, "IRQD_FORWARDED_TO_VCPU"),
      new Bit(IrqdState.WAKEUP_STATE, "IRQD_WAKEUP_STATE"),
      new Bit(IrqdState.WAKEUP_ARMED, "IRQD_WAKEUP_ARMED"),
      new Bit(IrqdState.DEFAULT_TRIGGER_SET, "IRQD_DEFAULT_TRIGGER_SET"),
      new Bit(IrqdState.HANDLE_ENFORCE_IRQCTX, "IRQD_HANDLE_ENFORCE_IRQCTX"),
      new Bit(IrqdState.IRQ_ENABLED_ON_SUSPEND, "IRQD_IRQ_ENABLED_ON_SUSPEND"),
      new Bit(IrqdState.RESEND_WHEN_IN_PROGRESS, "IRQD_RESEND_WHEN_IN_PROGRESS"));

  /** irqdesc_states: desc->status_use_accessors (include/linux/irq.h IRQ_* settings). */
  static final List<Bit> STATUS = List.of(
      new Bit(1 << 10, "_IRQ_NOPROBE"),
      new Bit(1 << 11, "_IRQ_NOREQUEST"),
      new Bit(1 << 16, "_IRQ_NOTHREAD"),
      new Bit(1 << 12, "_IRQ_NOAUTOEN"),
      new Bit(1 << 15, "_IRQ_NESTED_THREAD"),
      new Bit(1 << 17, "_IRQ_PER_CPU_DEVID"),
      new Bit(1 << 18, "_IRQ_IS_POLLED"),
      new Bit(1 << 19, "_IRQ_DISABLE_UNLAZY"),
      new Bit(1 << 20, "_IRQ_HIDDEN"));

  /** irqdesc_istates: desc->istate (kernel/irq/internals.h IRQS_*). */
  static final List<Bit> ISTATE = List.of(
      new Bit(0x1, "IRQS_AUTODETECT"),
      new Bit(0x2, "IRQS_SPURIOUS_DISABLED"),
      new Bit(0x8, "IRQS_POLL_INPROGRESS"),
      new Bit(0x20, "IRQS_ONESHOT"),
      new Bit(0x40, "IRQS_REPLAY"),
      new Bit(0x80, "IRQS_WAITING"),
      new Bit(0x200, "IRQS_PENDING"),
      new Bit(0x800, "IRQS_SUSPENDED"),
      new Bit(0x2000, "IRQS_NMI"));

  /** irqchip_flags: chip->flags (IRQCHIP_*); 6.12 has no entry for AFFINITY_PRE_STARTUP (1 << 10). */
  static final List<Bit> IRQCHIP = List.of(
      new Bit(1, "IRQCHIP_SET_TYPE_MASKED"),
      new Bit(1 << 1, "IRQCHIP_EOI_IF_HANDLED"),
      new Bit(1 << 2, "IRQCHIP_MASK_ON_SUSPEND"),
      new Bit(1 << 3, "IRQCHIP_ONOFFLINE_ENABLED"),
      new Bit(1 << 4, "IRQCHIP_SKIP_SET_WAKE"),
      new Bit(1 << 5, "IRQCHIP_ONESHOT_SAFE"),
      new Bit(1 << 6, "IRQCHIP_EOI_THREADED"),
      new Bit(1 << 7, "IRQCHIP_SUPPORTS_LEVEL_MSI"),
      new Bit(1 << 8, "IRQCHIP_SUPPORTS_NMI"),
      new Bit(1 << 9, "IRQCHIP_ENABLE_WAKEUP_ON_SUSPEND"),
      new Bit(1 << 11, "IRQCHIP_IMMUTABLE"));

  /** irqdomain_flags: domain->flags (IRQ_DOMAIN_*). */
  static final List<Bit> DOMAIN = List.of(
      new Bit(1, "IRQ_DOMAIN_FLAG_HIERARCHY"),
      new Bit(1 << 1, "IRQ_DOMAIN_NAME_ALLOCATED"),
      new Bit(1 << 2, "IRQ_DOMAIN_FLAG_IPI_PER_CPU"),
      new Bit(1 << 3, "IRQ_DOMAIN_FLAG_IPI_SINGLE"),
      new Bit(1 << 4, "IRQ_DOMAIN_FLAG_MSI"),
      new Bit(1 << 5, "IRQ_DOMAIN_FLAG_ISOLATED_MSI"),
      new Bit(1 << 6, "IRQ_DOMAIN_FLAG_NO_MAP"),
      new Bit(1 << 8, "IRQ_DOMAIN_FLAG_MSI_PARENT"),
      new Bit(1 << 9, "IRQ_DOMAIN_FLAG_MSI_DEVICE"),
      new Bit(1 << 16, "IRQ_DOMAIN_FLAG_NONCORE"));

  /** The names of the bits set in {@code value}, in table order. */
  static List<String> names(int value, List<Bit> table) {
    List<String> out = new ArrayList<>();
    for (Bit b : table) {
      if ((value & b.mask()) != 0) {
        out.add(b.name());
      }
    }
    return out;
  }

  /** irq_debug_show_bits(): one "%*s%s\n" line per set bit, indented {@code ind + 12}. */
  static void showBits(StringBuilder sb, int ind, int value, List<Bit> table) {
    for (String n : names(value, table)) {
      sb.append(Fmt.spaces(ind + 12)).append(n).append('\n');
    }
  }
}
