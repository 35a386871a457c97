package irqlab.kernel.irq;

import irqlab.kernel.cpu.CpuMask;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Multi-queue affinity spreading as Linux 6.12 does it (kernel/irq/affinity.c,
 * lib/group_cpus.c), for one NUMA node, no SMT siblings and a single interrupt set. Drivers ask
 * for it through pci_alloc_irq_vectors_affinity(); the masks become managed interrupts.
 */
public final class IrqAffinity {
  private IrqAffinity() {}

  /** struct irq_affinity: vectors before/after the spread ones that keep default affinity. */
  public record AffinityDescriptor(int preVectors, int postVectors) {
    public AffinityDescriptor {
      if (preVectors < 0 || postVectors < 0) {
        throw new IllegalArgumentException("negative pre/post vectors");
      }
    }

    public static final AffinityDescriptor NONE = new AffinityDescriptor(0, 0);
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
    // unsigned arithmetic as in C: maxvec < resv wraps and min() then picks possibleCpus
    int room = maxvec - resv;
    return resv + (Integer.compareUnsigned(possibleCpus, room) <= 0 ? possibleCpus : room);
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
    if (affvecs == 0) {
      return List.of();
    }
    List<IrqAffinityMask> out = new ArrayList<>(nvecs);
    IrqAffinityMask dflt = new IrqAffinityMask(possible, false);
    for (int v = 0; v < affd.preVectors(); v++) {
      out.add(dflt);
    }
    for (CpuMask group : groupCpusEvenly(affvecs, possible, present)) {
      out.add(new IrqAffinityMask(group, true));
    }
    while (out.size() < nvecs) {
      out.add(dflt);
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
