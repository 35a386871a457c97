package irqlab.cli;

import irqlab.importer.ImportException;
import irqlab.importer.LspciFile;
import irqlab.importer.MachineImport;
import irqlab.importer.ProcInterruptsFile;
import irqlab.scenario.ScenarioException;
import irqlab.scenario.ScenarioParser;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** irqlab import --proc-interrupts FILE [--lspci FILE] [--cpus N]: a scenario of a real machine. */
@Command(name = "import",
    description = "Write a scenario of a real machine from its /proc/interrupts (and lspci -n or -nn), with a"
        + " comment on every guess.")
final class ImportCommand implements Callable<Integer> {
  /** Larger files are refused: a /proc/interrupts of 1,024 CPUs and thousands of irqs is well below. */
  static final long MAX_BYTES = 16L << 20;

  @Spec CommandSpec spec;

  @Option(names = "--proc-interrupts", paramLabel = "FILE", required = true,
      description = "The machine's /proc/interrupts (cat /proc/interrupts > FILE).")
  String procInterrupts;

  @Option(names = "--lspci", paramLabel = "FILE", description = "lspci -n or lspci -nn of the machine: addresses of"
      + " INTx devices and devices without interrupts.")
  String lspci;

  @Option(names = "--cpus", paramLabel = "N", description = "The machine's CPUs, where some were offline"
      + " (default: the CPU columns of the file).")
  Integer cpus;

  @Override
  public Integer call() {
    ProcInterruptsFile pi;
    LspciFile ls = null;
    try {
      pi = ProcInterruptsFile.parse(procInterrupts, read(procInterrupts, "--proc-interrupts"));
      if (lspci != null) {
        ls = LspciFile.parse(lspci, read(lspci, "--lspci"));
      }
    } catch (ImportException e) {
      throw new Main.BadInput(e.getMessage());
    }
    if (cpus != null && cpus < pi.cpus()) {
      throw new Main.BadInput("irqlab import: --cpus: expected at least " + pi.cpus() + " (the file's CPU columns),"
          + " got " + cpus);
    }
    String yaml = MachineImport.scenario(pi, ls, cpus == null ? 0 : cpus);
    try {
      ScenarioParser.parse("imported scenario", yaml);
    } catch (ScenarioException e) {
      // A machine the file shows but a scenario cannot describe (more CPUs than irqlab models).
      if (cpus != null && e.keyPath().equals("machine.cpus")) {
        throw new Main.BadInput("irqlab import: --cpus: " + e.problem());
      }
      throw new Main.BadInput(procInterrupts + ":1:1: this machine is not one irqlab can model: " + e.keyPath() + ": "
          + e.problem());
    }
    spec.commandLine().getOut().print(yaml);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** A regular UTF-8 text file of at most {@link #MAX_BYTES}; anything else is one line of bad input. */
  private static String read(String name, String option) {
    Path p;
    try {
      p = Path.of(name);
    } catch (InvalidPathException e) {
      throw new Main.BadInput("irqlab import: " + option + ": not a file name: " + e.getReason());
    }
    try {
      if (!Files.isRegularFile(p)) {
        throw new Main.BadInput(name + ":1:1: " + (Files.exists(p) ? "not a regular file" : "no such file"));
      }
      if (Files.size(p) > MAX_BYTES) {
        throw new Main.BadInput(name + ":1:1: larger than " + (MAX_BYTES >> 20) + " MiB; not a /proc/interrupts or lspci");
      }
      byte[] b = Files.readAllBytes(p);
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw new Main.BadInput(name + ":1:1: not UTF-8 text");
    } catch (IOException e) {
      throw new Main.BadInput(name + ":1:1: cannot read: " + e.getMessage());
    }
  }
}
