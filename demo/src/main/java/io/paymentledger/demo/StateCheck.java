package io.paymentledger.demo;

import static io.paymentledger.db.jooq.Tables.NOTIFICATION;
import static io.paymentledger.db.jooq.Tables.PAYMENT;
import static io.paymentledger.db.jooq.Tables.PAYMENT_STATE;

import org.jooq.DSLContext;

/**
 * The consumer's payment state projection against the ledger's own payment table: how many payments the ledger has,
 * and how many of them the projection shows exactly as the ledger does (status, amounts, version, decline reason);
 * and how many notifications carry the trace id their event was written in (the simulator traces every payment).
 */
record StateCheck(long payments, long matching, long tracedNotifications) {

    static StateCheck read(DSLContext dsl, String consumerGroup) {
        long payments = dsl.fetchCount(PAYMENT);
        long matching = dsl.fetchCount(PAYMENT.join(PAYMENT_STATE)
                .on(PAYMENT_STATE.PAYMENT_ID.eq(PAYMENT.PAYMENT_ID))
                .and(PAYMENT_STATE.CONSUMER_GROUP.eq(consumerGroup))
                .and(PAYMENT_STATE.STATUS.eq(PAYMENT.STATUS))
                .and(PAYMENT_STATE.VERSION.eq(PAYMENT.VERSION))
                .and(PAYMENT_STATE.AMOUNT_MINOR.eq(PAYMENT.AMOUNT_MINOR))
                .and(PAYMENT_STATE.CAPTURED_MINOR.eq(PAYMENT.CAPTURED_MINOR))
                .and(PAYMENT_STATE.REFUNDED_MINOR.eq(PAYMENT.REFUNDED_MINOR))
                .and(PAYMENT_STATE.DECLINE_REASON.isNotDistinctFrom(PAYMENT.DECLINE_REASON))
                .and(PAYMENT_STATE.METADATA.isNotDistinctFrom(PAYMENT.METADATA))
                .and(PAYMENT_STATE.MISSING_VERSIONS.eq(new Long[0])));
        long traced = dsl.fetchCount(NOTIFICATION, NOTIFICATION.CONSUMER_GROUP.eq(consumerGroup)
                .and(NOTIFICATION.TRACE_ID.isNotNull()));
        return new StateCheck(payments, matching, traced);
    }
}
