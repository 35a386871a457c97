package irqlab.scenario;

import irqlab.kernel.KernelProfile;
import irqlab.kernel.cpu.CpuMask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a YAML tree into a {@link Scenario}, checking every key on the way. Sections are read in
 * dependency order (machine, devices, drivers, timeline, expect) whatever their order in the file,
 * so that each can check its references against what came before.
 */
final class ScenarioReader {
  private static final List<String> TOP_KEYS =
      List.of("name", "description", "seed", "machine", "devices", "drivers", "timeline", "expect");
  private static final String NAME_FORM = "[a-z0-9-]+";
  private static final String ID_FORM = "[a-z0-9][a-z0-9_-]*";
  private static final int MAX_QUEUES = 65536;
  /** An accelerator's work queues each have an IMS interrupt: up to the IMS slot maximum. */
  private static final int MAX_ACCELERATOR_QUEUES = 1 << 20;
  /** PCI: an MSI-X table has at most 2048 entries (Table Size is 11 bits), MSI at most 32. */
  private static final int MSIX_TABLE_MAX = 2048;
  private static final int MSI_VECTORS_MAX = 32;

  private final String source;

  private ScenarioReader(String source) {
    this.source = source;
  }

  static Scenario read(String source, YamlNode root) {
    if (root == null) {
      throw new ScenarioException(
          new Loc(source, 1, 1),
          "(top level)",
          "empty file; expected a mapping with at least 'name' and 'machine'");
    }
    return new ScenarioReader(source).scenario(root);
  }

  private Scenario scenario(YamlNode root) {
    YamlMap top = root.asMap("a mapping with keys " + String.join(", ", TOP_KEYS));
    top.allowOnly(TOP_KEYS);

    YamlNode nameNode = top.require("name", "a name of lower-case letters, digits and dashes");
    String name = nameNode.string("a name of lower-case letters, digits and dashes");
    if (!name.matches(NAME_FORM)) {
      throw nameNode.error(
          "expected a name of lower-case letters, digits and dashes ([a-z0-9-]+), got "
              + YamlScalar.quote(name));
    }
    YamlNode descNode = top.get("description");
    String description = descNode == null ? "" : descNode.string("a description string");
    YamlNode seedNode = top.get("seed");
    long seed =
        seedNode == null
            ? 1
            : seedNode.asScalar("a seed").integer(0, Long.MAX_VALUE, "a non-negative integer seed");

    MachineSpec machine = machine(top.require("machine", "a mapping with at least 'cpus'"));
    List<DeviceSpec> devices = devices(top.get("devices"));
    DeviceSpec ich9 = ich9Ahci(machine, devices);
    if (ich9 != null) {
      devices = new ArrayList<>(devices);
      devices.add(ich9);
    }
    Inventory inventory = new Inventory(machine, devices);
    List<DriverSpec> drivers = drivers(top.get("drivers"), inventory, devices);
    if (ich9 != null && !inventory.hasDriver(ICH9_AHCI_ID)) {
      drivers = new ArrayList<>(drivers);
      DriverSpec d = new DriverSpec(ICH9_AHCI_ID, "ahci", linuxVectors(null, ich9), Map.of(), machine.chipsetLoc());
      drivers.add(d);
      inventory.addDriver(d, "machine.chipset");
    }
    List<TimelineEntry> timeline = new TimelineReader(inventory).read(top.get("timeline"));
    Expectations expect = new ExpectationsReader(inventory).read(top.get("expect"), top.loc());
    Map<String, Loc> locations = new HashMap<>();
    locate(root, locations);
    return new Scenario(
        name, description, seed, machine, devices, drivers, timeline, expect, source, locations);
  }

  /** Records where every value of the tree is written, by key path. */
  private static void locate(YamlNode node, Map<String, Loc> into) {
    into.put(node.path(), node.loc());
    if (node instanceof YamlMap m) {
      m.entries().values().forEach(e -> locate(e.value(), into));
    } else if (node instanceof YamlList l) {
      l.items().forEach(i -> locate(i, into));
    }
  }

  private MachineSpec machine(YamlNode node) {
    YamlMap m = node.asMap("a mapping with at least 'cpus'");
    m.allowOnly("cpus", "remapping", "kernel", "msix-dynamic", "allow-unsafe-interrupts", "chipset");
    YamlNode cpusNode = m.require("cpus", "the number of cpus, 1.." + CpuMask.MAX_CPUS);
    int cpus =
        cpusNode
            .asScalar("a number of cpus")
            .intValue(1, CpuMask.MAX_CPUS, "a number of cpus from 1 to " + CpuMask.MAX_CPUS);

    String remapping = "none";
    Loc remappingLoc = m.loc();
    YamlNode r = m.get("remapping");
    if (r != null) {
      remapping = oneOf(r, MachineSpec.REMAPPINGS, "interrupt remapping");
      remappingLoc = r.loc();
    }
    if (cpus > MachineSpec.MAX_XAPIC_CPUS && remapping.equals("none")) {
      // try_to_enable_x2apic (arch/x86/kernel/apic/apic.c) on bare metal without remapping in
      // x2APIC mode: x2APIC stays off, and CPUs whose APIC id xAPIC cannot address never boot.
      throw cpusNode.error(cpus + " CPUs need APIC ids above 0xfe, that is x2APIC, and Linux"
          + " enables x2APIC only with interrupt remapping (without it: \"x2apic: IRQ remapping"
          + " doesn't support X2APIC mode\", then \"CPU " + MachineSpec.MAX_XAPIC_CPUS
          + " has invalid APIC ID " + Integer.toHexString(MachineSpec.MAX_XAPIC_CPUS)
          + ". Aborting bringup\"); expected machine.remapping: intel, or 1 to "
          + MachineSpec.MAX_XAPIC_CPUS + " CPUs");
    }

    List<String> variants = new ArrayList<>();
    Map<String, Loc> variantLocs = new LinkedHashMap<>();
    String version = MachineSpec.DEFAULT_KERNEL_VERSION;
    Loc versionLoc = m.loc();
    YamlNode k = m.get("kernel");
    if (k != null) {
      YamlMap kernel = k.asMap("a mapping with 'version' and/or 'variants'");
      kernel.allowOnly("version", "variants");
      YamlNode vn = kernel.get("version");
      if (vn != null) {
        // Read as text: 6.10 is a version, not the number 6.1.
        version = vn.string("a kernel version");
        versionLoc = vn.loc();
        if (KernelProfile.named(version) == null) {
          throw vn.error("unknown kernel version " + YamlScalar.quote(version) + "; expected one of: "
              + KernelProfile.knownNames());
        }
      }
      YamlNode vs = kernel.get("variants");
      if (vs != null) {
        for (YamlNode v : vs.asList("a list of variant names").items()) {
          String name = v.string("a variant name");
          if (!name.matches(NAME_FORM)) {
            throw v.error(
                "expected a variant name of lower-case letters, digits and dashes, got "
                    + YamlScalar.quote(name));
          }
          if (variantLocs.containsKey(name)) {
            throw v.error("variant '" + name + "' is listed twice");
          }
          variants.add(name);
          variantLocs.put(name, v.loc());
        }
      }
    }

    boolean msixDynamic = true;
    Loc msixDynamicLoc = m.loc();
    YamlNode md = m.get("msix-dynamic");
    if (md != null) {
      msixDynamic = md.asScalar("true or false").bool();
      msixDynamicLoc = md.loc();
    }

    // vfio's allow_unsafe_interrupts: device assignment without interrupt remapping.
    boolean allowUnsafe = false;
    Loc allowUnsafeLoc = m.loc();
    YamlNode au = m.get("allow-unsafe-interrupts");
    if (au != null) {
      allowUnsafe = au.asScalar("true or false").bool();
      allowUnsafeLoc = au.loc();
    }
    String chipset = "none";
    Loc chipsetLoc = m.loc();
    YamlNode cs = m.get("chipset");
    if (cs != null) {
      chipset = oneOf(cs, MachineSpec.CHIPSETS, "chipset");
      chipsetLoc = cs.loc();
    }
    return new MachineSpec(
        cpus,
        remapping,
        variants,
        msixDynamic,
        m.loc(),
        cpusNode.loc(),
        remappingLoc,
        variantLocs,
        msixDynamicLoc,
        allowUnsafe,
        allowUnsafeLoc,
        chipset,
        chipsetLoc,
        version,
        versionLoc);
  }

  /** The id and address of q35's built-in SATA controller, the ICH9 AHCI. */
  static final String ICH9_AHCI_ID = "ahci0";
  static final String ICH9_AHCI_BDF = "0000:00:1f.2";

  /**
   * q35 brings the ICH9 AHCI at 00:1f.2 (six ports, one MSI message without masking), bound to
   * ahci, unless the scenario puts its own device there (which then stands for it).
   */
  private static DeviceSpec ich9Ahci(MachineSpec machine, List<DeviceSpec> devices) {
    if (!machine.chipset().equals("q35")) {
      return null;
    }
    for (DeviceSpec d : devices) {
      if (d.bdf().equals(ICH9_AHCI_BDF)) {
        return null;
      }
    }
    for (DeviceSpec d : devices) {
      if (d.id().equals(ICH9_AHCI_ID)) {
        throw new ScenarioException(d.loc(), "devices." + d.id(),
            "id '" + ICH9_AHCI_ID + "' is q35's ICH9 AHCI at " + ICH9_AHCI_BDF + "; give this device another id,"
                + " or put it at " + ICH9_AHCI_BDF + " to stand for the ICH9 AHCI");
      }
    }
    return new DeviceSpec(ICH9_AHCI_ID, ICH9_AHCI_BDF, "ahci", null, new MsiSpec(1, false, true), null, null, 6,
        machine.chipsetLoc());
  }

  private List<DeviceSpec> devices(YamlNode node) {
    if (node == null) {
      return List.of();
    }
    List<YamlNode> items = node.asList("a list of devices").items();

    Map<String, YamlNode> idNodes = new HashMap<>();
    Map<String, String> bdfOwners = new HashMap<>();
    List<DeviceSpec> partial = new ArrayList<>();
    List<YamlNode> behindNodes = new ArrayList<>();
    List<YamlNode> bdfNodes = new ArrayList<>();
    for (YamlNode item : items) {
      YamlMap d = item.asMap("a device mapping with 'id' and 'type'");
      d.allowOnly("id", "bdf", "type", "behind", "msi", "msix", "ims", "queues", "features");
      YamlNode idNode = d.require("id", "a device id");
      String id = idNode.string("a device id");
      if (!id.matches(ID_FORM)) {
        throw idNode.error(
            "expected a device id of lower-case letters, digits, '-' and '_' starting with a"
                + " letter or digit, got " + YamlScalar.quote(id));
      }
      YamlNode first = idNodes.putIfAbsent(id, idNode);
      if (first != null) {
        throw idNode.error(
            "duplicate device id '" + id + "' (first declared at line " + first.loc().line()
                + ")");
      }
      String type = oneOf(d.require("type", "a device type"), DeviceSpec.TYPES, "device type");

      String bdf = null;
      YamlNode bdfNode = d.get("bdf");
      if (bdfNode != null) {
        try {
          bdf = PciAddress.parse(bdfNode.string("a PCI address"));
        } catch (IllegalArgumentException e) {
          throw bdfNode.error(e.getMessage());
        }
        String owner = bdfOwners.putIfAbsent(bdf, id);
        if (owner != null) {
          throw bdfNode.error("duplicate PCI address " + bdf + "; device '" + owner + "' has it");
        }
      }
      bdfNodes.add(bdfNode);
      YamlNode behind = d.get("behind");
      behindNodes.add(behind);
      List<String> features = features(d.get("features"), type);
      int queues = d.get("queues") == null
          ? defaultQueues(type)
          : queues(d.get("queues"), type.equals("accelerator") ? MAX_ACCELERATOR_QUEUES : MAX_QUEUES);
      if (type.equals("vmd") && d.get("queues") != null && queues != 0) {
        throw d.get("queues").error("a vmd has no queues of its own (its devices behind it have); expected 0 or no"
            + " 'queues'");
      }
      if (type.equals("e1000e") && d.get("queues") != null && queues != 2) {
        throw d.get("queues").error("an e1000e (82574) has one rx and one tx queue; expected 2 or no 'queues'");
      }
      MsiSpec msi = msi(d.get("msi"));
      MsixSpec msix = msix(d.get("msix"));
      // What the device offers unless the scenario says otherwise: QEMU's models of these devices.
      switch (type) {
        // A legacy-msi device is its MSI capability: one non-maskable vector unless told.
        case "legacy-msi", "ahci" -> msi = msi == null ? new MsiSpec(1, false, true) : msi;
        // hw/nvme: one MSI-X vector per I/O queue pair plus the admin queue's.
        case "nvme" -> msix = msix == null ? new MsixSpec(Math.min(queues + 1, 2048)) : msix;
        // irqlab's VMD offers 32 MSI-X vectors unless told otherwise.
        case "vmd" -> msix = msix == null ? new MsixSpec(VMD_DEFAULT_MSIX) : msix;
        // hw/net/e1000e: 5 MSI-X vectors, one 64-bit MSI without per-vector masking.
        case "e1000e" -> {
          msix = msix == null ? new MsixSpec(5) : msix;
          msi = msi == null ? new MsiSpec(1, false, true) : msi;
        }
        default -> {}
      }
      partial.add(
          new DeviceSpec(
              id,
              bdf,
              type,
              behind == null ? null : behind.string("the id of a vmd device"),
              msi,
              msix,
              ims(d.get("ims")),
              queues,
              d.loc(),
              features));
    }

    // Second pass: references between devices and default addresses need the whole list.
    Map<String, DeviceSpec> byId = new HashMap<>();
    partial.forEach(p -> byId.put(p.id(), p));
    Set<String> used = new HashSet<>(bdfOwners.keySet());
    Map<String, String> bdfs = new HashMap<>();
    for (int i = 0; i < partial.size(); i++) {
      DeviceSpec p = partial.get(i);
      if (p.behind() != null) {
        checkBehind(p, byId.get(p.behind()), behindNodes.get(i));
        continue;
      }
      String bdf = p.bdf();
      if (bdf != null && PciAddress.domain(bdf) >= PciAddress.FIRST_VMD_DOMAIN) {
        throw bdfNodes.get(i).error("PCI domain " + bdf.substring(0, bdf.indexOf(':'))
            + " is a VMD's: a device there needs 'behind: <vmd id>'");
      }
      if (bdf == null) {
        bdf = PciAddress.nextFree(used);
        used.add(bdf);
      }
      bdfs.put(p.id(), bdf);
    }
    Map<String, Integer> vmdDomains = vmdDomains(partial, bdfs);
    for (int i = 0; i < partial.size(); i++) {
      DeviceSpec p = partial.get(i);
      if (p.behind() == null) {
        continue;
      }
      int domain = vmdDomains.get(p.behind());
      String bdf = p.bdf();
      if (bdf != null && PciAddress.domain(bdf) != domain) {
        throw bdfNodes.get(i).error("device '" + p.id() + "' sits behind " + p.behind() + ", whose devices"
            + " Linux puts in PCI domain " + Integer.toHexString(domain) + "; expected an address "
            + Integer.toHexString(domain) + ":BB:DD.F");
      }
      if (bdf == null) {
        // One root port per child: buses 1, 2, ... of the VMD's domain, in file order.
        for (int bus = 1; bdf == null; bus++) {
          String a = PciAddress.vmdChild(domain, bus);
          if (!used.contains(a)) {
            bdf = a;
          }
        }
        used.add(bdf);
      }
      bdfs.put(p.id(), bdf);
    }
    List<DeviceSpec> devices = new ArrayList<>();
    for (DeviceSpec p : partial) {
      devices.add(
          new DeviceSpec(
              p.id(), bdfs.get(p.id()), p.type(), p.behind(), p.msi(), p.msix(), p.ims(), p.queues(),
              p.loc(), p.features()));
    }
    return devices;
  }

  /** MSI-X vectors of a vmd device without {@code msix}. */
  static final int VMD_DEFAULT_MSIX = 32;

  /**
   * The PCI domain each vmd device's driver creates: vmd_find_free_domain takes one above the
   * highest domain so far, and VMDs probe in PCI bus order, so the first gets 10000, the next
   * 10001 (a vmd needs its driver, see the vmd device type).
   */
  private static Map<String, Integer> vmdDomains(List<DeviceSpec> partial, Map<String, String> bdfs) {
    List<DeviceSpec> vmds = new ArrayList<>();
    for (DeviceSpec p : partial) {
      if (p.type().equals("vmd")) {
        vmds.add(p);
      }
    }
    vmds.sort(java.util.Comparator.comparing((DeviceSpec p) -> PciAddress.domain(bdfs.get(p.id())))
        .thenComparing(p -> bdfs.get(p.id())));
    Map<String, Integer> domains = new HashMap<>();
    for (int i = 0; i < vmds.size(); i++) {
      domains.put(vmds.get(i).id(), PciAddress.FIRST_VMD_DOMAIN + i);
    }
    return domains;
  }

  /** {@code features}: a vmd device's, each once. */
  private static List<String> features(YamlNode node, String type) {
    if (node == null) {
      return List.of();
    }
    if (!type.equals("vmd")) {
      throw node.error("features belong to vmd devices; a " + type + " has none");
    }
    List<String> names = new ArrayList<>();
    for (YamlNode item : node.asList("a list of vmd features: " + String.join(", ", DeviceSpec.VMD_FEATURES))
        .items()) {
      String f = oneOf(item, DeviceSpec.VMD_FEATURES, "vmd feature");
      if (names.contains(f)) {
        throw item.error("feature '" + f + "' is listed twice");
      }
      names.add(f);
    }
    if (names.size() == 2) {
      throw node.error("no VMD has both: bypass is the 28C0's (server), offset-first-vector the client"
          + " parts'; expected one of them");
    }
    return names;
  }

  /**
   * Queues when the scenario gives none: QEMU's nvme offers 64 I/O queue pairs, the ICH9 AHCI 6
   * ports, an e1000e one rx and one tx queue, the rest one queue.
   */
  private static int defaultQueues(String type) {
    return switch (type) {
      case "nvme" -> 64;
      case "ahci" -> 6;
      case "e1000e" -> 2;
      default -> 1;
    };
  }

  private static int queues(YamlNode node, int max) {
    return node.asScalar("a number of queues").intValue(0, max, "a number of queues from 0 to " + max);
  }

  private static void checkBehind(DeviceSpec d, DeviceSpec host, YamlNode node) {
    if (d.type().equals("vmd")) {
      throw node.error("a vmd device cannot sit behind another device");
    }
    if (host == null) {
      throw node.error("unknown device '" + d.behind() + "'; 'behind' names a vmd device");
    }
    if (!host.type().equals("vmd")) {
      throw node.error(
          "device '" + host.id() + "' is a " + host.type() + "; only a vmd device has devices"
              + " behind it");
    }
  }

  private static MsiSpec msi(YamlNode node) {
    if (node == null) {
      return null;
    }
    YamlMap m = node.asMap("a mapping with 'vectors', 'maskable', 'address64'");
    m.allowOnly("vectors", "maskable", "address64");
    int vectors = 1;
    YamlNode v = m.get("vectors");
    if (v != null) {
      String what = "a power of two from 1 to 32 (MSI vectors)";
      vectors = v.asScalar(what).intValue(1, 32, what);
      if (Integer.bitCount(vectors) != 1) {
        throw v.error("expected " + what + ", got " + vectors);
      }
    }
    boolean maskable =
        m.get("maskable") != null && m.get("maskable").asScalar("true or false").bool();
    boolean address64 =
        m.get("address64") == null || m.get("address64").asScalar("true or false").bool();
    return new MsiSpec(vectors, maskable, address64);
  }

  private static MsixSpec msix(YamlNode node) {
    if (node == null) {
      return null;
    }
    YamlMap m = node.asMap("a mapping with 'table'");
    m.allowOnly("table");
    String what = "an MSI-X table size from 1 to 2048";
    return new MsixSpec(m.require("table", what).asScalar(what).intValue(1, 2048, what));
  }

  private static ImsSpec ims(YamlNode node) {
    if (node == null) {
      return null;
    }
    YamlMap m = node.asMap("a mapping with 'storage', 'slots', 'cache'");
    m.allowOnly("storage", "slots", "cache");
    String storage = oneOf(m.require("storage", "device or host-memory"), ImsSpec.STORAGES,
        "IMS storage");
    String slotsWhat = "a number of IMS slots from 1 to 1048576";
    int slots = m.require("slots", slotsWhat).asScalar(slotsWhat).intValue(1, 1 << 20, slotsWhat);
    // A device caches at most 64 messages unless told otherwise, and never more than it has.
    int cache = Math.min(64, slots);
    YamlNode c = m.get("cache");
    if (c != null) {
      String what = "a cache size from 1 to the number of slots (" + slots + ")";
      cache = c.asScalar(what).intValue(1, slots, what);
    }
    return new ImsSpec(storage, slots, cache);
  }

  private static List<DriverSpec> drivers(
      YamlNode node, Inventory inventory, List<DeviceSpec> devices) {
    if (node == null) {
      return List.of();
    }
    List<DriverSpec> drivers = new ArrayList<>();
    for (YamlNode item : node.asList("a list of drivers").items()) {
      YamlMap d = item.asMap("a driver mapping with 'device' and 'vectors'");
      d.allowOnly("device", "driver", "vectors", "params");
      YamlNode devNode = d.require("device", "the id of the device the driver binds to");
      DeviceSpec device = inventory.device(devNode);
      if (inventory.hasDriver(device.id())) {
        throw devNode.error(
            "device '" + device.id() + "' already has a driver ("
                + inventory.driverPath(device.id()) + "); one driver per device");
      }
      String driver = device.type();
      YamlNode drvNode = d.get("driver");
      if (drvNode != null) {
        driver = drvNode.string("a driver name");
        if (!driver.equals(device.type()) && !driver.equals("vfio")) {
          throw drvNode.error(
              "expected '" + device.type() + "' (the device's own driver) or 'vfio', got "
                  + YamlScalar.quote(driver));
        }
      }
      VectorsSpec vectors = device.linuxDriver()
          ? linuxVectors(d.get("vectors"), device)
          : vectors(d.require("vectors", "a mapping with 'max' and 'kind'"), device, inventory);
      Map<String, Integer> params = params(d.get("params"), device);
      DriverSpec spec = new DriverSpec(device.id(), driver, vectors, params, d.loc());
      drivers.add(spec);
      inventory.addDriver(spec, item.path());
    }
    return drivers;
  }

  private static VectorsSpec vectors(YamlNode node, DeviceSpec device, Inventory inventory) {
    YamlMap v = node.asMap("a mapping with 'min', 'max', 'kind', 'affinity'");
    v.allowOnly("min", "max", "kind", "affinity");
    YamlNode kindNode = v.require("kind", "msi, msix, ims or intx");
    String kind = oneOf(kindNode, IrqName.KINDS, "vector kind");
    int limit;
    String limitWhy;
    // pci_alloc_irq_vectors caps max at what the device has and fails below min with ENOSPC
    // (drivers/pci/msi/msi.c __pci_enable_msix_range, __pci_enable_msi_range): both may exceed
    // the device, up to the most a capability can have.
    switch (kind) {
      case "msix" -> {
        requireCapability(kindNode, device, device.hasMsix(), "MSI-X", "msix");
        limit = MSIX_TABLE_MAX;
        limitWhy = "the most entries an MSI-X table can have";
      }
      case "msi" -> {
        requireCapability(kindNode, device, device.hasMsi(), "MSI", "msi");
        limit = MSI_VECTORS_MAX;
        limitWhy = "the most vectors an MSI capability can have";
      }
      case "ims" -> {
        requireCapability(kindNode, device, device.hasIms(), "IMS", "ims");
        limit = device.ims().slots();
        limitWhy = "the device's IMS slots";
      }
      default -> {
        limit = 1;
        limitWhy = "INTx is a single line";
      }
    }
    String maxWhat = "a vector count from 1 to " + limit + " (" + limitWhy + ")";
    int max = v.require("max", maxWhat).asScalar(maxWhat).intValue(1, limit, maxWhat);
    int min = 1;
    YamlNode minNode = v.get("min");
    if (minNode != null) {
      String minWhat = "a vector count of at least 1";
      min = minNode.asScalar(minWhat).intValue(1, Integer.MAX_VALUE, minWhat);
      if (min > max) {
        throw minNode.error("min " + min + " is greater than max " + max);
      }
    }
    YamlNode a = v.get("affinity");
    return new VectorsSpec(min, max, kind, a == null ? Affinity.NONE : affinity(a, inventory));
  }

  /**
   * A Linux driver's optional {@code vectors}: {@code max} caps the count as a module parameter
   * would, {@code kind} is the most capable mode it may use (intx: none but INTx, as pci=nomsi).
   */
  private static VectorsSpec linuxVectors(YamlNode node, DeviceSpec device) {
    if (node == null) {
      return new VectorsSpec(1, Integer.MAX_VALUE, null, Affinity.NONE);
    }
    YamlMap v = node.asMap("a mapping with 'max' and/or 'kind'");
    v.allowOnly("max", "kind");
    String kind = null;
    YamlNode kindNode = v.get("kind");
    if (kindNode != null) {
      kind = oneOf(kindNode, List.of("msix", "msi", "intx"), "vector kind");
      if (kind.equals("msix")) {
        requireCapability(kindNode, device, device.hasMsix(), "MSI-X", "msix");
      } else if (kind.equals("msi")) {
        requireCapability(kindNode, device, device.hasMsi(), "MSI", "msi");
      }
    }
    int max = Integer.MAX_VALUE;
    YamlNode maxNode = v.get("max");
    if (maxNode != null) {
      String what = "a cap on the vector count from 1 to 2048";
      max = maxNode.asScalar(what).intValue(1, 2048, what);
    }
    return new VectorsSpec(1, max, kind, Affinity.NONE);
  }

  /** {@code params}: the driver's module parameters, each a non-negative integer. */
  private static Map<String, Integer> params(YamlNode node, DeviceSpec device) {
    Map<String, Integer> params = new LinkedHashMap<>();
    if (node == null) {
      return params;
    }
    List<String> known = DriverSpec.PARAMS.getOrDefault(device.type(), List.of());
    if (known.isEmpty()) {
      throw node.error("the " + device.type() + " driver of this build takes no params");
    }
    YamlMap m = node.asMap("a mapping of " + String.join(", ", known));
    m.allowOnly(known);
    for (String k : known) {
      YamlNode p = m.get(k);
      if (p != null) {
        String what = "a number from 0 to 1024";
        params.put(k, p.asScalar(what).intValue(0, 1024, what));
      }
    }
    return params;
  }

  private static void requireCapability(
      YamlNode at, DeviceSpec device, boolean has, String name, String key) {
    if (!has) {
      throw at.error(
          "device '" + device.id() + "' has no " + name + " capability (add '" + key
              + "' to the device)");
    }
  }

  private static Affinity affinity(YamlNode node, Inventory inventory) {
    if (node instanceof YamlScalar s && s.kind() == YamlScalar.Kind.STRING) {
      if (s.text().equals("managed")) {
        return Affinity.MANAGED;
      }
      if (s.text().equals("none")) {
        return Affinity.NONE;
      }
      if (!s.text().matches("[0-9 ,-]+")) {
        throw s.error(
            "expected managed, none or a cpu list like \"0-3\" or [2, 3], got " + s.describe());
      }
    }
    return Affinity.cpus(inventory.cpuMask(node));
  }

  /** The value of {@code node}, which must be one of {@code allowed}. */
  static String oneOf(YamlNode node, List<String> allowed, String what) {
    String s = node.string(String.join(" | ", allowed));
    if (!allowed.contains(s)) {
      throw node.error(
          "unknown " + what + " " + YamlScalar.quote(s) + "; expected one of: "
              + String.join(", ", allowed));
    }
    return s;
  }
}
