package irqlab.cli;

import irqlab.sim.run.RunRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for a run that takes long: it appears only when stderr is a terminal
 * and the run has gone on for {@link #QUIET_NANOS} of wall time, shows the virtual time reached
 * against the end of the timeline and the events run, and never reaches stdout.
 */
final class RunProgress implements RunRuntime.Progress, AutoCloseable {
  /** How long a run goes before it gets a progress bar. */
  static final long QUIET_NANOS = 2_000_000_000L;

  private final String task;
  private final long startedNanos = System.nanoTime();
  private long endNs = 1;
  private ProgressBar bar;

  private RunProgress(String task) {
    this.task = task;
  }

  /** A progress reporter, or null when stderr is no terminal. */
  static RunProgress onTerminal(String task) {
    return stderrIsTerminal() ? new RunProgress(task) : null;
  }

  /** Where the timeline ends: the bar's 100 %. */
  void timelineEnds(long ns) {
    endNs = Math.max(1, ns);
  }

  @Override
  public void at(long eventsRun, long nowNs) {
    if (bar == null) {
      if (System.nanoTime() - startedNanos < QUIET_NANOS) {
        return;
      }
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(endNs / 1000).setUnit(" ms", 1000)
          .setStyle(ProgressBarStyle.ASCII).continuousUpdate()
          .setConsumer(new ConsoleProgressBarConsumer(System.err)).build();
    }
    bar.stepTo(Math.min(nowNs, endNs) / 1000);
    bar.setExtraMessage(eventsRun + " events");
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }

  /** Whether this process's stderr is a terminal (Linux: what fd 2 points at; else the console). */
  static boolean stderrIsTerminal() {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }
}
