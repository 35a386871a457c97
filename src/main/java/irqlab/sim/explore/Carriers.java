package irqlab.sim.explore;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The threads explore mode runs actors on. A thread is only a stack: an actor needs one while it
 * is mid-work (suspended at a point, waiting), and none while idle, so an idle actor chosen by an
 * actor whose work just ended runs on that same thread without any hand-off. Threads are pooled
 * and reused by every schedule of an exploration job, so a schedule starts no thread at all once
 * the pool is warm.
 *
 * <p>Exactly one thread of a runtime runs at a time: the holder passes the baton with {@link
 * #transfer}, a volatile flag and one unpark. On JDK 24 and newer the threads are virtual (parking
 * hands the carrier over in about a microsecond, and synchronized no longer pins); on older JDKs
 * they are platform threads. Which threads run a schedule never changes what it does.
 */
public final class Carriers implements AutoCloseable {
  /** Thread names start with this, so leaks are easy to spot in a thread dump. */
  public static final String THREAD_PREFIX = "explore/";
  /** System property that forces a mode: {@code platform} or {@code virtual}. */
  public static final String MODE_PROPERTY = "irqlab.explore.threads";

  /** What kind of threads carry actors. */
  public enum Mode {
    PLATFORM,
    VIRTUAL;

    /** Virtual threads on JDK 24+ (or when forced and available), else platform threads. */
    public static Mode auto() {
      String forced = System.getProperty(MODE_PROPERTY, "");
      if (forced.equals("platform")) {
        return PLATFORM;
      }
      if (forced.equals("virtual")) {
        if (VirtualThreads.AVAILABLE) {
          return VIRTUAL;
        }
        throw new IllegalStateException(MODE_PROPERTY + "=virtual needs JDK 21 or newer");
      }
      return VirtualThreads.AVAILABLE && Runtime.version().feature() >= 24 ? VIRTUAL : PLATFORM;
    }
  }

  /** One stack: a thread that runs activations of whichever runtime assigns it work. */
  static final class Carrier {
    final Carriers pool;
    Thread thread;
    volatile boolean go;
    /** The runtime and worker to start; set by the baton holder before it passes the baton. */
    ExploreRuntime rt;
    Object work;

    Carrier(Carriers pool) {
      this.pool = pool;
    }
  }

  private final Mode mode;
  private final ArrayDeque<Carrier> free = new ArrayDeque<>();
  private final List<Carrier> all = new ArrayList<>();
  private volatile boolean closed;
  private int created;

  public Carriers(Mode mode) {
    this.mode = mode;
  }

  public Carriers() {
    this(Mode.auto());
  }

  public Mode mode() {
    return mode;
  }

  /** Threads created so far (for tests and benchmarks). */
  public int threadsCreated() {
    return created;
  }

  /** A free carrier, started on first use; only the baton holder calls this. */
  Carrier acquire() {
    if (closed) {
      throw new IllegalStateException("carrier pool closed");
    }
    Carrier c = free.pollLast();
    if (c != null) {
      return c;
    }
    Carrier n = new Carrier(this);
    n.thread = newThread(() -> loop(n), THREAD_PREFIX + "carrier-" + (created++));
    all.add(n);
    n.thread.start();
    return n;
  }

  /** A carrier standing for the calling thread, which is never pooled. */
  static Carrier forCurrentThread() {
    Carrier c = new Carrier(null);
    c.thread = Thread.currentThread();
    return c;
  }

  private void loop(Carrier c) {
    while (true) {
      while (!c.go) {
        LockSupport.park(this);
      }
      if (closed) {
        return;
      }
      Carrier next = c.rt.runChain(c);
      c.rt = null;
      c.work = null;
      free.addLast(c);
      transfer(c, next);
    }
  }

  /**
   * Passes the baton from {@code from} (the calling thread) to {@code to} and parks until it comes
   * back. The volatile writes publish all model state to the next holder.
   */
  static void transfer(Carrier from, Carrier to) {
    from.go = false;
    to.go = true;
    LockSupport.unpark(to.thread);
    while (!from.go) {
      LockSupport.park(from);
    }
  }

  /** Ends every pooled thread. Runtimes using the pool must be closed first. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Carrier c : all) {
      c.go = true;
      LockSupport.unpark(c.thread);
    }
    for (Carrier c : all) {
      try {
        c.thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Thread newThread(Runnable r, String name) {
    Thread t = mode == Mode.VIRTUAL ? VirtualThreads.unstarted(r, name) : new Thread(null, r, name, 0);
    if (mode == Mode.PLATFORM) {
      t.setDaemon(true);
    }
    return t;
  }

  /** A thread factory of the pool's kind, for job threads that drive runtimes. */
  public ThreadFactory jobThreads(String name) {
    int[] n = {0};
    return r -> {
      Thread t = mode == Mode.VIRTUAL ? VirtualThreads.unstarted(r, name + "-" + n[0]++) : new Thread(r, name + "-" + n[0]++);
      if (mode == Mode.PLATFORM) {
        t.setDaemon(true);
      }
      return t;
    };
  }

  /**
   * Thread.ofVirtual() through method handles: the build targets Java 17, where the API does not
   * exist; on a JDK that has it, the same public API is called.
   */
  static final class VirtualThreads {
    static final boolean AVAILABLE;
    private static final MethodHandle OF_VIRTUAL;
    private static final MethodHandle NAME;
    private static final MethodHandle UNSTARTED;

    static {
      MethodHandle of = null;
      MethodHandle name = null;
      MethodHandle unstarted = null;
      try {
        MethodHandles.Lookup l = MethodHandles.publicLookup();
        Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
        Class<?> builder = Class.forName("java.lang.Thread$Builder");
        of = l.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual));
        name = l.findVirtual(builder, "name", MethodType.methodType(builder, String.class));
        unstarted = l.findVirtual(builder, "unstarted", MethodType.methodType(Thread.class, Runnable.class));
      } catch (ReflectiveOperationException | RuntimeException e) {
        of = null;
      }
      AVAILABLE = of != null;
      OF_VIRTUAL = of;
      NAME = name;
      UNSTARTED = unstarted;
    }

    private VirtualThreads() {}

    static Thread unstarted(Runnable r, String name) {
      try {
        Object b = OF_VIRTUAL.invoke();
        b = NAME.invoke(b, name);
        return (Thread) UNSTARTED.invoke(b, r);
      } catch (Throwable t) {
        throw new IllegalStateException("cannot create a virtual thread", t);
      }
    }
  }
}
