package irqlab.hw.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The local APIC's IRR, ISR and TMR as the Intel SDM (vol. 3, 11.8.3 to 11.8.5) defines them:
 * one IRR bit per vector (a second message merges), acceptance of the highest IRR vector only
 * when its priority class (vector >> 4) is above the highest in-service class, EOI retiring the
 * highest in-service vector and broadcasting to the IO-APICs when its TMR bit is set, and INIT
 * clearing all three.
 */
class LocalApicTest {
  private final LocalApic apic = new LocalApic(3);
  private final List<Integer> broadcasts = new ArrayList<>();

  LocalApicTest() {
    apic.setEoiBroadcast(broadcasts::add);
  }

  @Test
  void aMessageSetsItsIrrBitAndASecondOneMerges() {
    assertThat(apic.apicId()).isEqualTo(3);
    assertThat(apic.highestPending()).isEqualTo(-1);
    assertThat(apic.hasDeliverable()).isFalse();
    assertThat(apic.acknowledge()).isEqualTo(-1);
    assertThat(apic.accept(0x41)).isTrue();
    assertThat(apic.accept(0x41)).isFalse();
    assertThat(apic.acceptedMessages()).isEqualTo(2);
    assertThat(apic.mergedMessages()).isEqualTo(1);
    assertThat(apic.irrPending(0x41)).isTrue();
    assertThat(apic.irrPending(0x40)).isFalse();
    assertThat(apic.irrPending(0x01)).as("same bit in another IRR word").isFalse();
    assertThat(apic.highestPending()).isEqualTo(0x41);
    assertThat(apic.hasDeliverable()).isTrue();
  }

  @Test
  void theHighestVectorIsTakenFirstAcrossTheIrrWords() {
    for (int v : new int[] {0x22, 0xec, 0x81, 0x7f, 0xff}) {
      apic.accept(v);
    }
    assertThat(apic.highestPending()).isEqualTo(0xff);
    List<Integer> taken = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int v = apic.acknowledge();
      taken.add(v);
      assertThat(apic.inService(v)).isTrue();
      assertThat(apic.irrPending(v)).isFalse();
      apic.eoi();
      assertThat(apic.inService(v)).isFalse();
    }
    assertThat(taken).containsExactly(0xff, 0xec, 0x81, 0x7f, 0x22);
    assertThat(apic.highestPending()).isEqualTo(-1);
    assertThat(apic.highestInService()).isEqualTo(-1);
  }

  @Test
  void aVectorWaitsWhileItsClassIsNotAboveTheInServiceClass() {
    apic.accept(0x45);
    assertThat(apic.acknowledge()).isEqualTo(0x45);
    assertThat(apic.highestInService()).isEqualTo(0x45);
    // Same class (4): held, even a higher vector.
    apic.accept(0x4f);
    assertThat(apic.hasDeliverable()).isFalse();
    assertThat(apic.acknowledge()).isEqualTo(-1);
    // A lower class: held.
    apic.accept(0x33);
    assertThat(apic.hasDeliverable()).isFalse();
    // A higher class nests.
    apic.accept(0x50);
    assertThat(apic.hasDeliverable()).isTrue();
    assertThat(apic.acknowledge()).isEqualTo(0x50);
    assertThat(apic.highestInService()).isEqualTo(0x50);
    // EOI retires the highest in service (0x50), then 0x4f can still not come in over 0x45.
    apic.eoi();
    assertThat(apic.highestInService()).isEqualTo(0x45);
    assertThat(apic.hasDeliverable()).isFalse();
    apic.eoi();
    assertThat(apic.highestInService()).isEqualTo(-1);
    assertThat(apic.acknowledge()).isEqualTo(0x4f);
    apic.eoi();
    assertThat(apic.acknowledge()).isEqualTo(0x33);
    apic.eoi();
    apic.eoi(); // nothing in service: no effect
    assertThat(apic.highestInService()).isEqualTo(-1);
    assertThat(broadcasts).isEmpty();
  }

  @Test
  void theEoiOfALevelVectorIsBroadcastAndAnEdgeMessageClearsTheTmrBit() {
    assertThat(apic.accept(0x61, true)).isTrue();
    assertThat(apic.accept(0x61, true)).as("merged").isFalse();
    assertThat(apic.mergedMessages()).isEqualTo(1);
    assertThat(apic.levelTriggered(0x61)).isTrue();
    apic.acknowledge();
    apic.eoi();
    assertThat(broadcasts).containsExactly(0x61);
    apic.accept(0x61, false);
    assertThat(apic.levelTriggered(0x61)).isFalse();
    apic.acknowledge();
    apic.eoi();
    assertThat(broadcasts).containsExactly(0x61);
    // Without a broadcast target the EOI only retires the vector.
    LocalApic lone = new LocalApic(0);
    lone.accept(0x70, true);
    lone.acknowledge();
    lone.eoi();
    assertThat(lone.inService(0x70)).isFalse();
  }

  @Test
  void clearPendingDropsOneVectorAndKeepsTheNextHighest() {
    apic.accept(0x90);
    apic.accept(0x30);
    apic.clearPending(0x30);
    assertThat(apic.highestPending()).isEqualTo(0x90);
    apic.accept(0x30);
    apic.clearPending(0x90);
    assertThat(apic.irrPending(0x90)).isFalse();
    assertThat(apic.highestPending()).isEqualTo(0x30);
    apic.clearPending(0x30);
    assertThat(apic.highestPending()).isEqualTo(-1);
    assertThat(apic.hasDeliverable()).isFalse();
  }

  @Test
  void initClearsIrrIsrAndTmr() {
    apic.accept(0x41, true);
    apic.accept(0xb0);
    apic.acknowledge(); // 0xb0 in service
    apic.accept(0xc1, true);
    apic.init();
    for (int v : new int[] {0x41, 0xb0, 0xc1}) {
      assertThat(apic.irrPending(v)).isFalse();
      assertThat(apic.inService(v)).isFalse();
      assertThat(apic.levelTriggered(v)).isFalse();
    }
    assertThat(apic.highestPending()).isEqualTo(-1);
    assertThat(apic.highestInService()).isEqualTo(-1);
    assertThat(apic.hasDeliverable()).isFalse();
    // After INIT a low vector is deliverable at once: nothing in service holds it back.
    apic.accept(0x22);
    assertThat(apic.acknowledge()).isEqualTo(0x22);
    apic.eoi();
    assertThat(broadcasts).isEmpty();
  }
}
