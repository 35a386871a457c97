package irqlab.scenario;

/** A driver bound to a device and the interrupt vectors it asks for. */
public record DriverSpec(String device, String driver, VectorsSpec vectors, Loc loc) {}
