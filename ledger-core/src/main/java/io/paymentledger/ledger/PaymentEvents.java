package io.paymentledger.ledger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.schemas.Json;

/** Payloads of the payment events, field for field as in {@code schemas/events/*.schema.json}. */
final class PaymentEvents {
    static final String PAYMENT_AUTHORIZED = "PaymentAuthorized";
    static final String PAYMENT_DECLINED = "PaymentDeclined";

    private PaymentEvents() {
    }

    static ObjectNode authorized(String paymentId, AuthorizePayment command) {
        return base(paymentId, command);
    }

    static ObjectNode declined(String paymentId, AuthorizePayment command, DeclineReason reason) {
        return base(paymentId, command).put("reason", reason.code());
    }

    private static ObjectNode base(String paymentId, AuthorizePayment command) {
        return Json.mapper().createObjectNode()
                .put("payment_id", paymentId)
                .put("payer_account_id", command.payerAccountId())
                .put("payee_account_id", command.payeeAccountId())
                .put("amount_minor", command.amount().minor())
                .put("currency", command.amount().currency());
    }
}
