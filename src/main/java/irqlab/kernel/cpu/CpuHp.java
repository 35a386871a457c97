package irqlab.kernel.cpu;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The driver-registered states of the CPU hotplug state machine (kernel/cpu.c,
 * include/linux/cpuhotplug.h): multi-instance states whose callbacks run when a CPU goes down
 * (teardown, highest state first) and comes up (startup, lowest first). Only the states irqlab's
 * drivers use; the core's own steps (the interrupt affinity restart, stop_machine) stay in
 * SmpBoot at their place in the same order.
 */
public final class CpuHp {
  /** States in include/linux/cpuhotplug.h order. */
  public enum State {
    /** virtio_net's dead callback (virtnet_cpu_dead), on the control CPU after the CPU died. */
    VIRT_NET_DEAD(false),
    /** blk-mq's software queue flush (blk_mq_hctx_notify_dead). */
    BLK_MQ_DEAD(false),
    /** blk-mq's hardware queue state (blk_mq_hctx_notify_online / _offline). */
    AP_BLK_MQ_ONLINE(true),
    /** Dynamic AP states, e.g. "virtio/net:online". */
    AP_ONLINE_DYN(true);

    private final boolean ap;

    State(boolean ap) {
      this.ap = ap;
    }

    /** An AP state runs while the CPU is (still) online; the others in the prepare section. */
    public boolean ap() {
      return ap;
    }
  }

  /** One registered instance's callbacks; null-safe defaults do nothing. */
  public interface Instance {
    default void startup(int cpu) {}

    default void teardown(int cpu) {}
  }

  private final Map<State, List<Instance>> instances = new EnumMap<>(State.class);

  /** cpuhp_state_add_instance_nocalls. */
  public void addInstance(State state, Instance i) {
    instances.computeIfAbsent(state, s -> new ArrayList<>()).add(i);
  }

  /** cpuhp_state_remove_instance_nocalls. */
  public void removeInstance(State state, Instance i) {
    List<Instance> l = instances.get(state);
    if (l != null) {
      l.remove(i);
    }
  }

  /** The teardown callbacks of the AP states, highest state first, before the CPU is stopped. */
  public void teardownAp(int cpu) {
    State[] all = State.values();
    for (int s = all.length - 1; s >= 0; s--) {
      if (all[s].ap()) {
        run(all[s], cpu, false);
      }
    }
  }

  /** The startup callbacks of the AP states, lowest first, once the CPU is online again (or rolled back). */
  public void startupAp(int cpu) {
    for (State s : State.values()) {
      if (s.ap()) {
        run(s, cpu, true);
      }
    }
  }

  /** The teardown callbacks of the prepare states, highest first, on the control CPU after the CPU died. */
  public void teardownDead(int cpu) {
    State[] all = State.values();
    for (int s = all.length - 1; s >= 0; s--) {
      if (!all[s].ap()) {
        run(all[s], cpu, false);
      }
    }
  }

  private void run(State state, int cpu, boolean up) {
    List<Instance> l = instances.get(state);
    if (l == null) {
      return;
    }
    for (Instance i : List.copyOf(l)) {
      if (up) {
        i.startup(cpu);
      } else {
        i.teardown(cpu);
      }
    }
  }
}
