package io.paymentledger.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.ledger.PaymentLifecycle.Change;
import io.paymentledger.schemas.Json;

/** Payloads of the payment events, field for field as in {@code schemas/events/*.schema.json}. */
final class PaymentEvents {
    static final String PAYMENT_AUTHORIZED = "PaymentAuthorized";
    static final String PAYMENT_DECLINED = "PaymentDeclined";
    static final String PAYMENT_CAPTURED = "PaymentCaptured";
    static final String PAYMENT_VOIDED = "PaymentVoided";
    static final String PAYMENT_REFUNDED = "PaymentRefunded";

    private PaymentEvents() {
    }

    static ObjectNode authorized(String paymentId, AuthorizePayment command, ObjectNode metadata) {
        return withMetadata(base(paymentId, command.payerAccountId(), command.payeeAccountId(), command.amount().minor(),
                command.amount().currency()), metadata);
    }

    static ObjectNode declined(String paymentId, AuthorizePayment command, DeclineReason reason, ObjectNode metadata) {
        ObjectNode payload = base(paymentId, command.payerAccountId(), command.payeeAccountId(),
                command.amount().minor(), command.amount().currency()).put("reason", reason.code());
        return withMetadata(payload, metadata);
    }

    static ObjectNode captured(PaymentView payment, Change change) {
        long authorized = payment.amount().minor();
        return base(payment, change.movedMinor())
                .put("authorized_amount_minor", authorized)
                .put("released_amount_minor", authorized - change.capturedMinor());
    }

    static ObjectNode voided(PaymentView payment, Change change, String reason) {
        return withReason(base(payment, change.movedMinor()), reason);
    }

    static ObjectNode refunded(PaymentView payment, Change change, String reason) {
        ObjectNode payload = base(payment, change.movedMinor())
                .put("captured_amount_minor", change.capturedMinor())
                .put("refunded_total_minor", change.refundedMinor());
        return withReason(payload, reason);
    }

    private static ObjectNode base(PaymentView payment, long amountMinor) {
        return base(payment.paymentId(), payment.payerAccountId(), payment.payeeAccountId(), amountMinor,
                payment.amount().currency());
    }

    private static ObjectNode base(String paymentId, String payer, String payee, long amountMinor, String currency) {
        return Json.mapper().createObjectNode()
                .put("payment_id", paymentId)
                .put("payer_account_id", payer)
                .put("payee_account_id", payee)
                .put("amount_minor", amountMinor)
                .put("currency", currency);
    }

    private static ObjectNode withMetadata(ObjectNode payload, ObjectNode metadata) {
        if (metadata != null) {
            payload.set("metadata", metadata);
        }
        return payload;
    }

    private static ObjectNode withReason(ObjectNode payload, String reason) {
        if (reason != null) {
            payload.put("reason", reason);
        }
        return payload;
    }
}
