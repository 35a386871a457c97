package irqlab.scenario;

import java.util.List;

/**
 * Interrupt message store: where the device keeps messages ({@code device} array or
 * {@code host-memory}), how many slots, and how many entries its on-device cache holds.
 */
public record ImsSpec(String storage, int slots, int cache) {
  public static final List<String> STORAGES = List.of("device", "host-memory");

  public boolean inHostMemory() {
    return storage.equals("host-memory");
  }
}
