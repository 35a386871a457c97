package irqlab.kernel.irq;

import irqlab.kernel.Kernel;
import irqlab.kernel.KernelObserver;
import irqlab.kernel.KernelProfile;
import irqlab.kernel.domain.IrqDomains;
import java.util.List;

/**
 * The chip-level state machine of kernel/irq/chip.c and the handler invocation of handle.c:
 * startup/shutdown, lazy disable, mask bookkeeping and handle_edge_irq.
 */
public final class ChipFlow {
  /** IRQ_RESEND / IRQ_NORESEND for irq_startup. */
  public static final boolean RESEND = true;

  private final Kernel k;
  private final FlowHandler edge;
  private final FlowHandler fasteoi;
  private final FlowHandler level;
  private final FlowHandler untracked;
  private boolean warnedNotActivated;

  public ChipFlow(Kernel k) {
    this.k = k;
    this.edge = FlowHandler.of("handle_edge_irq", this::handleEdgeIrq);
    this.fasteoi = FlowHandler.of("handle_fasteoi_irq", this::handleFasteoiIrq);
    this.untracked = FlowHandler.of("handle_untracked_irq", this::handleUntrackedIrq);
    this.level = FlowHandler.of("handle_level_irq", this::handleLevelIrq);
  }

  /** handle_fasteoi_irq, installed by the IO-APIC for level lines with the name "fasteoi". */
  public FlowHandler fasteoiHandler() {
    return fasteoi;
  }

  /** handle_level_irq (the 8259's cascade line, which never fires here). */
  public FlowHandler levelHandler() {
    return level;
  }

  /** handle_edge_irq, installed by MSI domains with the name "edge". */
  public FlowHandler edgeHandler() {
    return edge;
  }

  // ---- masking (chip.c: mask_irq, unmask_irq, mask_ack_irq) ----

  public void maskIrq(IrqDesc desc) {
    IrqData d = desc.data();
    if (d.is(IrqdState.IRQ_MASKED)) {
      return;
    }
    if (d.chip().has(IrqChip.Op.MASK)) {
      d.chip().mask(d);
      d.set(IrqdState.IRQ_MASKED);
    }
  }

  public void unmaskIrq(IrqDesc desc) {
    IrqData d = desc.data();
    if (!d.is(IrqdState.IRQ_MASKED)) {
      return;
    }
    if (d.chip().has(IrqChip.Op.UNMASK)) {
      d.chip().unmask(d);
      d.clear(IrqdState.IRQ_MASKED);
    }
  }

  void maskAckIrq(IrqDesc desc) {
    IrqData d = desc.data();
    if (d.chip() == null) {
      // Torn down (domain free resets the data to no_irq_chip) after this CPU read vector_irq:
      // no_irq_chip's ack is ack_bad_irq, which logs and EOIs (arch/x86/kernel/irq.c).
      k.log().err(String.format("unexpected IRQ trap at vector %02x", desc.irq()));
      k.interruptEntry().apicEoi(k.smpProcessorId());
      return;
    }
    maskIrq(desc);
    if (d.chip().has(IrqChip.Op.ACK)) {
      d.chip().ack(d);
    }
  }

  // ---- enable / disable (chip.c: irq_enable, __irq_disable) ----

  public void irqEnable(IrqDesc desc) {
    IrqData d = desc.data();
    if (!d.is(IrqdState.IRQ_DISABLED)) {
      unmaskIrq(desc);
    } else {
      d.clear(IrqdState.IRQ_DISABLED);
      if (d.chip().has(IrqChip.Op.ENABLE)) {
        d.chip().enable(d);
        d.clear(IrqdState.IRQ_MASKED);
      } else {
        unmaskIrq(desc);
      }
    }
  }

  /**
   * __irq_disable: the line is only marked disabled unless {@code mask} (unlazy, or shutdown);
   * the flow handler masks it when the next interrupt arrives.
   */
  public void irqDisable(IrqDesc desc, boolean mask) {
    IrqData d = desc.data();
    if (d.is(IrqdState.IRQ_DISABLED)) {
      if (mask) {
        maskIrq(desc);
      }
    } else {
      d.set(IrqdState.IRQ_DISABLED);
      if (d.chip().has(IrqChip.Op.DISABLE)) {
        d.chip().disable(d);
        d.set(IrqdState.IRQ_MASKED);
      } else if (mask) {
        maskIrq(desc);
      }
    }
  }

  // ---- startup / shutdown (chip.c: irq_startup, irq_shutdown) ----

  /**
   * irq_startup (chip.c): depth 0, then activate, place and enable the line, and resend. A
   * managed line whose mask has no online CPU is left shut down (IRQ_STARTUP_ABORT) until CPU
   * hotplug brings one back: at depth 0 in 6.12, at depth 1 with 788019eb559f (the 6.16 profile).
   * The model has no IRQF_NO_AUTOEN or S3 callers, so IRQ_START_FORCE and IRQ_START_COND differ
   * only in the WARN_ON_ONCE of __irq_startup_managed, which is not modelled.
   */
  public void irqStartup(IrqDesc desc, boolean resend) {
    IrqData d = desc.data();
    desc.setDepth(0);
    if (d.is(IrqdState.IRQ_STARTED)) {
      irqEnable(desc);
    } else {
      boolean managed = d.is(IrqdState.AFFINITY_MANAGED);
      if (managed) {
        // __irq_startup_managed
        d.clear(IrqdState.MANAGED_SHUTDOWN);
        if (!desc.affinity().intersects(k.onlineMask())) {
          if (k.profile().has(KernelProfile.Behaviour.MANAGED_DEPTH_KEPT)) {
            desc.setDepth(1);
          }
          d.set(IrqdState.MANAGED_SHUTDOWN);
          return;
        }
        IrqDomains.activate(d, false);
        // IRQ_STARTUP_MANAGED: irq_do_set_affinity with the full mask, result ignored as in chip.c.
        doSetAffinityIgnoringErrors(desc, desc.affinity());
        startupChip(desc);
      } else {
        // IRQ_STARTUP_NORMAL: irq_setup_affinity before the chip starts for the chips that need
        // it (IRQCHIP_AFFINITY_PRE_STARTUP: every x86 MSI chip), after it for the others.
        boolean pre = (d.chip().flags() & IrqChip.FLAG_AFFINITY_PRE_STARTUP) != 0;
        if (pre) {
          k.manage().irqSetupAffinity(desc);
        }
        startupChip(desc);
        if (!pre) {
          k.manage().irqSetupAffinity(desc);
        }
      }
    }
    if (resend) {
      k.resend().checkIrqResend(desc, false);
    }
  }

  /** __irq_startup: the chip's startup, or irq_enable. */
  private void startupChip(IrqDesc desc) {
    IrqData d = desc.data();
    if (!d.is(IrqdState.ACTIVATED) && !warnedNotActivated) {
      // WARN_ON_ONCE, "but try nevertheless" (enable_irq after free_irq gets here)
      warnedNotActivated = true;
      k.log().warnOn("WARNING: __irq_startup: irq " + desc.irq() + " is not activated");
    }
    if (d.chip().has(IrqChip.Op.STARTUP)) {
      d.chip().startup(d);
      d.clear(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED);
    } else {
      irqEnable(desc);
    }
    d.set(IrqdState.IRQ_STARTED);
  }

  private void doSetAffinityIgnoringErrors(IrqDesc desc, irqlab.kernel.cpu.CpuMask mask) {
    try {
      k.manage().irqDoSetAffinity(desc, mask, false);
    } catch (irqlab.kernel.KernelException e) {
      // irq_startup does not look at the return value.
    }
  }

  /**
   * irq_shutdown: the line is masked for real and not started; depth is set to 1 in 6.12, and
   * goes up by one with 788019eb559f (the 6.16 profile), so that a managed shutdown on CPU
   * offline keeps a driver's disable. IRQS_REPLAY is left alone: clear_irq_resend only takes the
   * line off the software resend list, which x86 (hardware retrigger) never uses.
   */
  public void irqShutdown(IrqDesc desc) {
    IrqData d = desc.data();
    if (d.is(IrqdState.IRQ_STARTED)) {
      desc.setDepth(k.profile().has(KernelProfile.Behaviour.MANAGED_DEPTH_KEPT) ? desc.depth() + 1 : 1);
      if (d.chip().has(IrqChip.Op.SHUTDOWN)) {
        d.chip().shutdown(d);
        d.set(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED);
      } else {
        irqDisable(desc, true);
      }
      d.clear(IrqdState.IRQ_STARTED);
    }
  }

  /** irq_shutdown_and_deactivate: managed lines keep their activation for a later restart. */
  public void irqShutdownAndDeactivate(IrqDesc desc) {
    irqShutdown(desc);
    IrqDomains.deactivate(desc.data());
  }

  // ---- flow handler ----

  private static boolean irqMayRun(IrqDesc desc) {
    return !desc.data().is(IrqdState.IRQ_INPROGRESS);
  }

  /**
   * KASAN's report of a descriptor used after its memory went: who uses it (the current actor, in
   * {@code where}) and who freed it. Returns true when {@code desc} is freed (the caller stops).
   */
  boolean usedAfterFree(IrqDesc desc, String where) {
    if (!desc.freed()) {
      return false;
    }
    String detail = "irq " + desc.irq() + "'s irq_desc used by " + k.current().name() + " in " + where + ", "
        + desc.freedBy();
    for (KernelObserver o : k.observers()) {
      o.useAfterFree(detail, desc.irq());
    }
    return true;
  }

  /** handle_edge_irq (kernel/irq/chip.c). */
  public void handleEdgeIrq(IrqDesc desc) {
    if (usedAfterFree(desc, "handle_edge_irq")) {
      return;
    }
    desc.lock().lock();
    try {
      desc.clearIstate(IrqsState.REPLAY | IrqsState.WAITING);
      IrqData d = desc.data();
      if (!irqMayRun(desc) || d.is(IrqdState.IRQ_DISABLED) || desc.action() == null) {
        desc.setIstate(IrqsState.PENDING);
        maskAckIrq(desc);
        return;
      }
      desc.countOn(k.smpProcessorId(), k.nrCpus());
      d.chip().ack(d);
      do {
        if (desc.action() == null) {
          maskIrq(desc);
          return;
        }
        if (desc.istate(IrqsState.PENDING)
            && !d.is(IrqdState.IRQ_DISABLED)
            && d.is(IrqdState.IRQ_MASKED)) {
          unmaskIrq(desc);
        }
        handleIrqEvent(desc);
      } while (desc.istate(IrqsState.PENDING) && !d.is(IrqdState.IRQ_DISABLED));
    } finally {
      desc.lock().unlock();
    }
  }

  /**
   * handle_fasteoi_irq (kernel/irq/chip.c): a line in progress elsewhere, disabled or without
   * action is EOIed (masked when disabled or without action, PENDING remembered); otherwise the
   * actions run (a ONESHOT line masked around them) and the chip gets its EOI (and the unmask).
   */
  public void handleFasteoiIrq(IrqDesc desc) {
    if (usedAfterFree(desc, "handle_fasteoi_irq")) {
      return;
    }
    IrqData d = desc.data();
    IrqChip chip = d.chip();
    desc.lock().lock();
    try {
      if (!irqMayRun(desc)) {
        if (d.is(IrqdState.RESEND_WHEN_IN_PROGRESS)) {
          desc.setIstate(IrqsState.PENDING);
        }
        eoiUnlessHandledOnly(chip, d);
        return;
      }
      desc.clearIstate(IrqsState.REPLAY | IrqsState.WAITING);
      if (desc.action() == null || d.is(IrqdState.IRQ_DISABLED)) {
        desc.setIstate(IrqsState.PENDING);
        maskIrq(desc);
        eoiUnlessHandledOnly(chip, d);
        return;
      }
      desc.countOn(k.smpProcessorId(), k.nrCpus());
      if (desc.istate(IrqsState.ONESHOT)) {
        maskIrq(desc);
      }
      handleIrqEvent(desc);
      condUnmaskEoiIrq(desc, chip);
      if (desc.istate(IrqsState.PENDING)) {
        k.resend().checkIrqResend(desc, false);
      }
    } finally {
      desc.lock().unlock();
    }
  }

  private static void eoiUnlessHandledOnly(IrqChip chip, IrqData d) {
    if ((chip.flags() & IrqChip.FLAG_EOI_IF_HANDLED) == 0) {
      chip.eoi(d);
    }
  }

  /** cond_unmask_eoi_irq: handlers run to completion here (no threads), so a ONESHOT line unmasks. */
  private void condUnmaskEoiIrq(IrqDesc desc, IrqChip chip) {
    IrqData d = desc.data();
    if (!desc.istate(IrqsState.ONESHOT)) {
      chip.eoi(d);
      return;
    }
    if (!d.is(IrqdState.IRQ_DISABLED) && d.is(IrqdState.IRQ_MASKED)) {
      chip.eoi(d);
      unmaskIrq(desc);
    } else if ((chip.flags() & IrqChip.FLAG_EOI_THREADED) == 0) {
      chip.eoi(d);
    }
  }

  /**
   * handle_untracked_irq (kernel/irq/chip.c): for demultiplexed interrupts such as a VMD's
   * children. Runs the actions like handle_simple_irq but counts nothing: no kstat (the line reads
   * 0 in /proc/interrupts, its parent has the counts) and no note_interrupt. No ack, mask or
   * unmask: the caller owns the hardware. A line in progress elsewhere is skipped; a disabled one
   * or one without action is marked pending.
   */
  public void handleUntrackedIrq(IrqDesc desc) {
    if (usedAfterFree(desc, "handle_untracked_irq")) {
      return;
    }
    desc.lock().lock();
    if (usedAfterFree(desc, "handle_untracked_irq, raw_spin_lock(&desc->lock)")) {
      desc.lock().unlock();
      return;
    }
    try {
      if (!irqMayRun(desc)) {
        return;
      }
      if (!readyToHandle(desc)) {
        return;
      }
      desc.clearIstate(IrqsState.PENDING);
      desc.data().set(IrqdState.IRQ_INPROGRESS);
      desc.lock().unlock();
      try {
        // __handle_irq_event_percpu: every action runs; observers hear of the run, no counts.
        IrqReturn ret = IrqReturn.NONE;
        for (IrqAction a = desc.action(); a != null; a = a.next()) {
          IrqReturn r = a.handler().handle(desc.irq(), a.devId());
          if (ret == IrqReturn.NONE) {
            ret = r;
          }
        }
        int cpu = k.smpProcessorId();
        List<KernelObserver> observers = k.observers();
        for (int i = 0, n = observers.size(); i < n; i++) {
          observers.get(i).handledUntracked(desc, cpu, ret);
        }
      } finally {
        desc.lock().lock();
      }
      desc.data().clear(IrqdState.IRQ_INPROGRESS);
    } finally {
      desc.lock().unlock();
    }
  }

  /**
   * What handle_level_irq and handle_untracked_irq do before the actions: the line is no longer
   * waiting or replayed; without an action, or disabled, it is marked pending and not handled.
   */
  private static boolean readyToHandle(IrqDesc desc) {
    desc.clearIstate(IrqsState.REPLAY | IrqsState.WAITING);
    if (desc.action() == null || desc.data().is(IrqdState.IRQ_DISABLED)) {
      desc.setIstate(IrqsState.PENDING);
      return false;
    }
    return true;
  }

  /** The flow handler handle_untracked_irq, as a demultiplexer installs it (with no name). */
  public FlowHandler untrackedHandler() {
    return untracked;
  }

  /**
   * generic_handle_irq (kernel/irq/irqdesc.c): irq_to_desc, then handle_irq_desc, which calls the
   * descriptor's flow handler. A number with no descriptor (freed and gone from the table) is
   * -EINVAL, which callers such as vmd_irq ignore. Between the look-up and the handler's first use
   * of the descriptor another CPU may free it: safe while the caller is an RCU reader (a hard
   * interrupt) and descriptors are freed after a grace period.
   */
  public int genericHandleIrq(int irq) {
    k.exec().point("irq_to_desc", k.descs().sparseIrqs(), irq, irqlab.exec.Access.READ);
    IrqDesc desc = k.descs().get(irq);
    if (desc == null) {
      return -irqlab.kernel.Errno.EINVAL.number();
    }
    k.exec().point("handle_irq_desc", k.descs().descMemory(), IrqDescTable.memoryOffset(desc), irqlab.exec.Access.READ);
    if (usedAfterFree(desc, "handle_irq_desc (generic_handle_irq(" + irq + "))")) {
      return 0;
    }
    desc.handler().handle(desc);
    return 0;
  }

  /** handle_level_irq: mask and ack first, run, unmask unless disabled. */
  public void handleLevelIrq(IrqDesc desc) {
    desc.lock().lock();
    try {
      maskAckIrq(desc);
      if (!irqMayRun(desc)) {
        return;
      }
      if (!readyToHandle(desc)) {
        return;
      }
      desc.countOn(k.smpProcessorId(), k.nrCpus());
      handleIrqEvent(desc);
      if (!desc.data().is(IrqdState.IRQ_DISABLED)) {
        unmaskIrq(desc);
      }
    } finally {
      desc.lock().unlock();
    }
  }

  /** handle_irq_event (kernel/irq/handle.c): runs the action with the descriptor lock dropped. */
  void handleIrqEvent(IrqDesc desc) {
    desc.clearIstate(IrqsState.PENDING);
    desc.data().set(IrqdState.IRQ_INPROGRESS);
    desc.lock().unlock();
    IrqReturn ret;
    try {
      // __handle_irq_event_percpu: every action of a shared line runs; any claim counts.
      ret = IrqReturn.NONE;
      for (IrqAction a = desc.action(); a != null; a = a.next()) {
        IrqReturn r = a.handler().handle(desc.irq(), a.devId());
        if (ret == IrqReturn.NONE) {
          ret = r;
        }
      }
      int cpu = k.smpProcessorId();
      // The spurious count is note_interrupt's, which skips the poller's runs (POLL_INPROGRESS).
      if (ret == IrqReturn.NONE && !desc.istate(IrqsState.POLL_INPROGRESS)) {
        desc.countUnhandledOn(cpu, k.nrCpus());
      }
      // Indexed, not for-each: the iterator was allocated on every interrupt (not scalarized).
      List<KernelObserver> observers = k.observers();
      for (int i = 0, n = observers.size(); i < n; i++) {
        observers.get(i).handled(desc, cpu, ret);
      }
      k.spurious().noteInterrupt(desc, ret);
    } finally {
      desc.lock().lock();
    }
    desc.data().clear(IrqdState.IRQ_INPROGRESS);
  }
}
