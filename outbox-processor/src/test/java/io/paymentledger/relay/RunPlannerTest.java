package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.relay.RunPlanner.Candidate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunPlannerTest {
    private static final AggregateKey A = new AggregateKey("Payment", "a");
    private static final AggregateKey B = new AggregateKey("Payment", "b");

    private static Candidate row(long id, AggregateKey aggregate, long version) {
        return row(id, aggregate, version, "PaymentAuthorized");
    }

    private static Candidate row(long id, AggregateKey aggregate, long version, String eventType) {
        return new Candidate(id, aggregate.type(), aggregate.id(), version, eventType);
    }

    @Test
    void takesConsecutiveVersionsFromTheHeadOfEachAggregate() {
        RunPlanner planner = new RunPlanner(100, false);
        List<Candidate> window = List.of(row(1, A, 1), row(2, B, 7), row(3, A, 2), row(4, B, 8), row(5, A, 3));

        planner.add(window, Map.of(A, 1L, B, 2L));

        assertThat(planner.chosen()).containsExactly(1L, 3L, 5L, 2L, 4L);
    }

    @Test
    void aPendingVersionOneIsItsAggregatesHeadWithoutALookup() {
        RunPlanner planner = new RunPlanner(100, false);
        List<Candidate> window = List.of(row(1, A, 1), row(2, B, 7), row(3, A, 2));

        assertThat(planner.unseen(window)).as("aggregates whose heads must be looked up").containsExactly(B);
        planner.add(window, Map.of(B, 2L));

        assertThat(planner.chosen()).containsExactly(1L, 3L, 2L);
    }

    @Test
    void blocksAnAggregateWhoseHeadIsNotClaimable() {
        RunPlanner planner = new RunPlanner(100, false);
        // A's head (id 9, in flight elsewhere or backing off) is not in the window: none of A may go.
        planner.add(List.of(row(10, A, 2), row(11, B, 1), row(12, A, 3)), Map.of(A, 9L, B, 11L));

        assertThat(planner.chosen()).containsExactly(11L);
    }

    @Test
    void endsARunAtTheFirstMissingVersion() {
        RunPlanner planner = new RunPlanner(100, false);
        planner.add(List.of(row(1, A, 1), row(2, A, 2), row(4, A, 4), row(5, A, 5)), Map.of(A, 1L));

        assertThat(planner.chosen()).containsExactly(1L, 2L);
    }

    @Test
    void keepsVersionOrderWhenIdsAreOutOfOrder() {
        RunPlanner planner = new RunPlanner(100, false);
        planner.add(List.of(row(1, A, 2), row(2, A, 1)), Map.of(A, 2L));

        assertThat(planner.chosen()).containsExactly(2L, 1L);
    }

    @Test
    void endsARunWhereTheEventTypeChangesWhenRunsKeepTheirTopic() {
        RunPlanner sameTopic = new RunPlanner(100, true);
        RunPlanner anyTopic = new RunPlanner(100, false);
        List<Candidate> window = List.of(row(1, A, 1, "PaymentAuthorized"), row(2, A, 2, "PaymentCaptured"));

        sameTopic.add(window, Map.of(A, 1L));
        anyTopic.add(window, Map.of(A, 1L));

        assertThat(sameTopic.chosen()).containsExactly(1L);
        assertThat(anyTopic.chosen()).containsExactly(1L, 2L);
    }

    @Test
    void continuesARunIntoTheNextWindowButNotABlockedAggregate() {
        RunPlanner planner = new RunPlanner(100, false);
        planner.add(List.of(row(1, A, 1), row(2, B, 5)), Map.of(A, 1L, B, 1L));
        List<Candidate> next = List.of(row(3, A, 2), row(4, B, 6));

        assertThat(planner.unseen(next)).isEmpty();
        planner.add(next, Map.of());

        assertThat(planner.chosen()).containsExactly(1L, 3L);
    }

    @Test
    void stopsAtTheLimit() {
        RunPlanner planner = new RunPlanner(2, false);
        planner.add(List.of(row(1, A, 1), row(2, A, 2), row(3, A, 3), row(4, B, 1)), Map.of(A, 1L, B, 4L));

        assertThat(planner.full()).isTrue();
        assertThat(planner.chosen()).containsExactly(1L, 2L);
    }
}
