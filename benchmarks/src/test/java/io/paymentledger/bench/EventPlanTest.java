package io.paymentledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventPlanTest {
    private final EventPlan plan = new EventPlan(25_000, 1_000, 400);

    @Test
    void mapsEveryEventBackFromItsKeyAndVersion() {
        for (int event = 0; event < plan.events(); event += 7) {
            assertThat(plan.eventOf(plan.aggregateId(event), plan.version(event))).isEqualTo(event);
        }
    }

    @Test
    void spreadsEventsRoundRobinSoEachAggregateGetsConsecutiveVersions() {
        assertThat(plan.aggregateId(0)).isEqualTo(plan.aggregateId(1_000));
        assertThat(plan.version(0)).isEqualTo(1);
        assertThat(plan.version(1_000)).isEqualTo(2);
        assertThat(plan.aggregateId(999)).isNotEqualTo(plan.aggregateId(1_000));
    }

    @Test
    void refusesRecordsThatAreNotThisRunsEvents() {
        assertThat(plan.eventOf("warmup-3", 1)).isEqualTo(-1);
        assertThat(plan.eventOf("bench-1000", 1)).isEqualTo(-1);
        assertThat(plan.eventOf("bench-3", 26)).isEqualTo(-1);
        assertThat(plan.eventOf("bench-x", 1)).isEqualTo(-1);
        assertThat(plan.eventOf(null, 1)).isEqualTo(-1);
        assertThat(EventPlan.parseVersion("12".getBytes(StandardCharsets.UTF_8))).isEqualTo(12);
        assertThat(EventPlan.parseVersion("v1".getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
    }

    @Test
    void payloadIsValidJsonOfTheAskedSize() throws Exception {
        String payload = plan.payload(24_999);

        assertThat(payload.getBytes(StandardCharsets.UTF_8)).hasSize(400);
        assertThat(new ObjectMapper().readTree(payload).get("n").asText()).isEqualTo("0000024999");
    }

    @Test
    void warmupEventsHaveTheirOwnTypeAndAggregates() {
        EventPlan warmup = EventPlan.warmup(0, 100, 10, 400);

        assertThat(warmup.eventType()).isNotEqualTo(plan.eventType());
        assertThat(plan.eventOf(warmup.aggregateId(5), warmup.version(5))).isEqualTo(-1);
    }

    @Test
    void eachWarmupRoundHasAggregatesOfItsOwn() {
        EventPlan first = EventPlan.warmup(0, 100, 10, 400);
        EventPlan second = EventPlan.warmup(1, 100, 10, 400);

        assertThat(second.aggregateId(5)).isNotEqualTo(first.aggregateId(5));
        assertThat(second.version(5)).as("versions start again at 1").isEqualTo(first.version(5)).isEqualTo(1);
    }
}
