package irqlab.kernel;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.hw.devices.QueueDevice;
import irqlab.kernel.irq.IrqDesc;
import irqlab.kernel.x86.ApicChipData;
import irqlab.kernel.x86.VectorDomain;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import java.util.ArrayList;
import java.util.List;

/** A booted machine and the steps hotplug tests take on it: kernel calls, device work, time. */
final class HotplugRig {
  final Machine m;
  final Kernel k;

  HotplugRig(String yaml) {
    m = TestMachines.boot(yaml, 1);
    k = m.kernel();
  }

  /** Runs {@code r} as a kernel task on CPU 0 now (as timeline actions run); returns its error. */
  KernelException onTask(Runnable r) {
    return TestMachines.onTaskError(m, r);
  }

  KernelException cpuDown(int cpu) {
    return onTask(() -> k.smpBoot().cpuDown(cpu));
  }

  KernelException cpuUp(int cpu) {
    return onTask(() -> k.smpBoot().cpuUp(cpu));
  }

  QueueDevice dev(String id) {
    return m.binding(id).device();
  }

  /** The device completes one work item on {@code queue} now, from its own actor. */
  void complete(String id, int queue) {
    QueueDevice d = dev(id);
    k.exec().schedule(Event.of(k.exec().newActor(id + "-work", Actor.Kind.DEVICE, -1), () -> d.complete(queue)),
        k.exec().now());
    TestMachines.rt(m).runUntil(k.exec().now());
  }

  /** Lets {@code ns} of virtual time pass (timers such as the vector cleanup run). */
  void advance(long ns) {
    TestMachines.rt(m).runUntil(k.exec().now() + ns);
  }

  int irq(String name) {
    return m.interruptNames().get(name);
  }

  IrqDesc desc(String name) {
    return k.descs().get(irq(name));
  }

  ApicChipData apic(String name) {
    return VectorDomain.apicChipData(desc(name).data());
  }

  long delivered(String name) {
    IrqDesc d = desc(name);
    long s = 0;
    for (int c = 0; c < k.nrCpus(); c++) {
      s += d.count(c);
    }
    return s;
  }

  List<String> log() {
    List<String> l = new ArrayList<>();
    k.log().lines().forEach(x -> l.add(x.text()));
    return l;
  }
}
