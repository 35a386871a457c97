package irqlab.kernel;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Designs no kernel version ships as irqlab models it (known-bad historical designs, and designs
 * a changelog intends), that a scenario can switch on by name so that the explorer can show them
 * side by side with the default. Behaviours of other kernel versions are {@link KernelProfile}s.
 */
public final class Variants {
  /**
   * Rewrite an MSI-X entry's address and data while it is unmasked, word by word, as PCI code did
   * before the entry was masked for updates (drivers/pci/msi/msi.c, __pci_write_msi_msg).
   */
  public static final String MSIX_UNMASKED_UPDATE = "msix-unmasked-update";

  /**
   * Move every non-remapped MSI by rewriting address and data directly, as x86 did before commit
   * 6f1a4891a592 ("x86/apic/msi: Plug non-maskable MSI affinity race"), in both paths that commit
   * covers: the deferred move in the next interrupt's ack, and fixup_irqs moving the interrupt off
   * a dying CPU from the stopper (scenarios torn-msi-direct, torn-msi-offline-direct).
   */
  public static final String MSI_DIRECT_UPDATE = "msi-direct-update";

  /**
   * msi_set_affinity takes the detour for non-maskable MSI only, as commit 6f1a4891a592 wrote it
   * and the changelog of b56ebe7c896d (2023) says its !irqd_can_reserve() test still does. The
   * shipped test does the opposite (see KernelProfile and KERNEL-SEMANTICS.md): this is the design
   * the changelog intends, which no 6.x kernel has (scenarios torn-msi-detour, torn-msi-offline-detour).
   */
  public static final String MSI_NOMASK_DETOUR = "msi-nomask-detour";

  /**
   * CPU offline as before the CVE-2024-31076 fix (commit a6c11c0a5235): the dying CPU's hotplug
   * code force-completes only moves of interrupts still affine to it, and a cleanup scheduled for
   * a CPU that is already offline forgets the old vector instead of freeing it, so it leaks.
   */
  public static final String LEAK_VECTOR_ON_OFFLINE = "leak-vector-on-offline";

  /**
   * Queue-memory IMS whose chip stores message and mask straight into the queue's context in host
   * memory instead of sending the device a command: the device's cached copy never sees the change
   * and its next write-back puts the old one back.
   */
  public static final String IMS_DIRECT_WRITE = "ims-direct-write";

  /**
   * CPU offline without the early, preemptible migration of bus-locked (queue-memory IMS) lines:
   * fixup_irqs moves them from the dying CPU with interrupts off, inside chip_bus_lock /
   * chip_bus_sync_unlock, which sleep (the IMS threads' reason for an earlier hotplug step).
   */
  public static final String IMS_MIGRATE_IN_STOPPER = "ims-migrate-in-stopper";

  /**
   * vfio-pci growing a guest's MSI-X vectors as before commit e4163438e015 ("vfio/pci: Support
   * dynamic MSI-X", v6.5): no pci_msix_alloc_irq_at, so a new vector means freeing them all,
   * MSI-X off, and enabling again with the larger count; the device cannot signal meanwhile.
   */
  public static final String MSIX_RESIZE_BY_REENABLE = "msix-resize-by-reenable";

  /**
   * VMD's teardown as the 2015 driver under review had it (the v4.5 merge, arch/x86/pci/vmd.c):
   * the handler walks its lists under rcu_read_lock, disable does list_del_rcu and the list entry
   * goes by kfree_rcu, with no wait in vmd_msi_free; and irq descriptors are freed at once by
   * irq_free_descs, as before 425a5072dcd1 ("genirq: Free irq_desc with rcu"). A handler that
   * looked the child's descriptor up just before it was freed uses freed memory.
   */
  public static final String VMD_RCU_LIST_ONLY = "vmd-rcu-list-only";

  /**
   * vmd_msi_free without synchronize_srcu: the list entry is kfree'd while a VMD handler that read
   * it before list_del_rcu may still follow it (its virq, its next pointer).
   */
  public static final String VMD_FREE_WITHOUT_SYNC = "vmd-free-without-sync";

  /**
   * VMD as an MSI parent with per-device child domains (d7d8ab87e3e7, v6.17) whose PCI/MSI chips
   * have their own irq_startup/irq_shutdown (54f45a30c0): startup only unmasks, so VMD's
   * enable never runs and the child never joins its vector's list, until e433110eb5bf (v6.18-rc2)
   * installed startup/shutdown calling VMD's enable/disable.
   */
  public static final String VMD_PERDEVICE_NO_STARTUP = "vmd-perdevice-no-startup";

  /**
   * The first VMD driver's vector choice, {@code irqs[virq % msix_count]}: every child, NVMe or
   * not, on the VMD vector its global Linux irq number falls on, whatever the vector's load.
   */
  public static final String VMD_MODULO_SPREAD = "vmd-modulo-spread";

  /**
   * A VMD handler that walks its list under the list lock instead of SRCU: list_lock is then held
   * while generic_handle_irq takes the child's descriptor lock, while enable and disable take
   * list_lock under the descriptor lock (the inversion the seed review warns of).
   */
  public static final String VMD_LIST_LOCK_IN_HANDLER = "vmd-list-lock-in-handler";

  /** A named variant and what it changes. */
  public record Variant(String name, String description) {}

  /** Every variant this build knows. */
  public static final List<Variant> KNOWN = List.of(
      new Variant(MSIX_UNMASKED_UPDATE,
          "affinity changes rewrite an unmasked MSI-X entry word by word (no mask around the update)"),
      new Variant(MSI_DIRECT_UPDATE,
          "every MSI moves by rewriting address and data directly, without the detour over the new"
              + " vector on the old CPU (x86 msi_set_affinity before 6f1a4891a592); wins over msi-nomask-detour"),
      new Variant(MSI_NOMASK_DETOUR,
          "msi_set_affinity detours for non-maskable MSI only, as the b56ebe7c896d changelog says it does;"
              + " maskable MSI and MSI-X are rewritten directly (they are masked around the move anyway)"),
      new Variant(LEAK_VECTOR_ON_OFFLINE,
          "an old vector whose cleanup is scheduled for a CPU that already went offline is forgotten,"
              + " not freed (CPU offline before the CVE-2024-31076 fix a6c11c0a5235)"),
      new Variant(IMS_DIRECT_WRITE,
          "queue-memory IMS changes are stored by the CPU into the queue context in host memory, not"
              + " sent as device commands, so the device's cached context overwrites them"),
      new Variant(IMS_MIGRATE_IN_STOPPER,
          "CPU offline skips the early task-context migration of bus-locked IMS interrupts; fixup_irqs"
              + " moves them from the dying CPU's atomic context inside chip_bus_lock/bus_sync_unlock,"
              + " which sleep"),
      new Variant(MSIX_RESIZE_BY_REENABLE,
          "vfio grows a guest's MSI-X vectors by disabling MSI-X and enabling it again with the larger"
              + " count (before e4163438e015 \"vfio/pci: Support dynamic MSI-X\"); completions meanwhile"
              + " are never signalled"),
      new Variant(VMD_RCU_LIST_ONLY,
          "the 2015 VMD teardown: list_del_rcu and kfree_rcu of the list entry under an RCU-walked list,"
              + " and irq descriptors freed at once by irq_free_descs (before 425a5072dcd1): a handler that"
              + " looked a child's descriptor up uses it after free"),
      new Variant(VMD_FREE_WITHOUT_SYNC,
          "vmd_msi_free frees the list entry without synchronize_srcu: a VMD handler still walking the"
              + " list follows the freed entry"),
      new Variant(VMD_PERDEVICE_NO_STARTUP,
          "per-device VMD child domains (d7d8ab87e3e7, v6.17) whose irq_startup only unmasks"
              + " (54f45a30c0): children never join their VMD vector's list and their interrupts are lost;"
              + " fixed by e433110eb5bf (v6.18-rc2)"),
      new Variant(VMD_MODULO_SPREAD,
          "the first VMD driver's irqs[virq % msix_count]: children land on VMD vectors by their global"
              + " irq number, NVMe or not, whatever the load"),
      new Variant(VMD_LIST_LOCK_IN_HANDLER,
          "the VMD handler holds list_lock while it calls the children (generic_handle_irq takes"
              + " desc->lock), against enable/disable taking list_lock under desc->lock: lockdep's"
              + " circular dependency"));

  private final Set<String> enabled;

  public Variants(Iterable<String> names) {
    TreeSet<String> s = new TreeSet<>();
    for (String n : names) {
      if (!isKnown(n)) {
        throw new IllegalArgumentException("unknown variant '" + n + "'");
      }
      s.add(n);
    }
    this.enabled = Set.copyOf(s);
  }

  public static Variants none() {
    return new Variants(List.of());
  }

  public static boolean isKnown(String name) {
    for (Variant k : KNOWN) {
      if (k.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  public boolean on(String name) {
    return enabled.contains(name);
  }

  public Set<String> enabled() {
    return new TreeSet<>(enabled);
  }
}
