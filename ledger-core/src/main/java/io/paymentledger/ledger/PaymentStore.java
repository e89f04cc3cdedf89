package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.PAYMENT;

import io.paymentledger.db.jooq.tables.records.PaymentRecord;
import io.paymentledger.ledger.PaymentLifecycle.Change;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.JSONB;

/**
 * Payments: the outbox aggregate. {@code version} is the aggregate version of the payment's latest event; it is
 * read and advanced only while the payment row is locked, so version order is commit order.
 */
final class PaymentStore {

    void insert(DSLContext tx, String paymentId, AuthorizePayment command, PaymentStatus status, DeclineReason reason,
                String metadata, Instant at) {
        tx.insertInto(PAYMENT)
                .set(PAYMENT.PAYMENT_ID, paymentId)
                .set(PAYMENT.PAYER_ACCOUNT_ID, command.payerAccountId())
                .set(PAYMENT.PAYEE_ACCOUNT_ID, command.payeeAccountId())
                .set(PAYMENT.AMOUNT_MINOR, command.amount().minor())
                .set(PAYMENT.CURRENCY, command.amount().currency())
                .set(PAYMENT.STATUS, status.code())
                .set(PAYMENT.DECLINE_REASON, reason == null ? null : reason.code())
                .set(PAYMENT.METADATA, metadata == null ? null : JSONB.valueOf(metadata))
                .set(PAYMENT.VERSION, 1L)
                .set(PAYMENT.CREATED_AT, at.atOffset(ZoneOffset.UTC))
                .set(PAYMENT.UPDATED_AT, at.atOffset(ZoneOffset.UTC))
                .execute();
    }

    /** Locks the payment for a transition; it stays locked until the transaction ends. */
    Optional<PaymentView> lock(DSLContext tx, String paymentId) {
        return tx.selectFrom(PAYMENT).where(PAYMENT.PAYMENT_ID.eq(paymentId)).forNoKeyUpdate().fetchOptional()
                .map(PaymentStore::toView);
    }

    Optional<PaymentView> find(DSLContext tx, String paymentId) {
        return tx.selectFrom(PAYMENT).where(PAYMENT.PAYMENT_ID.eq(paymentId)).fetchOptional()
                .map(PaymentStore::toView);
    }

    /** Writes a transition's outcome and the payment's new version (the locked version + 1). */
    void update(DSLContext tx, String paymentId, Change change, long version, Instant at) {
        tx.update(PAYMENT)
                .set(PAYMENT.STATUS, change.status().code())
                .set(PAYMENT.CAPTURED_MINOR, change.capturedMinor())
                .set(PAYMENT.REFUNDED_MINOR, change.refundedMinor())
                .set(PAYMENT.VERSION, version)
                .set(PAYMENT.UPDATED_AT, at.atOffset(ZoneOffset.UTC))
                .where(PAYMENT.PAYMENT_ID.eq(paymentId))
                .execute();
    }

    static PaymentView toView(PaymentRecord payment) {
        return new PaymentView(payment.getPaymentId(), payment.getPayerAccountId(), payment.getPayeeAccountId(),
                Money.of(payment.getAmountMinor(), payment.getCurrency()), PaymentStatus.fromCode(payment.getStatus()),
                payment.getDeclineReason() == null ? null : DeclineReason.fromCode(payment.getDeclineReason()),
                payment.getCapturedMinor(), payment.getRefundedMinor(),
                payment.getMetadata() == null ? null : payment.getMetadata().data(),
                payment.getVersion(), payment.getCreatedAt().toInstant(), payment.getUpdatedAt().toInstant());
    }
}
