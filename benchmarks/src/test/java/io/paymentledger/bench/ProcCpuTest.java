package io.paymentledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcCpuTest {
    @Test
    void readsUserPlusSystemTimeEvenWhenTheThreadNameHasSpacesAndParentheses() {
        String stat = "4242 (C2 CompilerThre) (x) S 1 4242 4242 0 -1 4194560 1 0 0 0 830 3 0 0 20 0 1 0 7 0 0";

        assertThat(ProcCpu.ticksOfStat(stat)).isEqualTo(833);
    }

    @Test
    void machineBusyTimeLeavesOutIdleAndIowait() {
        String cpuLine = "cpu  100 5 40 9000 70 3 2 1 50 0";

        assertThat(ProcCpu.busyTicksOfMachine(cpuLine)).isEqualTo(100 + 5 + 40 + 3 + 2 + 1);
    }

    @Test
    void cpuPerEventSplitsTheMachineIntoRelayPostgresAndTheRest() {
        CpuUse start = new CpuUse(1_000, 0, 0, 500);
        CpuUse end = new CpuUse(1_000 + 240, 100, 200, 500 + 80);

        assertThat(end.perEventSince(start, 20_000)).isEqualTo("cpu per event: machine 120 us = relay 50 (JIT 10) "
                + "+ PostgreSQL 40 + rest (broker, writers, reader) 30");
    }
}
