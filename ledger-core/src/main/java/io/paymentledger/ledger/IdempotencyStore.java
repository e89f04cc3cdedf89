package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.IDEMPOTENCY_KEY;

import io.paymentledger.db.jooq.tables.records.IdempotencyKeyRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * Command idempotency keys. Claiming a key inserts it inside the command's transaction: a concurrent retry with the
 * same key waits on the unique index until the first transaction ends, then sees its row (or takes the key if the
 * first rolled back). So exactly one of any number of concurrent retries does the work.
 */
final class IdempotencyStore {

    /** Claims the key for this request; empty when the key is new, else the row recorded by an earlier request. */
    Optional<IdempotencyKeyRecord> claim(DSLContext tx, String key, String command, String requestHash,
                                         String paymentId, Instant at) {
        int inserted = tx.insertInto(IDEMPOTENCY_KEY)
                .set(IDEMPOTENCY_KEY.IDEMPOTENCY_KEY_, key)
                .set(IDEMPOTENCY_KEY.COMMAND, command)
                .set(IDEMPOTENCY_KEY.REQUEST_HASH, requestHash)
                .set(IDEMPOTENCY_KEY.PAYMENT_ID, paymentId)
                .set(IDEMPOTENCY_KEY.CREATED_AT, at.atOffset(ZoneOffset.UTC))
                .onConflictDoNothing()
                .execute();
        if (inserted == 1) {
            return Optional.empty();
        }
        return Optional.of(tx.selectFrom(IDEMPOTENCY_KEY).where(IDEMPOTENCY_KEY.IDEMPOTENCY_KEY_.eq(key)).fetchSingle());
    }

    /**
     * Records the command's result on its key, in the command's transaction, so that a replay returns it without
     * reading anything else.
     */
    void complete(DSLContext tx, String key, String eventId, long aggregateVersion, long amountMinor,
                  PaymentStatus status) {
        tx.update(IDEMPOTENCY_KEY)
                .set(IDEMPOTENCY_KEY.EVENT_ID, eventId)
                .set(IDEMPOTENCY_KEY.AGGREGATE_VERSION, aggregateVersion)
                .set(IDEMPOTENCY_KEY.AMOUNT_MINOR, amountMinor)
                .set(IDEMPOTENCY_KEY.PAYMENT_STATUS, status.code())
                .where(IDEMPOTENCY_KEY.IDEMPOTENCY_KEY_.eq(key))
                .execute();
    }

    /** A stable fingerprint of a request's fields, to tell a retry from a different request under the same key. */
    static String hash(String... fields) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String field : fields) {
                digest.update(String.valueOf(field).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
