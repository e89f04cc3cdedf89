package io.paymentledger.consumer.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.paymentledger.db.jooq.tables.records.PaymentStateRecord;
import io.paymentledger.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jooq.Cursor;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Compares the live projection with the rebuilt one, streaming both in payment id order (byte order) in one
 * snapshot: each side's checksum is the SHA-256 of its states' JSON (as on the state topic, so the write time is not
 * part of it) in that order, and payments are matched one by one to count and show the differences.
 */
public final class ProjectionComparison {
    private static final int FETCH_SIZE = 1_000;
    private static final int MAX_EXAMPLES = 10;

    private ProjectionComparison() {
    }

    /**
     * @param examples the first differences, e.g. {@code "01J... live {...} rebuilt {...}"} or a payment one side lacks
     */
    public record Result(long liveRows, String liveChecksum, long rebuiltRows, String rebuiltChecksum, long differing,
                         List<String> examples) {
        public boolean equal() {
            return differing == 0 && liveRows == rebuiltRows && liveChecksum.equals(rebuiltChecksum);
        }
    }

    public static Result compare(DSLContext dsl, String groupId) {
        PaymentStateStore live = PaymentStateStore.live(groupId);
        PaymentStateStore rebuilt = PaymentStateStore.rebuild(groupId);
        // Both sides from one snapshot: a read-only repeatable-read transaction (the pool resets the connection).
        return dsl.connectionResult(connection -> {
            connection.setAutoCommit(false);
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setReadOnly(true);
            DSLContext tx = DSL.using(connection, SQLDialect.POSTGRES);
            try (Cursor<PaymentStateRecord> a = live.inOrder(tx, FETCH_SIZE);
                 Cursor<PaymentStateRecord> b = rebuilt.inOrder(tx, FETCH_SIZE)) {
                return merge(new Side(live, a), new Side(rebuilt, b));
            } finally {
                connection.rollback();
            }
        });
    }

    /** One table's cursor, its current state (null when done), its count and digest. */
    private static final class Side {
        private final PaymentStateStore store;
        private final Cursor<PaymentStateRecord> cursor;
        private final MessageDigest digest = sha256();
        private long rows;
        private PaymentState current;
        private String currentJson;

        Side(PaymentStateStore store, Cursor<PaymentStateRecord> cursor) {
            this.store = store;
            this.cursor = cursor;
            advance();
        }

        void advance() {
            PaymentStateRecord row = cursor.fetchNext();
            current = row == null ? null : store.state(row);
            currentJson = current == null ? null : json(current);
            if (current != null) {
                rows++;
                digest.update(currentJson.getBytes(StandardCharsets.UTF_8));
                digest.update((byte) '\n');
            }
        }

        String checksum() {
            return HexFormat.of().formatHex(digest.digest());
        }
    }

    private static Result merge(Side live, Side rebuilt) {
        long differing = 0;
        List<String> examples = new ArrayList<>();
        while (live.current != null || rebuilt.current != null) {
            int order = live.current == null ? 1 : rebuilt.current == null ? -1
                    : live.current.paymentId().compareTo(rebuilt.current.paymentId());
            String difference = null;
            if (order < 0) {
                difference = live.current.paymentId() + " only in the live projection: " + live.currentJson;
                live.advance();
            } else if (order > 0) {
                difference = rebuilt.current.paymentId() + " only in the rebuilt projection: " + rebuilt.currentJson;
                rebuilt.advance();
            } else {
                if (!live.currentJson.equals(rebuilt.currentJson)) {
                    difference = live.current.paymentId() + " live " + live.currentJson + " rebuilt "
                            + rebuilt.currentJson;
                }
                live.advance();
                rebuilt.advance();
            }
            if (difference != null) {
                differing++;
                if (examples.size() < MAX_EXAMPLES) {
                    examples.add(difference);
                }
            }
        }
        return new Result(live.rows, live.checksum(), rebuilt.rows, rebuilt.checksum(), differing, examples);
    }

    private static String json(PaymentState state) {
        try {
            return Json.mapper().writeValueAsString(PaymentStateJson.toJson(state));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("payment state of " + state.paymentId() + " could not be serialized", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
