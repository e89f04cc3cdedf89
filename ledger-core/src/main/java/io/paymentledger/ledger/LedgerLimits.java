package io.paymentledger.ledger;

import io.paymentledger.config.Env;

/**
 * Input limits of the ledger, checked before anything is written.
 *
 * @param maxMetadataBytes size of a payment's metadata, serialized as compact JSON in UTF-8
 *                         ({@value #METADATA_MAX_BYTES}, default 65536 = 64 KiB, at most 524288)
 * @param maxMetadataDepth nesting of a payment's metadata; the object itself is level 1
 *                         ({@value #METADATA_MAX_DEPTH}, default 10, at most 100)
 */
public record LedgerLimits(int maxMetadataBytes, int maxMetadataDepth) {
    public static final String METADATA_MAX_BYTES = "LEDGER_METADATA_MAX_BYTES";
    public static final String METADATA_MAX_DEPTH = "LEDGER_METADATA_MAX_DEPTH";
    /** Half a MiB: metadata travels in events, and Kafka's default record limit is 1 MiB. */
    static final int BYTES_CEILING = 512 * 1024;
    static final int DEPTH_CEILING = 100;
    public static final LedgerLimits DEFAULTS = new LedgerLimits(64 * 1024, 10);

    public LedgerLimits {
        if (maxMetadataBytes < 2 || maxMetadataBytes > BYTES_CEILING) {
            throw new IllegalArgumentException("maxMetadataBytes must be 2-" + BYTES_CEILING + " but was "
                    + maxMetadataBytes);
        }
        if (maxMetadataDepth < 1 || maxMetadataDepth > DEPTH_CEILING) {
            throw new IllegalArgumentException("maxMetadataDepth must be 1-" + DEPTH_CEILING + " but was "
                    + maxMetadataDepth);
        }
    }

    /** Reads {@value #METADATA_MAX_BYTES} and {@value #METADATA_MAX_DEPTH}; a bad value names its variable. */
    public static LedgerLimits fromEnv(Env env) {
        return new LedgerLimits(
                env.integer(METADATA_MAX_BYTES, DEFAULTS.maxMetadataBytes(), 2, BYTES_CEILING),
                env.integer(METADATA_MAX_DEPTH, DEFAULTS.maxMetadataDepth(), 1, DEPTH_CEILING));
    }
}
