package io.paymentledger.relay;

/** An aggregate: its type and id, the unit of ordering. */
record AggregateKey(String type, String id) {
}
