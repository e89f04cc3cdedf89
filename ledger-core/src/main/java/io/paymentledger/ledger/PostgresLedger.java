package io.paymentledger.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.f4b6a3.ulid.UlidCreator;
import io.paymentledger.db.jooq.tables.records.AccountRecord;
import io.paymentledger.db.jooq.tables.records.IdempotencyKeyRecord;
import io.paymentledger.ledger.CommandRejectedException.Reason;
import io.paymentledger.ledger.JournalStore.Posting;
import io.paymentledger.ledger.PaymentLifecycle.Change;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger on PostgreSQL: one READ COMMITTED transaction per command holding its idempotency key, ledger rows and
 * outbox event. Lock order: idempotency key, then the payment, then accounts by ascending id (see
 * {@link AccountStore}).
 */
final class PostgresLedger implements Ledger {
    private static final Logger log = LoggerFactory.getLogger(PostgresLedger.class);
    static final String AUTHORIZE = "authorize";

    private final DSLContext dsl;
    private final Clock clock;
    private final AccountStore accounts = new AccountStore();
    private final PaymentStore payments = new PaymentStore();
    private final JournalStore journal = new JournalStore();
    private final IdempotencyStore idempotency = new IdempotencyStore();
    private final EventAppender events;
    private final PaymentMetadata metadata;
    private final LedgerReads reads;

    PostgresLedger(DSLContext dsl, Clock clock, EventAppender events, PaymentMetadata metadata) {
        this.dsl = dsl;
        this.clock = clock;
        this.events = events;
        this.metadata = metadata;
        this.reads = new LedgerReads(dsl, accounts, payments, journal);
    }

    @Override
    public AccountBalance openAccount(OpenAccount command) {
        return dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            Instant now = clock.instant();
            if (!accounts.insert(tx, command.accountId(), command.currency(), AccountStore.CUSTOMER,
                    command.singlePaymentLimitMinor(), now)) {
                throw new IllegalStateException("account '" + command.accountId() + "' already exists");
            }
            if (command.openingBalanceMinor() > 0) {
                fund(tx, command, now);
            }
            return AccountStore.toBalance(accounts.find(tx, command.accountId()).orElseThrow());
        });
    }

    private void fund(DSLContext tx, OpenAccount command, Instant now) {
        String funding = "funding-" + command.currency();
        accounts.insert(tx, funding, command.currency(), AccountStore.SYSTEM, null, now);
        long amount = command.openingBalanceMinor();
        List<Posting> postings = List.of(
                new Posting(command.accountId(), JournalStore.AVAILABLE, amount, command.currency()),
                new Posting(funding, JournalStore.AVAILABLE, -amount, command.currency()));
        journal.record(tx, null, "opening_balance", postings, now);
        accounts.apply(tx, postings);
    }

    @Override
    public AccountBalance closeAccount(String accountId) {
        return dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            AccountRecord account = accounts.lockForBalanceChange(tx, accountId)
                    .filter(found -> AccountStore.CUSTOMER.equals(found.getKind()))
                    .orElseThrow(() -> new CommandRejectedException(Reason.ACCOUNT_UNKNOWN,
                            "no customer account '" + accountId + "'"));
            if (account.getHeldMinor() > 0) {
                throw new CommandRejectedException(Reason.HOLDS_OUTSTANDING, "account '" + accountId + "' still holds "
                        + account.getHeldMinor() + " for open authorizations; capture or void them first");
            }
            accounts.close(tx, accountId);
            return AccountStore.toBalance(accounts.find(tx, accountId).orElseThrow());
        });
    }

    @Override
    public AuthorizationResult authorize(AuthorizePayment command) {
        ObjectNode meta = metadata.parse(command.metadata());
        String metaJson = meta == null ? null : metadata.compact(meta);
        String requestHash = IdempotencyStore.hash(authorizeFields(command, metaJson));
        return dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            Instant now = clock.instant();
            String paymentId = UlidCreator.getMonotonicUlid().toString();
            Optional<IdempotencyKeyRecord> earlier =
                    idempotency.claim(tx, command.idempotencyKey(), AUTHORIZE, requestHash, paymentId, now);
            if (earlier.isPresent()) {
                return replayAuthorize(tx, command.idempotencyKey(), requestHash, earlier.get());
            }
            AuthorizationResult result = new Authorization(tx, paymentId, command, meta, metaJson, now).decide();
            PaymentStatus status = result instanceof AuthorizationResult.Declined
                    ? PaymentStatus.DECLINED : PaymentStatus.AUTHORIZED;
            idempotency.complete(tx, command.idempotencyKey(), result.eventId(), 1, command.amount().minor(), status);
            return result;
        });
    }

    /** The request's fields; metadata only when given, so keys recorded before metadata existed still match. */
    private static String[] authorizeFields(AuthorizePayment command, String metaJson) {
        List<String> fields = new ArrayList<>(List.of(AUTHORIZE, command.payerAccountId(), command.payeeAccountId(),
                Long.toString(command.amount().minor()), command.amount().currency(),
                String.valueOf(command.correlationId())));
        if (metaJson != null) {
            fields.add(metaJson);
        }
        return fields.toArray(String[]::new);
    }

    /** One authorization's decision and writes, inside the command's transaction. */
    private final class Authorization {
        private final DSLContext tx;
        private final String paymentId;
        private final AuthorizePayment command;
        private final ObjectNode meta;
        private final String metaJson;
        private final Instant now;

        Authorization(DSLContext tx, String paymentId, AuthorizePayment command, ObjectNode meta, String metaJson,
                      Instant now) {
            this.tx = tx;
            this.paymentId = paymentId;
            this.command = command;
            this.meta = meta;
            this.metaJson = metaJson;
            this.now = now;
        }

        AuthorizationResult decide() {
            Optional<AccountRecord> payer = accounts.lockForBalanceChange(tx, command.payerAccountId());
            Optional<AccountRecord> payee = accounts.find(tx, command.payeeAccountId());
            Optional<DeclineReason> decline = declineReason(command, payer, payee);
            if (decline.isPresent()) {
                payments.insert(tx, paymentId, command, PaymentStatus.DECLINED, decline.get(), metaJson, now);
                String eventId = events.append(tx, paymentId, 1, PaymentEvents.PAYMENT_DECLINED,
                        PaymentEvents.declined(paymentId, command, decline.get(), meta), command.correlationId(), now);
                log.debug("Payment {} declined: {}", paymentId, decline.get().code());
                return new AuthorizationResult.Declined(paymentId, eventId, decline.get());
            }
            payments.insert(tx, paymentId, command, PaymentStatus.AUTHORIZED, null, metaJson, now);
            long amount = command.amount().minor();
            String currency = command.amount().currency();
            List<Posting> hold = List.of(
                    new Posting(command.payerAccountId(), JournalStore.AVAILABLE, -amount, currency),
                    new Posting(command.payerAccountId(), JournalStore.HELD, amount, currency));
            journal.record(tx, paymentId, "authorization", hold, now);
            accounts.apply(tx, hold);
            String eventId = events.append(tx, paymentId, 1, PaymentEvents.PAYMENT_AUTHORIZED,
                    PaymentEvents.authorized(paymentId, command, meta), command.correlationId(), now);
            return new AuthorizationResult.Authorized(paymentId, eventId);
        }
    }

    private static Optional<DeclineReason> declineReason(AuthorizePayment command, Optional<AccountRecord> payer,
                                                         Optional<AccountRecord> payee) {
        if (payer.isEmpty() || payee.isEmpty()) {
            return Optional.of(DeclineReason.ACCOUNT_UNKNOWN);
        }
        if (!AccountStore.isOpen(payer.get()) || !AccountStore.isOpen(payee.get())) {
            return Optional.of(DeclineReason.ACCOUNT_CLOSED);
        }
        String currency = command.amount().currency();
        if (!currency.equals(payer.get().getCurrency()) || !currency.equals(payee.get().getCurrency())) {
            return Optional.of(DeclineReason.CURRENCY_MISMATCH);
        }
        Long limit = payer.get().getSinglePaymentLimitMinor();
        if (limit != null && command.amount().minor() > limit) {
            return Optional.of(DeclineReason.LIMIT_EXCEEDED);
        }
        if (AccountStore.available(payer.get()) < command.amount().minor()) {
            return Optional.of(DeclineReason.INSUFFICIENT_FUNDS);
        }
        return Optional.empty();
    }

    private AuthorizationResult replayAuthorize(DSLContext tx, String key, String requestHash,
                                                IdempotencyKeyRecord earlier) {
        requireSameRequest(key, AUTHORIZE, requestHash, earlier);
        log.debug("Replaying authorize for idempotency key {}: payment {}", key, earlier.getPaymentId());
        if (PaymentStatus.DECLINED.code().equals(earlier.getPaymentStatus())) {
            PaymentView payment = payments.find(tx, earlier.getPaymentId()).orElseThrow(() -> missing(key, earlier));
            return new AuthorizationResult.Declined(earlier.getPaymentId(), earlier.getEventId(),
                    payment.declineReason());
        }
        return new AuthorizationResult.Authorized(earlier.getPaymentId(), earlier.getEventId());
    }

    @Override
    public PaymentTransition capture(CapturePayment command) {
        return transition(new Transition(PaymentLifecycle.CAPTURE, command.idempotencyKey(), command.paymentId(),
                command.correlationId(), requested(command.amount()),
                payment -> PaymentLifecycle.capture(payment, command.amount()),
                PaymentEvents.PAYMENT_CAPTURED, PaymentEvents::captured));
    }

    @Override
    public PaymentTransition voidPayment(VoidPayment command) {
        return transition(new Transition(PaymentLifecycle.VOID, command.idempotencyKey(), command.paymentId(),
                command.correlationId(), String.valueOf(command.reason()), PaymentLifecycle::voidHold,
                PaymentEvents.PAYMENT_VOIDED, (payment, change) -> PaymentEvents.voided(payment, change,
                command.reason())));
    }

    @Override
    public PaymentTransition refund(RefundPayment command) {
        return transition(new Transition(PaymentLifecycle.REFUND, command.idempotencyKey(), command.paymentId(),
                command.correlationId(), requested(command.amount()) + "\u0000" + command.reason(),
                payment -> PaymentLifecycle.refund(payment, command.amount()),
                PaymentEvents.PAYMENT_REFUNDED, (payment, change) -> PaymentEvents.refunded(payment, change,
                command.reason())));
    }

    private static String requested(Money amount) {
        return amount == null ? "all" : amount.minor() + " " + amount.currency();
    }

    /**
     * A capture, void or refund: how it changes the payment and which event it writes.
     *
     * @param details the request's own fields for the idempotency fingerprint
     */
    private record Transition(String name, String key, String paymentId, String correlationId, String details,
                              Function<PaymentView, Change> decide, String eventType,
                              BiFunction<PaymentView, Change, ObjectNode> event) {
        String requestHash() {
            return IdempotencyStore.hash(name, paymentId, String.valueOf(correlationId), details);
        }
    }

    private PaymentTransition transition(Transition command) {
        String requestHash = command.requestHash();
        return dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            Instant now = clock.instant();
            Optional<IdempotencyKeyRecord> earlier =
                    idempotency.claim(tx, command.key(), command.name(), requestHash, command.paymentId(), now);
            if (earlier.isPresent()) {
                return replayTransition(tx, command, requestHash, earlier.get());
            }
            PaymentView payment = payments.lock(tx, command.paymentId()).orElseThrow(() -> new CommandRejectedException(
                    Reason.PAYMENT_UNKNOWN, "no payment '" + command.paymentId() + "' to " + command.name()));
            Change change = command.decide().apply(payment);
            requireAccountsAllow(tx, command.name(), payment, change);
            journal.record(tx, payment.paymentId(), change.entryKind(), change.postings(), now);
            accounts.apply(tx, change.postings());
            long version = payment.version() + 1;
            payments.update(tx, payment.paymentId(), change, version, now);
            String eventId = events.append(tx, payment.paymentId(), version, command.eventType(),
                    command.event().apply(payment, change), command.correlationId(), now);
            idempotency.complete(tx, command.key(), eventId, version, change.movedMinor(), change.status());
            return new PaymentTransition(payment.paymentId(), eventId, version, change.status(),
                    Money.of(change.movedMinor(), payment.amount().currency()));
        });
    }

    /**
     * Locks both accounts in id order. Money may not move into or out of a closed account, nor overdraw a payee
     * on refund; a void only gives back a hold, so it is always allowed.
     */
    private void requireAccountsAllow(DSLContext tx, String name, PaymentView payment, Change change) {
        Map<String, AccountRecord> locked =
                accounts.lockInOrder(tx, List.of(payment.payerAccountId(), payment.payeeAccountId()));
        if (PaymentLifecycle.VOID.equals(name)) {
            return;
        }
        for (String accountId : List.of(payment.payerAccountId(), payment.payeeAccountId())) {
            AccountRecord account = locked.get(accountId);
            if (account == null || !AccountStore.isOpen(account)) {
                throw new CommandRejectedException(Reason.ACCOUNT_CLOSED, "cannot " + name + " payment "
                        + payment.paymentId() + ": account '" + accountId + "' is "
                        + (account == null ? "unknown" : "closed"));
            }
        }
        AccountRecord payee = locked.get(payment.payeeAccountId());
        if (PaymentLifecycle.REFUND.equals(name) && AccountStore.available(payee) < change.movedMinor()) {
            throw new CommandRejectedException(Reason.PAYEE_INSUFFICIENT_FUNDS, "cannot refund " + change.movedMinor()
                    + " of payment " + payment.paymentId() + ": payee '" + payee.getAccountId() + "' has only "
                    + AccountStore.available(payee) + " available");
        }
    }

    private PaymentTransition replayTransition(DSLContext tx, Transition command, String requestHash,
                                               IdempotencyKeyRecord earlier) {
        requireSameRequest(command.key(), command.name(), requestHash, earlier);
        PaymentView payment = payments.find(tx, earlier.getPaymentId()).orElseThrow(() -> missing(command.key(),
                earlier));
        log.debug("Replaying {} for idempotency key {}: payment {}", command.name(), command.key(),
                payment.paymentId());
        return new PaymentTransition(payment.paymentId(), earlier.getEventId(), earlier.getAggregateVersion(),
                PaymentStatus.fromCode(earlier.getPaymentStatus()),
                Money.of(earlier.getAmountMinor(), payment.amount().currency()));
    }

    private static void requireSameRequest(String key, String command, String requestHash,
                                           IdempotencyKeyRecord earlier) {
        if (!earlier.getCommand().equals(command) || !earlier.getRequestHash().equals(requestHash)) {
            throw new IdempotencyConflictException(key, earlier.getCommand());
        }
    }

    private static IllegalStateException missing(String key, IdempotencyKeyRecord earlier) {
        return new IllegalStateException("idempotency key '" + key + "' names missing payment "
                + earlier.getPaymentId());
    }

    @Override
    public Optional<AccountBalance> balance(String accountId) {
        return reads.balance(accountId);
    }

    @Override
    public List<AccountBalance> balances() {
        return reads.balances();
    }

    @Override
    public Optional<PaymentView> payment(String paymentId) {
        return reads.payment(paymentId);
    }

    @Override
    public List<JournalEntryView> journal(String paymentId) {
        return reads.journal(paymentId);
    }

    @Override
    public ConsistencyReport checkConsistency() {
        return reads.checkConsistency();
    }
}
