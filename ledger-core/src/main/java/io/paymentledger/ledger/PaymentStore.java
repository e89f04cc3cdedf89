package io.paymentledger.ledger;

import static io.paymentledger.db.jooq.Tables.PAYMENT;

import io.paymentledger.db.jooq.tables.records.PaymentRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jooq.DSLContext;

/** Payments: the outbox aggregate. {@code version} is the aggregate version of the payment's latest event. */
final class PaymentStore {
    static final String AUTHORIZED = "authorized";
    static final String DECLINED = "declined";

    void insert(DSLContext tx, String paymentId, AuthorizePayment command, String status, DeclineReason reason,
                long version, Instant at) {
        tx.insertInto(PAYMENT)
                .set(PAYMENT.PAYMENT_ID, paymentId)
                .set(PAYMENT.PAYER_ACCOUNT_ID, command.payerAccountId())
                .set(PAYMENT.PAYEE_ACCOUNT_ID, command.payeeAccountId())
                .set(PAYMENT.AMOUNT_MINOR, command.amount().minor())
                .set(PAYMENT.CURRENCY, command.amount().currency())
                .set(PAYMENT.STATUS, status)
                .set(PAYMENT.DECLINE_REASON, reason == null ? null : reason.code())
                .set(PAYMENT.VERSION, version)
                .set(PAYMENT.CREATED_AT, at.atOffset(ZoneOffset.UTC))
                .set(PAYMENT.UPDATED_AT, at.atOffset(ZoneOffset.UTC))
                .execute();
    }

    Optional<PaymentRecord> find(DSLContext tx, String paymentId) {
        return tx.selectFrom(PAYMENT).where(PAYMENT.PAYMENT_ID.eq(paymentId)).fetchOptional();
    }

    static PaymentView toView(PaymentRecord payment) {
        return new PaymentView(payment.getPaymentId(), payment.getPayerAccountId(), payment.getPayeeAccountId(),
                Money.of(payment.getAmountMinor(), payment.getCurrency()), payment.getStatus(),
                payment.getDeclineReason() == null ? null : DeclineReason.fromCode(payment.getDeclineReason()),
                payment.getVersion(), payment.getCreatedAt().toInstant(), payment.getUpdatedAt().toInstant());
    }
}
