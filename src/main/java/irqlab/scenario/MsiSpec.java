package irqlab.scenario;

/** The MSI capability: vector count (power of two, 1..32), per-vector masking, 64-bit address. */
public record MsiSpec(int vectors, boolean maskable, boolean address64) {}
