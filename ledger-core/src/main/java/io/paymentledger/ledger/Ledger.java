package io.paymentledger.ledger;

import io.paymentledger.schemas.EventSchemas;
import java.time.Clock;
import java.util.Optional;
import org.jooq.DSLContext;

/**
 * The payment ledger's commands and queries. Every command commits its ledger rows and its outbox event in one
 * transaction: no event exists without its state change, and no state change without its event.
 */
public interface Ledger {
    /** The ledger on PostgreSQL through jOOQ; {@code clock} stamps every row and event. */
    static Ledger postgres(DSLContext dsl, Clock clock, EventSchemas schemas) {
        return new PostgresLedger(dsl, clock, new OutboxAppender(schemas));
    }

    /**
     * Opens a customer account.
     *
     * @throws IllegalStateException when the account already exists
     */
    AccountBalance openAccount(OpenAccount command);

    /**
     * Authorizes a payment: holds the amount on the payer and writes {@code PaymentAuthorized}, or writes
     * {@code PaymentDeclined} with the reason. Retrying with the same idempotency key and request returns the first
     * result and writes nothing.
     *
     * @throws IdempotencyConflictException when the key was used for a different request
     */
    AuthorizationResult authorize(AuthorizePayment command);

    Optional<AccountBalance> balance(String accountId);

    Optional<PaymentView> payment(String paymentId);
}
