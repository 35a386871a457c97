package irqlab.kernel.irq;

import irqlab.kernel.cpu.CpuMask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Multi-queue affinity spreading as Linux 6.12 does it (kernel/irq/affinity.c,
 * lib/group_cpus.c), for one NUMA node and no SMT siblings, with the driver's interrupt sets
 * (nvme's default and read queues). Drivers ask for it through pci_alloc_irq_vectors_affinity();
 * the masks become managed interrupts.
 */
public final class IrqAffinity {
  private IrqAffinity() {}

  /**
   * struct irq_affinity: vectors before/after the spread ones that keep default affinity, and the
   * driver's calc_sets callback (null: default_calc_sets, one set of every spread vector), which
   * is handed the number of spread vectors and returns the size of each set.
   */
  public record AffinityDescriptor(int preVectors, int postVectors, IntFunction<int[]> calcSets) {
    public AffinityDescriptor {
      if (preVectors < 0 || postVectors < 0) {
        throw new IllegalArgumentException("negative pre/post vectors");
      }
    }

    public AffinityDescriptor(int preVectors, int postVectors) {
      this(preVectors, postVectors, null);
    }

    public static final AffinityDescriptor NONE = new AffinityDescriptor(0, 0);

    /** IRQ_AFFINITY_MAX_SETS (include/linux/interrupt.h). */
    public static final int MAX_SETS = 4;

    /** affd->calc_sets(affd, affvecs): the sets' sizes. */
    int[] sets(int affvecs) {
      return calcSets == null ? new int[] {affvecs} : calcSets.apply(affvecs);
    }
  }

  /** struct irq_affinity_desc: a vector's initial mask and whether the kernel manages it. */
  public record IrqAffinityMask(CpuMask mask, boolean managed) {}

  /**
   * irq_calc_affinity_vectors(): how many vectors are worth allocating: the reserved pre/post
   * ones plus at most one per possible CPU; 0 when minvec cannot even hold the reserved ones.
   */
  public static int calcAffinityVectors(
      int minvec, int maxvec, AffinityDescriptor affd, int possibleCpus) {
    if (minvec < 0 || maxvec < 0 || possibleCpus < 0) {
      throw new IllegalArgumentException("negative argument");
    }
    int resv = affd.preVectors() + affd.postVectors();
    if (resv > minvec) {
      return 0;
    }
    // unsigned arithmetic as in C: maxvec < resv wraps and min() then picks the other side
    int room = maxvec - resv;
    // With calc_sets the driver sizes the sets itself: not capped by the possible CPUs.
    int setVecs = affd.calcSets() != null ? room : possibleCpus;
    return resv + (Integer.compareUnsigned(setVecs, room) <= 0 ? setVecs : room);
  }

  /**
   * irq_create_affinity_masks(): pre vectors, then the spread (managed) vectors, then post
   * vectors. Pre/post get the default affinity (all possible CPUs). Returns an empty list when
   * no vector is left to spread (the kernel returns NULL and the caller uses defaults).
   *
   * <p>As in 6.12, asking for more spread vectors than possible CPUs yields EMPTY masks for the
   * surplus groups; irq descriptor allocation rejects those with EINVAL.
   */
  public static List<IrqAffinityMask> createAffinityMasks(
      int nvecs, AffinityDescriptor affd, CpuMask possible, CpuMask present) {
    int resv = affd.preVectors() + affd.postVectors();
    int affvecs = nvecs > resv ? nvecs - resv : 0;
    // The sets are recalculated even when nothing is spread: the driver adjusts to what it got.
    int[] sets = affd.sets(affvecs);
    if (sets.length > AffinityDescriptor.MAX_SETS || affvecs == 0) {
      return List.of();
    }
    List<IrqAffinityMask> out = new ArrayList<>(nvecs);
    IrqAffinityMask dflt = new IrqAffinityMask(possible, false);
    for (int v = 0; v < affd.preVectors(); v++) {
      out.add(dflt);
    }
    // Each set is spread over the CPUs separately.
    int usedvecs = 0;
    for (int size : sets) {
      for (CpuMask group : groupCpusEvenly(size, possible, present)) {
        out.add(new IrqAffinityMask(group, true));
      }
      usedvecs += size;
    }
    // Vectors at the end keep the default mask; everything between pre and post is managed.
    int curvec = affd.preVectors() + Math.min(usedvecs, affvecs);
    while (out.size() > curvec) {
      out.remove(out.size() - 1);
    }
    while (out.size() < nvecs) {
      out.add(new IrqAffinityMask(possible, out.size() < nvecs - affd.postVectors()));
    }
    for (int i = affd.preVectors(); i < nvecs - affd.postVectors(); i++) {
      if (!out.get(i).managed()) {
        out.set(i, new IrqAffinityMask(out.get(i).mask(), true));
      }
    }
    return out;
  }

  /**
   * group_cpus_evenly(): {@code numgrps} masks covering every possible CPU once; present CPUs
   * are grouped first, the possible-but-absent ones continue at the next group (wrapping).
   */
  public static List<CpuMask> groupCpusEvenly(int numgrps, CpuMask possible, CpuMask present) {
    if (numgrps <= 0) {
      return List.of();
    }
    CpuMask[] groups = new CpuMask[numgrps];
    Arrays.fill(groups, CpuMask.EMPTY);
    CpuMask presentPossible = present.and(possible);
    int nrPresent = spread(0, groups, presentPossible);
    int start = nrPresent >= numgrps ? 0 : nrPresent;
    spread(start, groups, possible.andNot(presentPossible));
    return List.of(groups);
  }

  /** __group_cpus_evenly() for one node: returns the number of groups it filled. */
  private static int spread(int startgrp, CpuMask[] groups, CpuMask cpus) {
    int numgrps = groups.length;
    int ncpus = cpus.cardinality();
    if (ncpus == 0) {
      return 0;
    }
    if (numgrps <= 1) { // one node covers all groups: it goes whole into the start group
      groups[startgrp] = groups[startgrp].or(cpus);
      return numgrps;
    }
    // alloc_nodes_groups(): a single node gets min(ncpus, numgrps) groups
    int ngroups = Math.min(ncpus, numgrps);
    int perGroup = ncpus / ngroups;
    int extra = ncpus - ngroups * perGroup; // the first 'extra' groups take one CPU more
    int[] cpuList = cpus.toArray();
    int next = 0;
    int cur = startgrp;
    for (int g = 0; g < ngroups; g++, cur++) {
      int take = perGroup + (extra > 0 ? 1 : 0);
      if (extra > 0) {
        extra--;
      }
      if (cur >= numgrps) {
        cur = 0;
      }
      CpuMask add = CpuMask.of(Arrays.copyOfRange(cpuList, next, next + take));
      next += take;
      groups[cur] = groups[cur].or(add);
    }
    return ngroups;
  }
}
