package irqlab.bench;

import irqlab.scenario.Scenario;
import irqlab.scenario.ScenarioParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Race scenarios written the way users write them (steady traffic for 20-30 ms on several devices
 * and CPUs, the racy action somewhere in the middle), each racy: an MSI-X vector moved with the
 * msix-unmasked-update and msi-direct-update variants (a kernel from before 2020), or a
 * non-maskable MSI moved (by an affinity write, or off a dying CPU) on 6.12 as shipped, which
 * writes address and data directly; one of them on the q35 machine with the Linux device types
 * (the ICH9 AHCI's MSI moved). The set the explorer's strategies are measured on, and the 20 ms
 * scenario of {@code bench explore}. Their correct counterparts run the detour the b56ebe7c896d
 * changelog intends ({@code msi-nomask-detour}) instead of any other variant; the AHCI one is also
 * correct under interrupt remapping, where a move rewrites only the remapping entry.
 */
public final class RaceScenarios {
  /** The scenarios, by file name under irqlab/races/ on the class path. */
  public static final List<String> NAMES = List.of("msix-move", "msi-move", "msi-offline", "many-moves",
      "q35-ahci-move");
  /** The scenarios whose design is also correct with interrupt remapping on (and no variant). */
  public static final List<String> REMAPPED = List.of("q35-ahci-move");
  /** The steady-traffic scenario {@code bench explore} times: 20 ms of traffic on three devices. */
  public static final String BENCH = "msi-move";

  private RaceScenarios() {}

  /** The scenario as written, its known-bad variants on. */
  public static Scenario load(String name) {
    return ScenarioParser.parse("races/" + name + ".yaml", text(name));
  }

  /** The same scenario with the correct design: the msi-nomask-detour variant instead of any other. */
  public static Scenario loadCorrect(String name) {
    return derived(name, "  kernel:\n    variants: [msi-nomask-detour]\n", "ok-", "correct design");
  }

  /**
   * The same scenario on 6.12 as shipped with interrupt remapping on: an affinity write rewrites
   * the remapping entry (one 128-bit IRTE update), never the device's message.
   */
  public static Scenario loadRemapped(String name) {
    return derived(name, "  remapping: intel\n", "ok-ir-", "with remapping");
  }

  /** Scenario {@code name} without its variants, {@code machine} lines added, renamed race-X to PREFIX-X. */
  private static Scenario derived(String name, String machine, String prefix, String what) {
    String t = text(name).replaceAll("(?m)^  kernel:\\n    variants: \\[[^\\]]*\\]\\n", "")
        .replaceFirst("(?m)^(machine:\\n  cpus: [0-9]+\\n)", "$1" + machine)
        .replaceFirst("(?m)^name: race-", "name: " + prefix);
    return ScenarioParser.parse("races/" + name + ".yaml (" + what + ")", t);
  }

  /** Every correct design of the set: each scenario with msi-nomask-detour, then the remapped ones. */
  public static List<Scenario> correctDesigns() {
    List<Scenario> all = new java.util.ArrayList<>();
    for (String name : NAMES) {
      all.add(loadCorrect(name));
    }
    for (String name : REMAPPED) {
      all.add(loadRemapped(name));
    }
    return all;
  }

  static String text(String name) {
    try (InputStream in = RaceScenarios.class.getResourceAsStream("/irqlab/races/" + name + ".yaml")) {
      if (in == null) {
        throw new IllegalArgumentException("no race scenario " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
