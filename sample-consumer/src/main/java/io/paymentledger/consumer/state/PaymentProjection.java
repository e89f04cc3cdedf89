package io.paymentledger.consumer.state;

import io.paymentledger.consumer.Envelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jooq.DSLContext;

/**
 * The {@code payment_state} projection of one consumer group: applies events to their payments' states in the
 * caller's transaction ({@link PaymentStateRules}), so a state changes exactly when the inbox row of its event is
 * written. Events of other aggregates, and event types the rules do not know, are left out.
 */
public final class PaymentProjection {
    private final PaymentStateStore store;

    private PaymentProjection(PaymentStateStore store) {
        this.store = store;
    }

    /** The live projection, {@code payment_state}. */
    public static PaymentProjection live(String groupId) {
        return new PaymentProjection(PaymentStateStore.live(groupId));
    }

    /** The projection {@code rebuild-state} fills, {@code payment_state_rebuild}. */
    public static PaymentProjection rebuild(String groupId) {
        return new PaymentProjection(PaymentStateStore.rebuild(groupId));
    }

    /** Deletes this projection's rows of the group (a rebuild starts empty); returns how many there were. */
    public int clear(DSLContext dsl) {
        return store.clear(dsl);
    }

    /**
     * Applies {@code events} in the transaction of {@code tx}; returns the states that changed, in payment id
     * order. The payments' rows stay locked until the transaction ends.
     */
    public List<PaymentState> apply(DSLContext tx, Collection<Envelope> events, Instant now) {
        Map<String, List<Envelope>> byPayment = new TreeMap<>();
        for (Envelope event : events) {
            if (PaymentStateRules.projects(event)) {
                byPayment.computeIfAbsent(event.aggregateId(), id -> new ArrayList<>()).add(event);
            }
        }
        if (byPayment.isEmpty()) {
            return List.of();
        }
        Map<String, PaymentState> fresh = new TreeMap<>();
        byPayment.forEach((paymentId, its) -> fresh.put(paymentId, applyAll(null, its).orElseThrow()));
        Map<String, PaymentStateStore.Current> current = store.insertOrLock(tx, List.copyOf(fresh.values()), now);
        Map<String, PaymentState> changed = new TreeMap<>();
        List<PaymentState> updates = new ArrayList<>();
        current.forEach((paymentId, row) -> {
            if (row.inserted()) {
                changed.put(paymentId, row.state());
            } else {
                applyAll(row.state(), byPayment.get(paymentId)).ifPresent(state -> {
                    updates.add(state);
                    changed.put(paymentId, state);
                });
            }
        });
        store.update(tx, updates, now);
        return List.copyOf(changed.values());
    }

    /** Looks one payment's state up, outside any batch. */
    public Optional<PaymentState> find(DSLContext dsl, String paymentId) {
        return store.find(dsl, paymentId);
    }

    /** {@code current} after every event in {@code events}, or empty when none changed it. */
    static Optional<PaymentState> applyAll(PaymentState current, List<Envelope> events) {
        PaymentState state = current;
        boolean changed = false;
        for (Envelope event : events) {
            Optional<PaymentState> next = PaymentStateRules.apply(state, event);
            if (next.isPresent()) {
                state = next.get();
                changed = true;
            }
        }
        return changed ? Optional.of(state) : Optional.empty();
    }
}
