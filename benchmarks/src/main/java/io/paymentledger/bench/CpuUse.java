package io.paymentledger.bench;

import java.util.Locale;

/**
 * Where the CPU went, as clock ticks used so far: the whole machine, the relay processes, their JIT compilers, and
 * PostgreSQL's processes (the embedded server's; 0 for a database on another host). The difference of two snapshots,
 * per event, says what an event cost each of them, so which process a change made cheaper. The rest of the machine
 * is the broker, the benchmark's writers and its reader of acknowledgements.
 */
record CpuUse(long machineTicks, long relayTicks, long relayCompilerMillis, long postgresTicks) {
    static CpuUse now(RelayProcesses relays) {
        return new CpuUse(ProcCpu.machine(), relays.cpuTicks(), relays.compilerCpuMillis(),
                ProcCpu.processesNamed("postgres"));
    }

    /**
     * The CPU an event cost between {@code start} and this snapshot, in microseconds, for the notes:
     * {@code cpu per event: machine 120 us = relay 50 (JIT 12) + PostgreSQL 40 + rest 30}.
     */
    String perEventSince(CpuUse start, int events) {
        double machine = micros(machineTicks - start.machineTicks, events);
        double relay = micros(relayTicks - start.relayTicks, events);
        double compilers = (relayCompilerMillis - start.relayCompilerMillis) * 1000.0 / Math.max(1, events);
        double postgres = micros(postgresTicks - start.postgresTicks, events);
        return String.format(Locale.ROOT, "cpu per event: machine %.0f us = relay %.0f (JIT %.0f) + PostgreSQL %.0f "
                + "+ rest (broker, writers, reader) %.0f", machine, relay, compilers, postgres,
                machine - relay - postgres);
    }

    private static double micros(long ticks, int events) {
        return ticks * 1_000_000.0 / ProcCpu.TICKS_PER_SECOND / Math.max(1, events);
    }
}
