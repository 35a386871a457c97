package irqlab.sim.devices;

import irqlab.exec.Exec;
import irqlab.hw.PlatformBus;
import irqlab.hw.devices.WorkObserver;
import irqlab.kernel.Kernel;
import irqlab.scenario.Scenario;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * What device types build with on one machine: the runtime, the platform bus, the booted
 * kernel, the oracle's ears, the action log, and state a type keeps per machine (the
 * accelerators' shared queue memory, the order network interfaces register in).
 */
public final class BuildContext {
  private final Scenario scenario;
  private final Exec exec;
  private final PlatformBus bus;
  private final Kernel kernel;
  private final WorkObserver work;
  private final Verdicts verdicts;
  private final BiConsumer<Long, String> log;
  private final Map<Class<?>, Object> shared = new LinkedHashMap<>();

  public BuildContext(Scenario scenario, Exec exec, PlatformBus bus, Kernel kernel, WorkObserver work,
      Verdicts verdicts, BiConsumer<Long, String> log) {
    this.scenario = scenario;
    this.exec = exec;
    this.bus = bus;
    this.kernel = kernel;
    this.work = work;
    this.verdicts = verdicts;
    this.log = log;
  }

  public Scenario scenario() {
    return scenario;
  }

  public Exec exec() {
    return exec;
  }

  public PlatformBus bus() {
    return bus;
  }

  public Kernel kernel() {
    return kernel;
  }

  /** The oracle's view of device work. */
  public WorkObserver work() {
    return work;
  }

  public Verdicts verdicts() {
    return verdicts;
  }

  /** Adds a line to the machine's action log at virtual time {@code t}. */
  public void log(long t, String line) {
    log.accept(t, line);
  }

  /** The machine's one instance of {@code type}, made by {@code make} on first use. */
  public <T> T shared(Class<T> type, Supplier<T> make) {
    return type.cast(shared.computeIfAbsent(type, c -> make.get()));
  }
}
