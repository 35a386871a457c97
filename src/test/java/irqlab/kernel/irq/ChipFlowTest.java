package irqlab.kernel.irq;

import static org.assertj.core.api.Assertions.assertThat;

import irqlab.exec.Actor;
import irqlab.exec.Event;
import irqlab.kernel.Errno;
import irqlab.kernel.Kernel;
import irqlab.kernel.KernelLog;
import irqlab.kernel.cpu.CpuMask;
import irqlab.sim.Machine;
import irqlab.sim.TestMachines;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The flow handlers and line state machine of kernel/irq/chip.c, on a line of its own whose chip
 * records every callback: which chip calls each flow makes, in which order around the handler,
 * and the IRQS_PENDING / IRQD_IRQ_MASKED / IRQD_IRQ_DISABLED bookkeeping, for handle_edge_irq,
 * handle_fasteoi_irq, handle_level_irq and handle_untracked_irq, and for irq_startup,
 * irq_shutdown, irq_enable and __irq_disable with and without the optional callbacks.
 */
class ChipFlowTest {
  private final Machine m = TestMachines.boot(TestMachines.nic(2, 1, "none", null), 1);
  private final Kernel k = m.kernel();
  private final ChipFlow flow = k.chipFlow();
  /** Chip callbacks and handler runs, in order. */
  private final List<String> calls = new ArrayList<>();
  private IrqDesc desc;

  @AfterEach
  void close() {
    m.close();
  }

  /** A chip with the callbacks in {@code ops} (recorded) and the IRQCHIP_* {@code flags}. */
  private class Rec extends IrqChip {
    private final Set<Op> ops;

    Rec(int flags, Op... ops) {
      super("rec", flags);
      this.ops = ops.length == 0 ? EnumSet.noneOf(Op.class) : EnumSet.of(ops[0], ops);
    }

    @Override
    public boolean has(Op op) {
      return ops.contains(op);
    }

    private void rec(Op op) {
      assertThat(ops).as("callback %s of a chip without it", op).contains(op);
      calls.add(op.name().toLowerCase());
    }

    @Override
    public void startup(IrqData d) {
      rec(Op.STARTUP);
    }

    @Override
    public void shutdown(IrqData d) {
      rec(Op.SHUTDOWN);
    }

    @Override
    public void enable(IrqData d) {
      rec(Op.ENABLE);
    }

    @Override
    public void disable(IrqData d) {
      rec(Op.DISABLE);
    }

    @Override
    public void ack(IrqData d) {
      rec(Op.ACK);
    }

    @Override
    public void mask(IrqData d) {
      rec(Op.MASK);
    }

    @Override
    public void unmask(IrqData d) {
      rec(Op.UNMASK);
    }

    @Override
    public void eoi(IrqData d) {
      rec(Op.EOI);
    }

    @Override
    public boolean retrigger(IrqData d) {
      rec(Op.RETRIGGER);
      return true;
    }

    @Override
    public int setAffinity(IrqData d, CpuMask dest, boolean force) {
      rec(Op.SET_AFFINITY);
      return SET_MASK_OK;
    }
  }

  private static final IrqChip.Op[] ALL = {IrqChip.Op.MASK, IrqChip.Op.UNMASK, IrqChip.Op.ACK, IrqChip.Op.EOI,
      IrqChip.Op.RETRIGGER};

  /** A started, activated line on {@code chip} with one action whose handler runs {@code body}. */
  private IrqDesc line(IrqChip chip, Runnable body) {
    int irq = k.descs().allocate(k.descs().dynamicLowerBound(), 1, d -> new IrqData(d, null), CpuMask.first(2));
    desc = k.descs().get(irq);
    desc.data().set(0, chip, null);
    // desc_set_defaults leaves a new line disabled and masked at depth 1; started, it is neither.
    desc.data().clear(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED);
    desc.data().set(IrqdState.ACTIVATED | IrqdState.IRQ_STARTED);
    desc.setDepth(0);
    desc.setAction(new IrqAction(irq, (n, dev) -> {
      calls.add("handler");
      body.run();
      return IrqReturn.HANDLED;
    }, 0, "rec", this));
    return desc;
  }

  private IrqDesc line(IrqChip chip) {
    return line(chip, () -> {});
  }

  /** Runs {@code r} on CPU 0 with interrupts off, as the interrupt entry calls a flow handler. */
  private void onCpu0(Runnable r) {
    Actor a = k.exec().newActor("cpu0", Actor.Kind.TASK, 0);
    k.exec().schedule(Event.of(a, () -> {
      boolean f = k.localIrqSave();
      try {
        r.run();
      } finally {
        k.localIrqRestore(f);
      }
    }), k.exec().now());
    TestMachines.rt(m).runToQuiescence();
  }

  private void fire(FlowHandler h) {
    calls.clear();
    onCpu0(() -> h.handle(desc));
  }

  private boolean is(int irqd) {
    return desc.data().is(irqd);
  }

  // ---- handle_fasteoi_irq ----

  @Test
  void fasteoiRunsTheHandlerThenEois() {
    line(new Rec(0, ALL));
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("handler", "eoi");
    assertThat(desc.count(0)).isEqualTo(1);
    assertThat(is(IrqdState.IRQ_INPROGRESS)).isFalse();
    assertThat(desc.istate(IrqsState.PENDING)).isFalse();
  }

  @Test
  void fasteoiMasksAOneshotLineAroundTheHandler() {
    line(new Rec(0, ALL));
    desc.setIstate(IrqsState.ONESHOT);
    fire(flow.fasteoiHandler());
    // cond_unmask_eoi_irq: not disabled and masked, so eoi then unmask.
    assertThat(calls).containsExactly("mask", "handler", "eoi", "unmask");
    assertThat(is(IrqdState.IRQ_MASKED)).isFalse();
  }

  @Test
  void aOneshotLineDisabledByItsHandlerStaysMaskedAndIsEoidUnlessTheChipEoisThreaded() {
    line(new Rec(0, ALL), () -> desc.data().set(IrqdState.IRQ_DISABLED));
    desc.setIstate(IrqsState.ONESHOT);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("mask", "handler", "eoi");
    assertThat(is(IrqdState.IRQ_MASKED)).isTrue();

    line(new Rec(IrqChip.FLAG_EOI_THREADED, ALL), () -> desc.data().set(IrqdState.IRQ_DISABLED));
    desc.setIstate(IrqsState.ONESHOT);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("mask", "handler");
  }

  @Test
  void aOneshotLineNotMaskedAfterTheHandlerIsOnlyEoid() {
    // The chip cannot mask: the line never reads masked, so cond_unmask_eoi_irq only EOIs.
    line(new Rec(0, IrqChip.Op.EOI));
    desc.setIstate(IrqsState.ONESHOT);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("handler", "eoi");
  }

  @Test
  void fasteoiOnADisabledLineMasksMarksPendingAndEois() {
    line(new Rec(0, ALL));
    desc.data().set(IrqdState.IRQ_DISABLED);
    desc.setIstate(IrqsState.REPLAY | IrqsState.WAITING);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("mask", "eoi");
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
    assertThat(desc.istate(IrqsState.REPLAY | IrqsState.WAITING)).isFalse();
    assertThat(is(IrqdState.IRQ_MASKED)).isTrue();
    assertThat(desc.count(0)).isZero();
  }

  @Test
  void fasteoiWithoutActionMasksMarksPendingAndEois() {
    line(new Rec(0, ALL));
    desc.setAction(null);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("mask", "eoi");
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
  }

  @Test
  void fasteoiOnALineInProgressElsewhereOnlyEois() {
    line(new Rec(0, ALL));
    desc.data().set(IrqdState.IRQ_INPROGRESS);
    desc.setIstate(IrqsState.REPLAY);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("eoi");
    assertThat(desc.istate(IrqsState.PENDING)).isFalse();
    // Returned before clearing REPLAY / WAITING.
    assertThat(desc.istate(IrqsState.REPLAY)).isTrue();

    // IRQD_RESEND_WHEN_IN_PROGRESS: remembered as pending for the running CPU to resend.
    desc.data().set(IrqdState.RESEND_WHEN_IN_PROGRESS);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("eoi");
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
  }

  @Test
  void anEoiIfHandledChipGetsNoEoiForAnUnhandledInterrupt() {
    line(new Rec(IrqChip.FLAG_EOI_IF_HANDLED, ALL));
    desc.data().set(IrqdState.IRQ_INPROGRESS);
    fire(flow.fasteoiHandler());
    assertThat(calls).isEmpty();
    desc.data().clear(IrqdState.IRQ_INPROGRESS);
    desc.data().set(IrqdState.IRQ_DISABLED);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("mask");
  }

  @Test
  void anInterruptMarkedPendingWhileTheHandlerRanIsResent() {
    // What a second interrupt on another CPU leaves with IRQD_RESEND_WHEN_IN_PROGRESS.
    line(new Rec(0, ALL), () -> desc.setIstate(IrqsState.PENDING));
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("handler", "eoi", "retrigger");
    assertThat(desc.istate(IrqsState.PENDING)).isFalse();
    assertThat(desc.istate(IrqsState.REPLAY)).isTrue();
  }

  /** What the kernel observers hear of each handler run: irq, CPU and the combined return. */
  private List<String> observe() {
    List<String> heard = new ArrayList<>();
    k.addObserver(new irqlab.kernel.KernelObserver() {
      @Override
      public void handled(IrqDesc d, int cpu, IrqReturn ret) {
        heard.add("handled " + d.irq() + " cpu" + cpu + " " + ret);
      }

      @Override
      public void handledUntracked(IrqDesc d, int cpu, IrqReturn ret) {
        heard.add("untracked " + d.irq() + " cpu" + cpu + " " + ret);
      }
    });
    return heard;
  }

  /** A second action on the line, returning {@code ret}. */
  private void share(IrqReturn ret) {
    IrqAction second = new IrqAction(desc.irq(), (n, dev) -> {
      calls.add("second");
      return ret;
    }, 0, "second", calls);
    desc.action().setNext(second);
  }

  @Test
  void handleIrqEventRunsEveryActionInProgressAndTellsNoteInterrupt() {
    List<String> heard = observe();
    boolean[] inProgress = new boolean[1];
    line(new Rec(0, ALL), () -> inProgress[0] = desc.data().is(IrqdState.IRQ_INPROGRESS));
    share(IrqReturn.NONE);
    fire(flow.fasteoiHandler());
    assertThat(calls).containsExactly("handler", "second", "eoi");
    assertThat(inProgress[0]).isTrue();
    // __handle_irq_event_percpu ORs the returns: one handler claimed it.
    assertThat(heard).containsExactly("handled " + desc.irq() + " cpu0 HANDLED");
    // note_interrupt (kernel/irq/spurious.c): no unhandled one, and a line that never had one is
    // not counted at all.
    assertThat(desc.irqsUnhandled()).isZero();
    assertThat(desc.irqCount()).isZero();
  }

  @Test
  void anInterruptNoActionClaimedIsCountedUnhandled() {
    List<String> heard = observe();
    line(new Rec(0, ALL));
    desc.setAction(new IrqAction(desc.irq(), (n, dev) -> IrqReturn.NONE, 0, "none", this));
    share(IrqReturn.NONE);
    fire(flow.fasteoiHandler());
    assertThat(heard).containsExactly("handled " + desc.irq() + " cpu0 NONE");
    assertThat(desc.irqCount()).isEqualTo(1);
    assertThat(desc.irqsUnhandled()).isEqualTo(1);
    assertThat(desc.unhandled(0)).isEqualTo(1);
  }

  // ---- handle_level_irq ----

  @Test
  void levelMasksAndAcksFirstAndUnmasksAfterTheHandler() {
    line(new Rec(0, ALL));
    fire(flow.levelHandler());
    assertThat(calls).containsExactly("mask", "ack", "handler", "unmask");
    assertThat(desc.count(0)).isEqualTo(1);
    assertThat(is(IrqdState.IRQ_MASKED)).isFalse();
    fire(flow.levelHandler());
    assertThat(calls).containsExactly("mask", "ack", "handler", "unmask");
    assertThat(desc.count(0)).isEqualTo(2);
  }

  @Test
  void levelLeavesADisabledLineMaskedAndPending() {
    line(new Rec(0, ALL));
    desc.data().set(IrqdState.IRQ_DISABLED);
    fire(flow.levelHandler());
    assertThat(calls).containsExactly("mask", "ack");
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
    assertThat(is(IrqdState.IRQ_MASKED)).isTrue();
    assertThat(desc.count(0)).isZero();
  }

  @Test
  void levelKeepsALineItsHandlerDisabledMasked() {
    line(new Rec(0, ALL), () -> desc.data().set(IrqdState.IRQ_DISABLED));
    fire(flow.levelHandler());
    assertThat(calls).containsExactly("mask", "ack", "handler");
    assertThat(is(IrqdState.IRQ_MASKED)).isTrue();
  }

  @Test
  void levelOnALineInProgressMasksAcksAndLeaves() {
    line(new Rec(0, ALL));
    desc.data().set(IrqdState.IRQ_INPROGRESS);
    fire(flow.levelHandler());
    assertThat(calls).containsExactly("mask", "ack");
    assertThat(desc.istate(IrqsState.PENDING)).isFalse();
  }

  // ---- handle_untracked_irq ----

  @Test
  void untrackedRunsTheActionsWithoutChipCallsOrCounts() {
    List<String> heard = observe();
    boolean[] inProgress = new boolean[1];
    line(new Rec(0, ALL), () -> inProgress[0] = desc.data().is(IrqdState.IRQ_INPROGRESS));
    share(IrqReturn.HANDLED);
    desc.setIstate(IrqsState.PENDING | IrqsState.REPLAY | IrqsState.WAITING);
    fire(flow.untrackedHandler());
    assertThat(calls).containsExactly("handler", "second");
    assertThat(inProgress[0]).isTrue();
    assertThat(heard).containsExactly("untracked " + desc.irq() + " cpu0 HANDLED");
    // No kstat and no note_interrupt.
    assertThat(desc.count(0)).isZero();
    assertThat(desc.irqCount()).isZero();
    // The descriptor lock was given back: a second interrupt runs too.
    fire(flow.untrackedHandler());
    assertThat(calls).containsExactly("handler", "second");
    assertThat(desc.istate(IrqsState.PENDING | IrqsState.REPLAY | IrqsState.WAITING)).isFalse();
    assertThat(is(IrqdState.IRQ_INPROGRESS)).isFalse();
  }

  @Test
  void untrackedMarksADisabledLinePendingAndSkipsALineInProgress() {
    line(new Rec(0, ALL));
    desc.data().set(IrqdState.IRQ_DISABLED);
    fire(flow.untrackedHandler());
    assertThat(calls).isEmpty();
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();

    line(new Rec(0, ALL));
    desc.data().set(IrqdState.IRQ_INPROGRESS);
    desc.setIstate(IrqsState.REPLAY);
    fire(flow.untrackedHandler());
    assertThat(calls).isEmpty();
    assertThat(desc.istate(IrqsState.PENDING)).isFalse();
    assertThat(desc.istate(IrqsState.REPLAY)).isTrue();
  }

  @Test
  void untrackedWithoutActionIsPending() {
    line(new Rec(0, ALL));
    desc.setAction(null);
    fire(flow.untrackedHandler());
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
  }

  // ---- handle_edge_irq ----

  @Test
  void edgeAcksThenRunsTheHandler() {
    line(new Rec(0, ALL));
    desc.setIstate(IrqsState.REPLAY | IrqsState.WAITING);
    fire(flow.edgeHandler());
    assertThat(calls).containsExactly("ack", "handler");
    assertThat(desc.count(0)).isEqualTo(1);
    assertThat(desc.istate(IrqsState.REPLAY | IrqsState.WAITING)).isFalse();
  }

  @Test
  void edgeOnADisabledOrBusyLineMasksAcksAndMarksPending() {
    line(new Rec(0, ALL));
    desc.data().set(IrqdState.IRQ_DISABLED);
    fire(flow.edgeHandler());
    assertThat(calls).containsExactly("mask", "ack");
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
    assertThat(is(IrqdState.IRQ_MASKED)).isTrue();

    line(new Rec(0, ALL));
    desc.data().set(IrqdState.IRQ_INPROGRESS);
    fire(flow.edgeHandler());
    assertThat(calls).containsExactly("mask", "ack");
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
  }

  @Test
  void anEdgeThatArrivedDuringTheHandlerRunsItAgainUnmaskedFirst() {
    int[] runs = {0};
    // The second edge, taken on another CPU while this one ran, left the line masked and pending.
    line(new Rec(0, ALL), () -> {
      if (runs[0]++ == 0) {
        desc.setIstate(IrqsState.PENDING);
        flow.maskIrq(desc);
      }
    });
    fire(flow.edgeHandler());
    assertThat(calls).containsExactly("ack", "handler", "mask", "unmask", "handler");
    assertThat(is(IrqdState.IRQ_MASKED)).isFalse();
    assertThat(desc.istate(IrqsState.PENDING)).isFalse();
  }

  @Test
  void aPendingEdgeOnALineDisabledMeanwhileIsNotRunAgain() {
    line(new Rec(0, ALL), () -> {
      desc.setIstate(IrqsState.PENDING);
      desc.data().set(IrqdState.IRQ_DISABLED);
    });
    fire(flow.edgeHandler());
    assertThat(calls).containsExactly("ack", "handler");
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
  }

  @Test
  void anEdgeWhoseActionWentMeanwhileMasksTheLine() {
    line(new Rec(0, ALL), () -> {
      desc.setIstate(IrqsState.PENDING);
      desc.setAction(null);
    });
    fire(flow.edgeHandler());
    assertThat(calls).containsExactly("ack", "handler", "mask");
    assertThat(is(IrqdState.IRQ_MASKED)).isTrue();
  }

  @Test
  void anEdgeOnATornDownLineIsAckBadIrq() {
    line(new Rec(0, ALL));
    desc.setAction(null);
    desc.data().reset();
    fire(flow.edgeHandler());
    // no_irq_chip's ack is ack_bad_irq (arch/x86/kernel/irq.c): "unexpected IRQ trap at vector %02x".
    assertThat(k.log().lines()).extracting(KernelLog.Line::text)
        .contains(String.format("unexpected IRQ trap at vector %02x", desc.irq()));
    assertThat(calls).isEmpty();
  }

  // ---- mask / unmask / enable / disable ----

  @Test
  void maskAndUnmaskOnlyWhatTheStateSaysAndOnlyWithTheCallback() {
    line(new Rec(0, ALL));
    flow.maskIrq(desc);
    flow.maskIrq(desc);
    assertThat(calls).containsExactly("mask");
    flow.unmaskIrq(desc);
    flow.unmaskIrq(desc);
    assertThat(calls).containsExactly("mask", "unmask");

    // A chip without irq_mask never reads masked; without irq_unmask it stays masked.
    line(new Rec(0, IrqChip.Op.EOI));
    flow.maskIrq(desc);
    assertThat(is(IrqdState.IRQ_MASKED)).isFalse();
    desc.data().set(IrqdState.IRQ_MASKED);
    flow.unmaskIrq(desc);
    assertThat(is(IrqdState.IRQ_MASKED)).isTrue();
  }

  @Test
  void irqEnableUsesTheEnableCallbackOnADisabledLineElseUnmasks() {
    line(new Rec(0, IrqChip.Op.ENABLE, IrqChip.Op.MASK, IrqChip.Op.UNMASK));
    desc.data().set(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED);
    flow.irqEnable(desc);
    assertThat(calls).containsExactly("enable");
    assertThat(is(IrqdState.IRQ_DISABLED)).isFalse();
    assertThat(is(IrqdState.IRQ_MASKED)).isFalse();

    line(new Rec(0, IrqChip.Op.MASK, IrqChip.Op.UNMASK));
    calls.clear();
    desc.data().set(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED);
    flow.irqEnable(desc);
    assertThat(calls).containsExactly("unmask");
    assertThat(is(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED)).isFalse();

    // Not disabled: only the unmask.
    calls.clear();
    desc.data().set(IrqdState.IRQ_MASKED);
    flow.irqEnable(desc);
    assertThat(calls).containsExactly("unmask");
  }

  @Test
  void irqDisableIsLazyUnlessTheChipCanDisableOrAMaskIsAsked() {
    line(new Rec(0, IrqChip.Op.MASK, IrqChip.Op.UNMASK));
    flow.irqDisable(desc, false);
    assertThat(calls).isEmpty();
    assertThat(is(IrqdState.IRQ_DISABLED)).isTrue();
    assertThat(is(IrqdState.IRQ_MASKED)).isFalse();
    // Already disabled: a mask request masks now, the lazy one does nothing.
    flow.irqDisable(desc, false);
    assertThat(calls).isEmpty();
    flow.irqDisable(desc, true);
    assertThat(calls).containsExactly("mask");
    assertThat(is(IrqdState.IRQ_MASKED)).isTrue();

    line(new Rec(0, IrqChip.Op.MASK, IrqChip.Op.UNMASK));
    calls.clear();
    flow.irqDisable(desc, true);
    assertThat(calls).containsExactly("mask");

    line(new Rec(0, IrqChip.Op.DISABLE, IrqChip.Op.MASK));
    calls.clear();
    flow.irqDisable(desc, false);
    assertThat(calls).containsExactly("disable");
    assertThat(is(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED)).isTrue();
  }

  // ---- irq_startup / irq_shutdown ----

  private void notStarted() {
    desc.data().clear(IrqdState.IRQ_STARTED);
    desc.data().set(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED);
    desc.setDepth(1);
    calls.clear();
  }

  @Test
  void startupCallsTheStartupCallbackAndClearsTheDisabledState() {
    line(new Rec(0, IrqChip.Op.STARTUP, IrqChip.Op.MASK, IrqChip.Op.UNMASK, IrqChip.Op.RETRIGGER));
    notStarted();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    assertThat(calls).containsExactly("startup");
    assertThat(desc.depth()).isZero();
    assertThat(is(IrqdState.IRQ_STARTED)).isTrue();
    assertThat(is(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED)).isFalse();
  }

  @Test
  void startupWithoutTheCallbackEnablesAndAStartedLineIsOnlyEnabled() {
    line(new Rec(0, IrqChip.Op.MASK, IrqChip.Op.UNMASK));
    notStarted();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    assertThat(calls).containsExactly("unmask");
    assertThat(is(IrqdState.IRQ_STARTED)).isTrue();
    // Started already (enable_irq at depth 1): irq_enable, depth 0.
    desc.setDepth(1);
    desc.data().set(IrqdState.IRQ_MASKED);
    calls.clear();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    assertThat(calls).containsExactly("unmask");
    assertThat(desc.depth()).isZero();
  }

  @Test
  void startupResendsWhatWasPendingOnlyWhenAsked() {
    line(new Rec(0, IrqChip.Op.STARTUP, IrqChip.Op.RETRIGGER));
    notStarted();
    desc.setIstate(IrqsState.PENDING);
    onCpu0(() -> flow.irqStartup(desc, false));
    assertThat(calls).containsExactly("startup");
    assertThat(desc.istate(IrqsState.PENDING)).isTrue();
    flow.irqShutdown(desc);
    calls.clear();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    // check_irq_resend: the hardware retrigger, IRQS_REPLAY until the next interrupt.
    assertThat(calls).containsExactly("startup", "retrigger");
    assertThat(desc.istate(IrqsState.PENDING)).isFalse();
    assertThat(desc.istate(IrqsState.REPLAY)).isTrue();
  }

  @Test
  void theAffinityIsSetBeforeStartupOnlyForAffinityPreStartupChips() {
    line(new Rec(IrqChip.FLAG_AFFINITY_PRE_STARTUP, IrqChip.Op.STARTUP, IrqChip.Op.SET_AFFINITY));
    notStarted();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    assertThat(calls).containsExactly("set_affinity", "startup");

    line(new Rec(0, IrqChip.Op.STARTUP, IrqChip.Op.SET_AFFINITY));
    notStarted();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    assertThat(calls).containsExactly("startup", "set_affinity");
    assertThat(desc.affinity()).isEqualTo(CpuMask.first(2));
  }

  @Test
  void aManagedLineStartsWithItsOwnMask() {
    line(new Rec(0, IrqChip.Op.STARTUP, IrqChip.Op.SET_AFFINITY));
    desc.data().set(IrqdState.AFFINITY_MANAGED | IrqdState.MANAGED_SHUTDOWN);
    desc.setAffinity(CpuMask.of(1));
    notStarted();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    // __irq_startup_managed then IRQ_STARTUP_MANAGED: irq_do_set_affinity, then the startup.
    assertThat(calls).containsExactly("set_affinity", "startup");
    assertThat(is(IrqdState.MANAGED_SHUTDOWN)).isFalse();
    assertThat(desc.affinity()).isEqualTo(CpuMask.of(1));
  }

  @Test
  void aManagedLineWhoseCpusAreAllOfflineStaysShutDown() {
    TestMachines.onTask(m, () -> k.smpBoot().cpuDown(1));
    line(new Rec(0, IrqChip.Op.STARTUP, IrqChip.Op.SET_AFFINITY));
    desc.data().set(IrqdState.AFFINITY_MANAGED);
    desc.setAffinity(CpuMask.of(1));
    notStarted();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    // IRQ_STARTUP_ABORT: shut down until CPU 1 comes back; 6.12 leaves depth 0.
    assertThat(calls).isEmpty();
    assertThat(is(IrqdState.MANAGED_SHUTDOWN)).isTrue();
    assertThat(is(IrqdState.IRQ_STARTED)).isFalse();
    assertThat(desc.depth()).isZero();
  }

  @Test
  void startingALineThatIsNotActivatedWarnsOnceAndStartsItAnyway() {
    line(new Rec(0, IrqChip.Op.STARTUP));
    desc.data().clear(IrqdState.ACTIVATED);
    notStarted();
    int w = k.log().warnings();
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    assertThat(k.log().warningsSince(w))
        .containsExactly("WARNING: __irq_startup: irq " + desc.irq() + " is not activated");
    assertThat(is(IrqdState.IRQ_STARTED)).isTrue();
    flow.irqShutdown(desc);
    onCpu0(() -> flow.irqStartup(desc, ChipFlow.RESEND));
    assertThat(k.log().warningsSince(w)).hasSize(1);
  }

  @Test
  void shutdownUsesTheShutdownCallbackElseMasksAndSetsDepthOne() {
    line(new Rec(0, IrqChip.Op.SHUTDOWN, IrqChip.Op.MASK));
    desc.setDepth(0);
    flow.irqShutdown(desc);
    assertThat(calls).containsExactly("shutdown");
    assertThat(is(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED)).isTrue();
    assertThat(is(IrqdState.IRQ_STARTED)).isFalse();
    assertThat(desc.depth()).isEqualTo(1);
    // Not started: nothing happens, depth stays.
    desc.setDepth(3);
    flow.irqShutdown(desc);
    assertThat(calls).containsExactly("shutdown");
    assertThat(desc.depth()).isEqualTo(3);

    line(new Rec(0, IrqChip.Op.MASK));
    calls.clear();
    desc.setDepth(2);
    flow.irqShutdown(desc);
    assertThat(calls).containsExactly("mask");
    assertThat(is(IrqdState.IRQ_DISABLED | IrqdState.IRQ_MASKED)).isTrue();
    assertThat(desc.depth()).isEqualTo(1);
  }

  // ---- irq_do_set_affinity (kernel/irq/manage.c), as irq_startup and the hotplug code call it ----

  @Test
  void doSetAffinityGivesTheChipTheOnlinePartOrTheWholeMaskWhenForced() {
    TestMachines.onTask(m, () -> k.smpBoot().cpuDown(1));
    CpuMask[] seen = new CpuMask[1];
    line(new Rec(0, IrqChip.Op.SET_AFFINITY) {
      @Override
      public int setAffinity(IrqData d, CpuMask dest, boolean force) {
        seen[0] = dest;
        return force ? SET_MASK_OK_DONE : SET_MASK_OK_NOCOPY;
      }
    });
    // Not forced: only the online CPUs of the mask; SET_MASK_OK_NOCOPY leaves the affinity alone.
    k.manage().irqDoSetAffinity(desc, CpuMask.of(0, 1), false);
    assertThat(seen[0]).isEqualTo(CpuMask.of(0));
    assertThat(desc.affinity()).isEqualTo(CpuMask.first(2));
    // No online CPU in it: -EINVAL, the chip not asked.
    seen[0] = null;
    irqlab.kernel.KernelException e = org.assertj.core.api.Assertions.catchThrowableOfType(
        () -> k.manage().irqDoSetAffinity(desc, CpuMask.of(1), false), irqlab.kernel.KernelException.class);
    assertThat(e.errno()).isEqualTo(Errno.EINVAL);
    assertThat(seen[0]).isNull();
    // Forced: the whole mask, offline CPU included; SET_MASK_OK_DONE records it.
    k.manage().irqDoSetAffinity(desc, CpuMask.of(1), true);
    assertThat(seen[0]).isEqualTo(CpuMask.of(1));
    assertThat(desc.affinity()).isEqualTo(CpuMask.of(1));
  }

  // ---- a descriptor used after it was freed (what KASAN reports) ----

  @Test
  void aFreedDescriptorIsReportedAndNotHandled() {
    List<String> uaf = new ArrayList<>();
    k.addObserver(new irqlab.kernel.KernelObserver() {
      @Override
      public void useAfterFree(String what, int irq) {
        uaf.add(irq + ": " + what);
      }
    });
    line(new Rec(0, ALL));
    desc.setHandler(flow.fasteoiHandler(), "fasteoi");
    IrqDescTable.markFreed(desc, new irqlab.kernel.Freed("cpu1", 0, "irq_free_descs"));
    int[] ret = {-1};
    calls.clear();
    onCpu0(() -> {
      flow.handleEdgeIrq(desc);
      flow.handleFasteoiIrq(desc);
      flow.handleUntrackedIrq(desc);
      ret[0] = flow.genericHandleIrq(desc.irq());
    });
    assertThat(calls).isEmpty();
    assertThat(ret[0]).isZero();
    assertThat(desc.count(0)).isZero();
    assertThat(uaf).hasSize(4);
    assertThat(uaf.get(0)).startsWith(desc.irq() + ": irq " + desc.irq() + "'s irq_desc used by cpu0 in handle_edge_irq, ");
    assertThat(uaf.get(1)).contains(" in handle_fasteoi_irq, ");
    assertThat(uaf.get(2)).contains(" in handle_untracked_irq, ");
    assertThat(uaf.get(3)).contains(" in handle_irq_desc (generic_handle_irq(" + desc.irq() + ")), ");
  }

  // ---- generic_handle_irq ----

  @Test
  void genericHandleIrqRunsTheFlowHandlerOrAnswersEinvalForANumberWithoutDescriptor() {
    line(new Rec(0, ALL));
    desc.setHandler(flow.edgeHandler(), "edge");
    int[] ret = new int[2];
    calls.clear();
    onCpu0(() -> {
      ret[0] = flow.genericHandleIrq(desc.irq());
      ret[1] = flow.genericHandleIrq(desc.irq() + 1000);
    });
    assertThat(ret[0]).isZero();
    assertThat(ret[1]).isEqualTo(-Errno.EINVAL.number());
    assertThat(calls).containsExactly("ack", "handler");
  }
}
