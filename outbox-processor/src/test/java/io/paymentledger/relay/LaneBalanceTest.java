package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LaneBalanceTest {
    private static Set<Integer> lanes(int from, int to) {
        return IntStream.range(from, to).boxed().collect(Collectors.toSet());
    }

    @Test
    void theLanesSplitEvenlyAndEveryLaneHasAnOwner() {
        assertThat(LaneBalance.share(32, 1)).isEqualTo(32);
        assertThat(LaneBalance.share(32, 2)).isEqualTo(16);
        assertThat(LaneBalance.share(32, 3)).as("11 + 11 + 10").isEqualTo(11);
        assertThat(LaneBalance.share(32, 40)).as("more instances than lanes: some hold none").isEqualTo(1);
        assertThat(LaneBalance.share(32, 0)).as("this instance always counts").isEqualTo(32);
    }

    @Test
    void anInstanceOverItsShareGivesUpItsHighestLanes() {
        LaneBalance plan = LaneBalance.plan(32, 2, lanes(0, 32));

        assertThat(plan.acquire()).isZero();
        assertThat(plan.release()).containsExactlyElementsOf(
                IntStream.iterate(31, lane -> lane >= 16, lane -> lane - 1).boxed().toList());
    }

    @Test
    void anInstanceUnderItsShareTakesWhatItLacks() {
        LaneBalance plan = LaneBalance.plan(32, 3, lanes(0, 4));

        assertThat(plan.acquire()).isEqualTo(7);
        assertThat(plan.release()).isEmpty();
    }

    @Test
    void anInstanceAtItsShareKeepsItsLanes() {
        assertThat(LaneBalance.plan(32, 2, lanes(16, 32))).isEqualTo(new LaneBalance(0, java.util.List.of()));
    }
}
