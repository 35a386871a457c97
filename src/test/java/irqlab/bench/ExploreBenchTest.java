package irqlab.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** bench explore's bookkeeping (the figures themselves are measured, never asserted). */
class ExploreBenchTest {
  @Test
  void twoJobsCountTheSchedulesOfBothAndSayHowManyJobsRan() throws Exception {
    ExploreBench.Result r = ExploreBench.run(0.01, 0.05, 2);
    assertThat(r.jobs()).isEqualTo(2);
    assertThat(r.rates()).extracting(ExploreBench.Rate::scenario)
        .containsExactly("msix-affinity-race", "race-msi-move");
    // Each job runs at least one schedule in its measured window, so two jobs count at least two.
    assertThat(r.rates()).allSatisfy(x -> {
      assertThat(x.schedules()).isGreaterThanOrEqualTo(2);
      assertThat(x.steps()).isGreaterThan(x.schedules());
    });
    assertThat(r.toText()).contains("2 jobs");
    assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.toJson()).get("jobs").asInt()).isEqualTo(2);
  }
}
