package irqlab.scenario;

/** One timeline step: at virtual time {@code atNs}, do {@code action}. */
public record TimelineEntry(long atNs, Action action, Loc loc) {}
