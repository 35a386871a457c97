package irqlab.scenario;

import java.util.List;

/** What a driver asks of {@code pci_alloc_irq_vectors()}: a range, a kind and an affinity. */
public record VectorsSpec(int min, int max, String kind, Affinity affinity) {
  public static final List<String> KINDS = IrqName.KINDS;
}
