package io.paymentledger.ledger;

import io.paymentledger.schemas.EventSchemas;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * The payment ledger's commands and queries. Every payment command commits its ledger rows and its one outbox event
 * in one transaction: no event exists without its state change, and no state change without its event. The outbox
 * insert fires the commit notification that wakes the relay.
 *
 * <p>Payment commands carry an idempotency key: the same key with the same request returns the first result and
 * writes nothing, also when the retries run concurrently; the same key with a different request throws
 * {@link IdempotencyConflictException}. A refused command throws {@link CommandRejectedException} naming the reason
 * and writes nothing. All methods are thread-safe.
 */
public interface Ledger {
    /** The ledger on PostgreSQL through jOOQ, with the default {@link LedgerLimits}. */
    static Ledger postgres(DSLContext dsl, Clock clock, EventSchemas schemas) {
        return postgres(dsl, clock, schemas, LedgerLimits.DEFAULTS);
    }

    /** The ledger on PostgreSQL through jOOQ; {@code clock} stamps every row and event. */
    static Ledger postgres(DSLContext dsl, Clock clock, EventSchemas schemas, LedgerLimits limits) {
        return new PostgresLedger(dsl, clock, new OutboxAppender(schemas), new PaymentMetadata(limits));
    }

    /**
     * Opens a customer account.
     *
     * @throws IllegalStateException when the account already exists
     */
    AccountBalance openAccount(OpenAccount command);

    /**
     * Closes a customer account: it can no longer pay or be paid; its balance stays. Closing a closed account
     * changes nothing.
     *
     * @throws CommandRejectedException {@code account_unknown}, or {@code holds_outstanding} while it holds funds
     */
    AccountBalance closeAccount(String accountId);

    /**
     * Authorizes a payment: holds the amount on the payer and writes {@code PaymentAuthorized} (version 1), or
     * writes {@code PaymentDeclined} with the reason (account unknown or closed, currency mismatch, limit exceeded,
     * insufficient funds).
     *
     * @throws CommandRejectedException when the metadata breaks a limit, or the key was used for another request
     */
    AuthorizationResult authorize(AuthorizePayment command);

    /**
     * Captures an authorized payment, fully or partially; writes {@code PaymentCaptured}.
     *
     * @throws CommandRejectedException e.g. {@code illegal_transition} (not authorized), {@code
     *                                  amount_above_authorized}, {@code account_closed}
     */
    PaymentTransition capture(CapturePayment command);

    /**
     * Voids an authorized payment, releasing its hold; writes {@code PaymentVoided}.
     *
     * @throws CommandRejectedException e.g. {@code illegal_transition} (captured, voided or declined)
     */
    PaymentTransition voidPayment(VoidPayment command);

    /**
     * Refunds a captured payment, fully or partially; writes {@code PaymentRefunded}.
     *
     * @throws CommandRejectedException e.g. {@code illegal_transition} (not captured), {@code
     *                                  amount_above_refundable}, {@code payee_insufficient_funds}
     */
    PaymentTransition refund(RefundPayment command);

    Optional<AccountBalance> balance(String accountId);

    /** Every account, customer and system, by id. */
    List<AccountBalance> balances();

    Optional<PaymentView> payment(String paymentId);

    /** The payment's journal entries in the order they were written; empty for an unknown payment. */
    List<JournalEntryView> journal(String paymentId);

    /**
     * Checks the books: every entry sums to zero per currency, every account's balances equal the sums of its
     * postings, every held amount equals the open authorizations it pays, and no customer account is overdrawn.
     */
    ConsistencyReport checkConsistency();
}
