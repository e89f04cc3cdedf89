package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.OUTBOX_EVENT;

import com.github.f4b6a3.ulid.UlidCreator;
import io.paymentledger.db.jooq.tables.records.AccountRecord;
import io.paymentledger.db.jooq.tables.records.IdempotencyKeyRecord;
import io.paymentledger.db.jooq.tables.records.PaymentRecord;
import io.paymentledger.ledger.JournalStore.Posting;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ledger on PostgreSQL: one transaction per command, ledger rows and outbox event together. */
final class PostgresLedger implements Ledger {
    private static final Logger log = LoggerFactory.getLogger(PostgresLedger.class);
    private static final String AUTHORIZE = "authorize";

    private final DSLContext dsl;
    private final Clock clock;
    private final AccountStore accounts = new AccountStore();
    private final PaymentStore payments = new PaymentStore();
    private final JournalStore journal = new JournalStore();
    private final IdempotencyStore idempotency = new IdempotencyStore();
    private final OutboxAppender outbox;

    PostgresLedger(DSLContext dsl, Clock clock, OutboxAppender outbox) {
        this.dsl = dsl;
        this.clock = clock;
        this.outbox = outbox;
    }

    @Override
    public AccountBalance openAccount(OpenAccount command) {
        return dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            Instant now = clock.instant();
            if (!accounts.insert(tx, command.accountId(), command.currency(), AccountStore.CUSTOMER, now)) {
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
        accounts.insert(tx, funding, command.currency(), AccountStore.SYSTEM, now);
        long amount = command.openingBalanceMinor();
        journal.record(tx, null, "opening_balance", List.of(
                new Posting(command.accountId(), JournalStore.AVAILABLE, amount, command.currency()),
                new Posting(funding, JournalStore.AVAILABLE, -amount, command.currency())), now);
        accounts.changeBalances(tx, command.accountId(), amount, 0);
        accounts.changeBalances(tx, funding, -amount, 0);
    }

    @Override
    public AuthorizationResult authorize(AuthorizePayment command) {
        String requestHash = IdempotencyStore.hash(AUTHORIZE, command.payerAccountId(), command.payeeAccountId(),
                Long.toString(command.amount().minor()), command.amount().currency(), command.correlationId());
        return dsl.transactionResult(configuration -> {
            DSLContext tx = configuration.dsl();
            Instant now = clock.instant();
            String paymentId = UlidCreator.getMonotonicUlid().toString();
            Optional<IdempotencyKeyRecord> earlier =
                    idempotency.claim(tx, command.idempotencyKey(), AUTHORIZE, requestHash, paymentId, now);
            if (earlier.isPresent()) {
                return replay(tx, command, requestHash, earlier.get());
            }
            return decide(tx, paymentId, command, now);
        });
    }

    private AuthorizationResult decide(DSLContext tx, String paymentId, AuthorizePayment command, Instant now) {
        Optional<AccountRecord> payer = accounts.lockForBalanceChange(tx, command.payerAccountId());
        Optional<AccountRecord> payee = accounts.find(tx, command.payeeAccountId());
        Optional<DeclineReason> decline = declineReason(command, payer, payee);
        if (decline.isPresent()) {
            payments.insert(tx, paymentId, command, PaymentStore.DECLINED, decline.get(), 1, now);
            String eventId = outbox.append(tx, paymentId, 1, PaymentEvents.PAYMENT_DECLINED,
                    PaymentEvents.declined(paymentId, command, decline.get()), command.correlationId(), now);
            log.debug("Payment {} declined: {}", paymentId, decline.get().code());
            return new AuthorizationResult.Declined(paymentId, eventId, decline.get());
        }
        payments.insert(tx, paymentId, command, PaymentStore.AUTHORIZED, null, 1, now);
        hold(tx, paymentId, command, now);
        String eventId = outbox.append(tx, paymentId, 1, PaymentEvents.PAYMENT_AUTHORIZED,
                PaymentEvents.authorized(paymentId, command), command.correlationId(), now);
        return new AuthorizationResult.Authorized(paymentId, eventId);
    }

    private static Optional<DeclineReason> declineReason(AuthorizePayment command, Optional<AccountRecord> payer,
                                                         Optional<AccountRecord> payee) {
        if (payer.isEmpty() || payee.isEmpty()) {
            return Optional.of(DeclineReason.ACCOUNT_UNKNOWN);
        }
        if (!AccountStore.OPEN.equals(payer.get().getStatus()) || !AccountStore.OPEN.equals(payee.get().getStatus())) {
            return Optional.of(DeclineReason.ACCOUNT_CLOSED);
        }
        String currency = command.amount().currency();
        if (!currency.equals(payer.get().getCurrency()) || !currency.equals(payee.get().getCurrency())) {
            return Optional.of(DeclineReason.CURRENCY_MISMATCH);
        }
        long available = payer.get().getPostedMinor() - payer.get().getHeldMinor();
        if (available < command.amount().minor()) {
            return Optional.of(DeclineReason.INSUFFICIENT_FUNDS);
        }
        return Optional.empty();
    }

    private void hold(DSLContext tx, String paymentId, AuthorizePayment command, Instant now) {
        long amount = command.amount().minor();
        String currency = command.amount().currency();
        journal.record(tx, paymentId, "authorization", List.of(
                new Posting(command.payerAccountId(), JournalStore.AVAILABLE, -amount, currency),
                new Posting(command.payerAccountId(), JournalStore.HELD, amount, currency)), now);
        accounts.changeBalances(tx, command.payerAccountId(), 0, amount);
    }

    private AuthorizationResult replay(DSLContext tx, AuthorizePayment command, String requestHash,
                                       IdempotencyKeyRecord earlier) {
        if (!earlier.getCommand().equals(AUTHORIZE) || !earlier.getRequestHash().equals(requestHash)) {
            throw new IdempotencyConflictException(command.idempotencyKey(), AUTHORIZE);
        }
        PaymentRecord payment = payments.find(tx, earlier.getPaymentId()).orElseThrow(() -> new IllegalStateException(
                "idempotency key '" + command.idempotencyKey() + "' names missing payment " + earlier.getPaymentId()));
        String eventId = firstEventId(tx, payment.getPaymentId());
        log.debug("Replaying authorize for idempotency key {}: payment {}", command.idempotencyKey(),
                payment.getPaymentId());
        if (PaymentStore.DECLINED.equals(payment.getStatus())) {
            return new AuthorizationResult.Declined(payment.getPaymentId(), eventId,
                    DeclineReason.fromCode(payment.getDeclineReason()));
        }
        return new AuthorizationResult.Authorized(payment.getPaymentId(), eventId);
    }

    private static String firstEventId(DSLContext tx, String paymentId) {
        return tx.select(OUTBOX_EVENT.EVENT_ID).from(OUTBOX_EVENT)
                .where(OUTBOX_EVENT.AGGREGATE_TYPE.eq(OutboxAppender.PAYMENT_AGGREGATE))
                .and(OUTBOX_EVENT.AGGREGATE_ID.eq(paymentId))
                .and(OUTBOX_EVENT.AGGREGATE_VERSION.eq(1L))
                .fetchSingle(OUTBOX_EVENT.EVENT_ID);
    }

    @Override
    public Optional<AccountBalance> balance(String accountId) {
        return accounts.find(dsl, accountId).map(AccountStore::toBalance);
    }

    @Override
    public Optional<PaymentView> payment(String paymentId) {
        return payments.find(dsl, paymentId).map(PaymentStore::toView);
    }
}
