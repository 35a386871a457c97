package irqlab.kernel.irq;

import irqlab.kernel.Kernel;

/**
 * chip_bus_lock / chip_bus_sync_unlock (kernel/irq/internals.h): the slow-bus bracket manage.c
 * puts around request_irq (__setup_irq), free_irq (__free_irq, twice), enable_irq and
 * disable_irq(_nosync) (irq_get_desc_buslock / irq_put_desc_busunlock). Only the top-level chip
 * counts (desc->irq_data.chip). The bracket sits outside the descriptor's raw spinlock because
 * bus_lock takes a mutex and bus_sync_unlock waits for the bus: both sleep, so a bracket entered
 * from atomic context (a hard interrupt, interrupts off, a raw spinlock held) is reported as
 * sleeping in atomic context. A chip without the ops costs nothing: no point, no check.
 */
public final class ChipBusLock {
  private ChipBusLock() {}

  /** True when {@code chip} hangs behind a slow bus (has bus_lock or bus_sync_unlock). */
  public static boolean slowBus(IrqChip chip) {
    return chip != null && (chip.has(IrqChip.Op.BUS_LOCK) || chip.has(IrqChip.Op.BUS_SYNC_UNLOCK));
  }

  /** chip_bus_lock(desc), on behalf of {@code caller} (the manage.c function, for the report). */
  public static void lock(Kernel k, IrqDesc desc, String caller) {
    IrqData d = desc.data();
    IrqChip chip = d.chip();
    if (!slowBus(chip)) {
      return;
    }
    k.mightSleep(caller + ": chip_bus_lock(" + chip.name() + ")");
    if (chip.has(IrqChip.Op.BUS_LOCK)) {
      chip.busLock(d);
    }
  }

  /** chip_bus_sync_unlock(desc): the chip makes what changed since {@link #lock} effective. */
  public static void syncUnlock(Kernel k, IrqDesc desc) {
    IrqData d = desc.data();
    IrqChip chip = d.chip();
    if (chip != null && chip.has(IrqChip.Op.BUS_SYNC_UNLOCK)) {
      chip.busSyncUnlock(d);
    }
  }
}
