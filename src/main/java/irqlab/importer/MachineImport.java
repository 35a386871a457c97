package irqlab.importer;

import irqlab.hw.ioapic.Chipset;
import irqlab.hw.pci.Bdf;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scenario of the machine a /proc/interrupts shows: devices recognised from their chips and
 * action names as the Linux 6.12 drivers name them (nvmeXqY, virtioN-*, ethN-rx/tx, ahci), the
 * IO-APIC and remapping from the chip names, an lspci listing (optional) for the addresses the
 * interrupts do not give. Every inference is a YAML comment in the output, "guess:" where the file
 * does not say it for sure.
 */
public final class MachineImport {
  private static final Pattern PCI_CHIP = Pattern.compile("^(IR-)?PCI-(MSI|MSIX)-([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7])$");
  private static final Pattern NVME = Pattern.compile("^nvme(\\d+)q(\\d+)$");
  private static final Pattern VIRTIO = Pattern.compile("^virtio(\\d+)(-(config|virtqueues|input\\.(\\d+)|output\\.(\\d+)))?$");
  private static final Pattern ETH = Pattern.compile("^eth(\\d+)(-(rx|tx)-\\d+)?$");
  private static final Pattern AHCI = Pattern.compile("^ahci(\\d+|\\[[0-9a-f:.]+\\])$");
  private static final Set<String> ISA = Set.of("timer", "i8042", "ttyS0", "rtc0", "acpi");
  /** PCI ids (vendor:device) of the types irqlab models, for an lspci listing. */
  private static final Map<String, String> PCI_IDS = Map.of("1b36:0010", "nvme", "1af4:1000", "virtio-net",
      "1af4:1041", "virtio-net", "8086:10d3", "e1000e", "8086:100e", "e1000e", "8086:2922", "ahci");

  /** A device as the file shows it. */
  private static final class Dev {
    String type;
    String bdf;
    String kind; // msix, msi, intx
    final Set<String> names = new LinkedHashSet<>();
    final List<Integer> irqs = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    boolean fromLspciOnly;
    long maxHwirq = -1;
  }

  private MachineImport() {}

  /** The scenario's YAML text; {@code cpusArg} 0 takes the header's CPU count; {@code lspci} may be null. */
  public static String scenario(ProcInterruptsFile pi, LspciFile lspci, int cpusArg) {
    List<String> head = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    boolean remapping = false;
    boolean ioapic = false;
    boolean pciGsi = false;
    boolean piixLink = false;
    TreeMap<String, Dev> byBdf = new TreeMap<>();
    List<Dev> intx = new ArrayList<>();
    Set<String> isaSeen = new java.util.TreeSet<>();
    for (ProcInterruptsFile.Row r : pi.rows()) {
      String names = String.join(", ", r.actions());
      Matcher pc = PCI_CHIP.matcher(r.chip());
      remapping |= r.chip().startsWith("IR-") || r.chip().equals("DMAR-MSI");
      if (pc.matches()) {
        Dev d = byBdf.computeIfAbsent(pc.group(3), b -> new Dev());
        d.bdf = pc.group(3);
        d.kind = pc.group(2).equals("MSIX") ? "msix" : "msi";
        d.names.addAll(r.actions());
        d.irqs.add(r.irq());
        d.maxHwirq = Math.max(d.maxHwirq, r.hwirq());
      } else if (r.chip().endsWith("IO-APIC")) {
        ioapic = true;
        for (String a : r.actions()) {
          if (r.irq() < 16 && ISA.contains(a)) {
            isaSeen.add(a);
            continue;
          }
          Matcher v = VIRTIO.matcher(a);
          Matcher e = ETH.matcher(a);
          Dev d = new Dev();
          d.kind = "intx";
          d.names.add(a);
          d.irqs.add(r.irq());
          if (v.matches() && v.group(2) == null) {
            d.type = "virtio-net";
          } else if (e.matches() && e.group(2) == null) {
            d.type = "e1000e";
          } else {
            skipped.add("irq " + r.irq() + " (" + r.chip() + " " + r.hwirq() + "-" + r.flow() + ") " + a
                + ": not recognised as a device irqlab models on INTx; left out");
            continue;
          }
          pciGsi |= r.irq() >= 16;
          piixLink |= r.irq() == 5 || r.irq() == 10 || r.irq() == 11;
          intx.add(d);
        }
      } else if (r.chip().equals("DMAR-MSI")) {
        head.add("irq " + r.irq() + " " + names + ": the DMAR fault interrupt, which remapping: intel brings");
      } else {
        skipped.add("irq " + r.irq() + " (" + r.chip() + ") " + names + ": a chip irqlab does not model; left out");
      }
    }
    // What the MSI and MSI-X names say each device is.
    for (Dev d : byBdf.values()) {
      classify(d, skipped);
    }
    byBdf.values().removeIf(d -> d.type == null);
    String chipset = null;
    String chipsetWhy = null;
    boolean lspciQ35 = lspci != null && lspci.functions().stream().anyMatch(f -> f.id().startsWith("8086:29"));
    boolean lspciPiix = lspci != null && lspci.functions().stream()
        .anyMatch(f -> f.id().equals("8086:1237") || f.id().equals("8086:7000"));
    if (ioapic || !intx.isEmpty()) {
      if (lspciQ35 || lspciPiix) {
        chipset = lspciQ35 ? "q35" : "i440fx";
        chipsetWhy = "lspci lists the " + (lspciQ35 ? "ICH9 (8086:29xx)" : "i440FX/PIIX3 (8086:1237, 8086:7000)");
      } else if (pciGsi || byBdf.containsKey("0000:00:1f.2")) {
        chipset = "q35";
        chipsetWhy = "guess: IO-APIC rows, and " + (pciGsi ? "PCI INTx lines on GSIs 16 and up" : "an AHCI at 00:1f.2")
            + " as QEMU's q35 has them";
      } else if (piixLink) {
        chipset = "i440fx";
        chipsetWhy = "guess: IO-APIC rows, and PCI INTx lines on ISA IRQs 5, 10, 11 as the PIIX3 links route them";
      } else {
        chipset = "q35";
        chipsetWhy = "guess: IO-APIC rows; nothing says which chipset, q35 is the modern default";
      }
    }
    // The ICH9 AHCI comes with the q35 chipset.
    Dev ich9 = byBdf.get("0000:00:1f.2");
    if ("q35".equals(chipset) && ich9 != null && "ahci".equals(ich9.type)) {
      head.add("irq " + ich9.irqs.get(0) + " " + String.join(", ", ich9.names)
          + ": the q35 chipset's ICH9 AHCI at 00:1f.2 (device ahci0), which the chipset brings");
      byBdf.remove("0000:00:1f.2");
    }
    if (chipset != null) {
      // What the chipset brings that the file does not show.
      List<String> missing = ISA.stream().filter(x -> !isaSeen.contains(x)).sorted().toList();
      if (!missing.isEmpty()) {
        head.add("guess: the chipset's ISA users " + String.join(", ", missing) + " are not in the file (another"
            + " platform, or not requested); irqlab's " + chipset + " requests them all");
      }
      if (chipset.equals("q35") && ich9 == null) {
        head.add("guess: q35 also brings the ICH9 AHCI at 00:1f.2 (ahci0, one MSI), which the file does not show");
      }
    }
    placeIntx(intx, byBdf, lspci, chipset);
    if (lspci != null) {
      for (LspciFile.Function f : lspci.functions()) {
        String type = PCI_IDS.get(f.id());
        if (type != null && !byBdf.containsKey(f.bdf()) && !("q35".equals(chipset) && f.bdf().equals("0000:00:1f.2"))) {
          Dev d = new Dev();
          d.type = type;
          d.bdf = f.bdf();
          d.fromLspciOnly = true;
          d.notes.add("in lspci (" + f.id() + ") without an interrupt in /proc/interrupts (driver not bound, or"
              + " interface down: its vectors may still be allocated)");
          byBdf.put(f.bdf(), d);
        }
      }
    }
    int cpus = cpusArg > 0 ? cpusArg : pi.cpus();
    return yaml(pi, lspci, cpus, remapping, chipset, chipsetWhy, byBdf, head, skipped);
  }

  /** The type and shape of a device from its MSI or MSI-X names; a note says why. */
  private static void classify(Dev d, List<String> skipped) {
    List<String> n = List.copyOf(d.names);
    if (n.stream().allMatch(x -> NVME.matcher(x).matches())) {
      d.type = "nvme";
      d.notes.add("nvme: " + n.size() + " names nvmeXqY (admin queue q0 and I/O queues)");
    } else if (n.stream().allMatch(x -> VIRTIO.matcher(x).matches())) {
      d.type = "virtio-net";
    } else if (n.stream().allMatch(x -> ETH.matcher(x).matches())) {
      d.type = "e1000e";
    } else if (n.stream().allMatch(x -> AHCI.matcher(x).matches())) {
      d.type = "ahci";
    } else {
      // Another driver: its vectors still count for capacity, so irqlab's generic nic stands in.
      d.type = "nic";
      d.notes.add("guess: names of a driver irqlab does not model; irqlab's generic nic stands in with the same"
          + " number of " + (d.kind.equals("msix") ? "MSI-X" : "MSI") + " vectors, unmanaged (most network"
          + " drivers set affinity hints), under irqlab's names (ID-TxRx-i)");
    }
  }

  /**
   * INTx devices have no address in /proc/interrupts: lspci's functions of their type in bus order,
   * else (a guess) the lowest free slot whose INTA# the chipset routes to the line.
   */
  private static void placeIntx(List<Dev> intx, TreeMap<String, Dev> byBdf, LspciFile lspci, String chipset) {
    for (Dev d : intx) {
      int irq = d.irqs.get(0);
      String bdf = null;
      if (lspci != null) {
        for (LspciFile.Function f : lspci.functions()) {
          if (d.type.equals(PCI_IDS.get(f.id())) && !byBdf.containsKey(f.bdf())) {
            bdf = f.bdf();
            d.notes.add("at " + bdf + ": the first " + d.type + " of lspci without interrupts of its own");
            break;
          }
        }
      }
      if (bdf == null && chipset != null) {
        for (int slot = 1; slot < 0x18 && bdf == null; slot++) {
          String b = String.format("0000:00:%02x.0", slot);
          if (!byBdf.containsKey(b) && Chipset.route(chipset, Bdf.parse(b), 1) == irq) {
            bdf = b;
          }
        }
        d.notes.add("guess: at " + bdf + ", the first free slot whose INTA# " + chipset + " routes to IRQ " + irq
            + " (/proc/interrupts has no address for INTx; --lspci gives it)");
      }
      if (bdf == null) {
        d.notes.add("no slot routes to IRQ " + irq);
        continue;
      }
      d.bdf = bdf;
      byBdf.put(bdf, d);
    }
  }

  private static String yaml(ProcInterruptsFile pi, LspciFile lspci, int cpus, boolean remapping, String chipset,
      String chipsetWhy, TreeMap<String, Dev> devs, List<String> head, List<String> skipped) {
    StringBuilder y = new StringBuilder();
    y.append("# Imported by irqlab import from ").append(pi.file()).append(lspci == null ? "" : " and an lspci listing")
        .append(" (").append(pi.rows().size()).append(" irq rows).\n");
    y.append("# Each line says where it comes from; \"guess:\" marks what the file does not say for sure.\n");
    y.append("name: imported\n");
    y.append("description: >-\n  The machine of ").append(pi.file().replace('\n', ' '))
        .append(", as irqlab import read it: run it, show it at the mark imported, plan with it.\n");
    y.append("seed: 1\n");
    y.append("machine:\n");
    y.append("  cpus: ").append(cpus).append(cpus == pi.cpus()
        ? "  # the header's CPU columns; guess: no CPU was offline (/proc/interrupts lists online CPUs only)\n"
        : "  # --cpus; the header has " + pi.cpus() + " online\n");
    y.append("  remapping: ").append(remapping ? "intel" : "none").append(remapping
        ? "  # IR- chip names (IR-PCI-MSI, IR-IO-APIC) or DMAR-MSI: Intel interrupt remapping\n"
        : "  # no IR- chip names: no interrupt remapping\n");
    if (chipset != null) {
      y.append("  chipset: ").append(chipset).append("  # ").append(chipsetWhy)
          .append("; the ISA lines (timer, i8042, ttyS0, rtc0, acpi) come with it\n");
    } else {
      y.append("  # no IO-APIC rows: no chipset (no ISA lines, no INTx)\n");
    }
    for (String h : head) {
      y.append("# ").append(h).append('\n');
    }
    int[] n = new int[5];
    List<String> drivers = new ArrayList<>();
    List<String> links = new ArrayList<>();
    y.append("devices:\n");
    if (devs.isEmpty()) {
      y.append("  []\n");
    }
    for (Dev d : devs.values()) {
      String id = switch (d.type) {
        case "nvme" -> "nvme" + n[0]++;
        case "virtio-net" -> "net" + n[1]++;
        case "e1000e" -> "nic" + n[2]++;
        case "ahci" -> "sata" + n[3]++;
        default -> "dev" + n[4]++;
      };
      StringBuilder keys = new StringBuilder();
      String driverKeys = "";
      switch (d.type) {
        case "nvme" -> {
          long io = d.names.stream().filter(x -> !x.endsWith("q0")).count();
          if (io > 0 && io <= cpus && !d.fromLspciOnly) {
            keys.append(", queues: ").append(io);
            d.notes.add("queues: " + io + " I/O queues had a vector (guess: the controller offers no more, or Linux"
                + " took one per CPU; poll queues have none)");
          } else if (io > cpus) {
            driverKeys = ", params: { write_queues: " + (io - cpus) + " }";
            d.notes.add("guess: " + io + " I/O queues on " + cpus + " CPUs: write_queues=" + (io - cpus));
          }
        }
        case "virtio-net" -> {
          long pairs = d.names.stream().filter(x -> x.contains("-input.")).count();
          if (d.kind != null && d.kind.equals("msix")) {
            if (pairs > 0) {
              keys.append(", queues: ").append(pairs).append(", msix: { table: ").append(2 * pairs + 2).append(" }");
              d.notes.add(pairs + " queue pairs with a vector each; guess: MSI-X table " + (2 * pairs + 2)
                  + " (QEMU's default vectors=2*pairs+2; any table of at least " + (2 * pairs + 1) + " reads the same)");
            } else {
              keys.append(", msix: { table: 2 }");
              d.notes.add("config and virtqueues vectors: the two-vector fallback; guess: MSI-X table 2, 1 queue pair");
            }
          } else if (d.kind != null) {
            d.notes.add("virtio-net on INTx (no MSI-X: QEMU's vectors=0); guess: 1 queue pair");
          }
        }
        case "e1000e" -> {
          if ("msi".equals(d.kind)) {
            driverKeys = ", vectors: { kind: msi }";
            d.notes.add("one MSI vector named after the interface: e1000e on MSI (IntMode=1)");
          } else if ("intx".equals(d.kind)) {
            driverKeys = ", vectors: { kind: intx }";
            d.notes.add("one INTx line named after the interface: an e1000e held to INTx (QEMU's e1000, whose"
                + " driver sets it up so, reads the same)");
          } else if (d.kind != null) {
            d.notes.add("ethN-rx-0, ethN-tx-0, ethN: e1000e's three MSI-X vectors");
          }
        }
        case "nic" -> {
          int v = d.irqs.size();
          if (d.kind.equals("msix")) {
            keys.append(", msix: { table: ").append(Math.max(v, d.maxHwirq + 1)).append(" }");
          } else {
            // Multi-MSI comes in powers of two.
            keys.append(", msi: { vectors: ").append(v == 1 ? 1 : Integer.highestOneBit(v - 1) << 1).append(" }");
          }
          keys.append(", queues: ").append(v);
          driverKeys = ", vectors: { min: " + v + ", max: " + v + ", kind: " + d.kind + " }";
        }
        default -> {
          long ports = d.names.stream().filter(x -> x.matches("ahci\\d+")).count();
          if (ports > 0) {
            keys.append(", queues: ").append(ports).append(", msix: { table: ").append(ports).append(" }");
            d.notes.add("guess: a vector per port (ahci0..): " + ports + " ports on MSI-X");
          } else {
            d.notes.add("ahci[BDF]: one MSI for every port");
          }
        }
      }
      d.notes.add(switch (d.type) {
        case "nvme" -> "managed: the I/O queues' vectors (nvme spreads them with PCI_IRQ_AFFINITY), not nvme0q0's";
        case "virtio-net" -> "not managed: virtnet_set_affinity gives the queues affinity hints";
        case "nic" -> "guess: not managed";
        default -> "not managed (the driver asks for no affinity spreading)";
      });
      if (!d.irqs.isEmpty()) {
        d.notes.add(0, (d.irqs.size() > 1 ? d.irqs.size() + " irqs, " + d.irqs.get(0) + " to "
            + d.irqs.get(d.irqs.size() - 1) : "irq " + d.irqs.get(0)) + ": " + String.join(", ", d.names));
      }
      for (String note : d.notes) {
        y.append("  # ").append(id).append(": ").append(note).append('\n');
      }
      y.append("  - { id: ").append(id).append(", bdf: \"").append(d.bdf).append("\", type: ").append(d.type)
          .append(keys).append(" }\n");
      drivers.add("  - { device: " + id + driverKeys + " }\n");
      boolean net = d.type.equals("virtio-net") || d.type.equals("e1000e");
      if (net && !d.irqs.isEmpty()) {
        links.add(id);
      }
    }
    for (String s : skipped) {
      y.append("# ").append(s).append('\n');
    }
    y.append("drivers:\n");
    if (drivers.isEmpty()) {
      y.append("  []\n");
    }
    drivers.forEach(y::append);
    y.append("timeline:\n");
    for (String id : links) {
      y.append("  - at: 1ms  # the interface was up: its interrupts were requested\n    link-up: { device: ")
          .append(id).append(" }\n");
    }
    y.append("  - at: 100ms  # the state the file showed\n    mark: imported\n");
    return y.toString();
  }
}
