package irqlab.kernel.drivers;

import irqlab.kernel.Kernel;
import irqlab.kernel.irq.IrqAction;
import irqlab.kernel.irq.IrqReturn;

/**
 * The ISA interrupt users of the reference guests, as their drivers request them: the PIT timer
 * on irq 0 (arch/x86/kernel/time.c, IRQF_NOBALANCING | IRQF_IRQPOLL | IRQF_TIMER), the ACPI SCI
 * on irq 9 (drivers/acpi/osl.c, threaded, IRQF_SHARED | IRQF_ONESHOT), the i8042 AUX and KBD
 * ports on 12 and 1 (IRQF_SHARED), the CMOS RTC on 8 (rtc0) and the first 8250 UART on 4 (ttyS0).
 * irqlab has no model of these devices, so their lines never fire; they hold their vectors and
 * rows as on the reference machines.
 */
public final class IsaDrivers {
  private final Kernel k;

  public IsaDrivers(Kernel k) {
    this.k = k;
  }

  /** What the kernel requests during boot, before the device initcalls: the timer and the SCI. */
  public void early() {
    request(0, IrqAction.IRQF_NOBALANCING | IrqAction.IRQF_IRQPOLL | IrqAction.IRQF_TIMER, "timer", IrqReturn.HANDLED);
    request(9, IrqAction.IRQF_SHARED | IrqAction.IRQF_ONESHOT, "acpi", IrqReturn.NONE);
  }

  /**
   * The later ones: i8042 (i8042_check_aux requests and frees the AUX line to test it, then the
   * AUX and KBD ports request theirs), rtc_cmos, and the serial console once opened: the 8250
   * shares its line (IRQ sharing enabled) and, for its THRE test, disables and enables it
   * (serial8250_do_startup), which marks the line _IRQ_NOPROBE (__enable_irq).
   */
  public void late() {
    request(12, IrqAction.IRQF_SHARED, "i8042", IrqReturn.NONE);
    k.manage().freeIrq(12, "i8042");
    request(12, IrqAction.IRQF_SHARED, "i8042", IrqReturn.NONE);
    request(1, IrqAction.IRQF_SHARED, "i8042", IrqReturn.NONE);
    request(8, 0, "rtc0", IrqReturn.NONE);
    request(4, IrqAction.IRQF_SHARED, "ttyS0", IrqReturn.NONE);
    k.manage().disableIrqNosync(4);
    k.manage().enableIrq(4);
  }

  private void request(int irq, int flags, String name, IrqReturn ret) {
    k.manage().requestIrq(irq, (i, devId) -> ret, flags, name, name);
  }
}
