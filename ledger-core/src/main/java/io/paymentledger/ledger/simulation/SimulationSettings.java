package io.paymentledger.ledger.simulation;

/**
 * What a simulation runs.
 *
 * @param accounts  customer accounts to open first (2-1,000,000)
 * @param payments  payment flows to run (1 or more)
 * @param threads   flows running at once (1-256)
 * @param rate      payment flows started per second across all threads; 0 = as fast as possible
 * @param seed      seeds every flow's choices: flow i draws from (seed, i), so a seed replays the same flows
 * @param runId     prefix of this run's account ids and idempotency keys, so runs never collide
 */
public record SimulationSettings(int accounts, long payments, int threads, double rate, long seed, String runId) {
    public SimulationSettings {
        if (accounts < 2 || accounts > 1_000_000) {
            throw new IllegalArgumentException("--accounts must be 2-1000000 but was " + accounts);
        }
        if (payments < 1) {
            throw new IllegalArgumentException("--payments must be at least 1 but was " + payments);
        }
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("--threads must be 1-256 but was " + threads);
        }
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate must be 0 (unlimited) or a positive number of payments per"
                    + " second but was " + rate);
        }
        if (runId == null || !runId.matches("[a-z0-9]{1,16}")) {
            throw new IllegalArgumentException("runId must be 1-16 lower-case letters or digits but was '" + runId + "'");
        }
    }
}
