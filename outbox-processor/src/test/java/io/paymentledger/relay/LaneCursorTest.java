package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LaneCursorTest {
    @Test
    void theTransactionsCertainlyInABatchStartAfterTheOldSnapshotAndEndedBeforeTheNewOne() {
        LaneCursor cursor = new LaneCursor("90:100:95,97", "120:130:120,125", 0L, 10L);

        assertThat(cursor.certainRange()).containsExactly(100L, 120L);
    }

    @Test
    void aBatchAcrossALongTransactionHasNoCertainRangeAndEveryRowIsChecked() {
        LaneCursor cursor = new LaneCursor("90:100:90", "90:130:90", 0L, 10L);

        long[] certain = cursor.certainRange();
        assertThat(certain[0]).isGreaterThanOrEqualTo(certain[1]);
    }

    @Test
    void aPageThatCompletesItsBatchLeavesTheLaneBetweenBatches() {
        LaneCursor cursor = new LaneCursor("90:100:", "120:130:", 5L, 50L);

        assertThat(cursor.readTo(50, true)).isEqualTo(LaneCursor.at("120:130:"));
        assertThat(cursor.readTo(30, false)).isEqualTo(new LaneCursor("90:100:", "120:130:", 30L,
                50L));
    }
}
