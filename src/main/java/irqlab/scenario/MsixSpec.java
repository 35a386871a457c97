package irqlab.scenario;

/** The MSI-X capability: the number of table entries (1..2048). */
public record MsixSpec(int table) {}
