package irqlab.kernel;

import irqlab.exec.Exec;
import java.util.ArrayList;
import java.util.List;

/** The kernel ring buffer (dmesg): lines stamped with virtual time as printk prints them. */
public final class KernelLog {
  /** One printk line. */
  public record Line(long timeNs, String level, String text) {
    /** "[    0.012345] text", dmesg's default form. */
    public String formatted() {
      long us = timeNs / 1000;
      return String.format("[%5d.%06d] %s", us / 1_000_000, us % 1_000_000, text);
    }
  }

  /** A virtual time as printk stamps it, in seconds: {@code 0.012345s}. */
  public static String stamp(long timeNs) {
    long us = timeNs / 1000;
    return String.format("%d.%06ds", us / 1_000_000, us % 1_000_000);
  }

  private final Exec exec;
  private final List<Line> lines = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private final List<KernelObserver> observers;

  KernelLog(Exec exec, List<KernelObserver> observers) {
    this.exec = exec;
    this.observers = observers;
  }

  public void info(String text) {
    add("info", text);
  }

  /** pr_debug: printed here as if dynamic debug were on for the call site. */
  public void debug(String text) {
    add("debug", text);
  }

  public void warn(String text) {
    add("warn", text);
  }

  /**
   * WARN()/WARN_ON(): a warning level line, counted apart from pr_warn's so that callers can tell
   * that the kernel found itself misused (an unbalanced enable_irq, a double free_irq).
   */
  public void warnOn(String text) {
    warnings.add(text);
    add("warn", text);
  }

  /** How many WARN()s fired so far. */
  public int warnings() {
    return warnings.size();
  }

  /** The texts of the WARN()s from the {@code from}-th on. */
  public List<String> warningsSince(int from) {
    return List.copyOf(warnings.subList(from, warnings.size()));
  }

  public void err(String text) {
    add("err", text);
  }

  public void emerg(String text) {
    add("emerg", text);
  }

  private void add(String level, String text) {
    Line l = new Line(exec.now(), level, text);
    lines.add(l);
    for (KernelObserver o : observers) {
      o.printk(l);
    }
  }

  public List<Line> lines() {
    return List.copyOf(lines);
  }
}
