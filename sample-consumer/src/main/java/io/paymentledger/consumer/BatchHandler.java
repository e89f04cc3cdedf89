package io.paymentledger.consumer;

import io.paymentledger.consumer.Validation.RejectReason;
import io.paymentledger.consumer.state.PaymentProjection;
import io.paymentledger.consumer.state.PaymentState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.exception.SQLStateClass;

/**
 * Validates a poll's records and applies them in the database: normally all in one transaction; in isolation mode
 * (after the batch failed repeatedly) one transaction per record, so a record the database refuses for its data is
 * rejected as {@code processing_failed} instead of blocking its partition for ever. The caller commits offsets after.
 */
final class BatchHandler {
    private final String groupId;
    private final DSLContext dsl;
    private final Clock clock;
    private final EnvelopeValidator validator;
    private final InboxStore inbox = new InboxStore();
    private final AggregateProgress progress = new AggregateProgress();
    private final RejectionStore rejections = new RejectionStore();
    private final PaymentProjection projection;
    private final Consumer<List<PaymentState>> publishStates;

    /**
     * @param publishStates publishes the payment states a batch changed and returns once they are acknowledged; it
     *                      runs inside the batch's transaction, so a failure rolls the batch back
     */
    BatchHandler(String groupId, DSLContext dsl, Clock clock, EnvelopeValidator validator,
                 Consumer<List<PaymentState>> publishStates) {
        this.groupId = groupId;
        this.dsl = dsl;
        this.clock = clock;
        this.validator = validator;
        this.projection = PaymentProjection.live(groupId);
        this.publishStates = publishStates;
    }

    /** What a batch did, to report once its offsets are committed. */
    record Outcome(List<Envelope> applied, List<Envelope> duplicates, List<AggregateProgress.Flag> flags,
                   List<RejectedRecord> rejected, Map<String, String> traceIds) {
    }

    /** A record and its verdict. */
    private record Checked(ConsumerRecord<String, byte[]> record, Validation verdict) {
    }

    /** Each valid event's trace id (from its {@code traceparent} header), by event id; events without one are absent. */
    private static Map<String, String> traceIds(List<Checked> checked) {
        Map<String, String> traceIds = new HashMap<>();
        for (Checked one : checked) {
            if (one.verdict() instanceof Validation.Valid ok) {
                TraceIds.of(one.record()).ifPresent(id -> traceIds.put(ok.envelope().eventId(), id));
            }
        }
        return traceIds;
    }

    /** Applies the whole batch in one transaction. */
    Outcome apply(Iterable<ConsumerRecord<String, byte[]>> records) {
        List<Envelope> valid = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();
        List<Checked> all = check(records);
        for (Checked checked : all) {
            if (checked.verdict() instanceof Validation.Valid ok) {
                valid.add(ok.envelope());
            } else {
                rejected.add(RejectedRecord.of(checked.record(), (Validation.Invalid) checked.verdict()));
            }
        }
        return inTransaction(valid, rejected, traceIds(all));
    }

    /**
     * Inbox and notifications, version progress, payment states and rejections of these records, in one
     * transaction; the changed states are published before it commits.
     */
    private Outcome inTransaction(List<Envelope> valid, List<RejectedRecord> rejected, Map<String, String> traceIds) {
        Instant now = clock.instant();
        return dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            InboxStore.BatchResult result = inbox.applyOnce(tx, groupId, valid, now, traceIds);
            List<AggregateProgress.Flag> flags = progress.track(tx, groupId, result.applied(), now);
            List<PaymentState> states = projection.apply(tx, result.applied(), now);
            rejections.record(tx, groupId, rejected, now);
            if (!states.isEmpty()) {
                publishStates.accept(states);
            }
            return new Outcome(result.applied(), result.duplicates(), flags, rejected, traceIds);
        });
    }

    /**
     * Applies each valid record in its own transaction. A record refused for its data (SQLSTATE class 22, 23 or 54)
     * is rejected; any other failure (the database is down) is thrown, and the batch is tried again later.
     */
    Outcome applyOneByOne(Iterable<ConsumerRecord<String, byte[]>> records) {
        List<Envelope> applied = new ArrayList<>();
        List<Envelope> duplicates = new ArrayList<>();
        List<AggregateProgress.Flag> flags = new ArrayList<>();
        List<RejectedRecord> rejected = new ArrayList<>();
        List<Checked> all = check(records);
        Map<String, String> traceIds = traceIds(all);
        for (Checked checked : all) {
            if (!(checked.verdict() instanceof Validation.Valid ok)) {
                rejected.add(RejectedRecord.of(checked.record(), (Validation.Invalid) checked.verdict()));
                continue;
            }
            try {
                Outcome one = inTransaction(List.of(ok.envelope()), List.of(), traceIds);
                applied.addAll(one.applied());
                duplicates.addAll(one.duplicates());
                flags.addAll(one.flags());
            } catch (DataAccessException e) {
                if (!refusedForItsData(e)) {
                    throw e;
                }
                rejected.add(RejectedRecord.of(checked.record(), new Validation.Invalid(RejectReason.PROCESSING_FAILED,
                        "the database refused it (SQLSTATE " + e.sqlState() + "): " + e.getMessage(),
                        ok.envelope().eventId())));
            }
        }
        inTransaction(List.of(), rejected, Map.of());
        return new Outcome(applied, duplicates, flags, rejected, traceIds);
    }

    private static boolean refusedForItsData(DataAccessException e) {
        SQLStateClass stateClass = e.sqlStateClass();
        return stateClass == SQLStateClass.C22_DATA_EXCEPTION
                || stateClass == SQLStateClass.C23_INTEGRITY_CONSTRAINT_VIOLATION
                // class 54, program limit exceeded (e.g. an index row too large); jOOQ has no constant for it
                || String.valueOf(e.sqlState()).startsWith("54");
    }

    private List<Checked> check(Iterable<ConsumerRecord<String, byte[]>> records) {
        List<Checked> checked = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            checked.add(new Checked(record, validator.validate(record.value())));
        }
        return checked;
    }
}
