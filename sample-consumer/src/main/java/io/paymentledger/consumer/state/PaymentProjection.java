package io.paymentledger.consumer.state;

import io.paymentledger.consumer.Envelope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
        Map<String, PaymentState> created = new TreeMap<>();
        Map<String, PaymentState> updated = new TreeMap<>();
        Map<String, PaymentState> existing = store.lock(tx, byPayment.keySet());
        byPayment.forEach((paymentId, its) -> {
            PaymentState current = existing.get(paymentId);
            applyAll(current, its).ifPresent(state -> (current == null ? created : updated).put(paymentId, state));
        });
        Set<String> inserted = store.insert(tx, List.copyOf(created.values()), now);
        // A payment another consumer created meanwhile (its events came on another topic): merge into its row.
        List<String> raced = created.keySet().stream().filter(id -> !inserted.contains(id)).toList();
        store.lock(tx, raced).forEach((paymentId, current) -> applyAll(current, byPayment.get(paymentId))
                .ifPresent(state -> updated.put(paymentId, state)));
        store.update(tx, List.copyOf(updated.values()), now);
        Map<String, PaymentState> changed = new TreeMap<>(updated);
        inserted.forEach(paymentId -> changed.put(paymentId, created.get(paymentId)));
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
