package io.paymentledger.relay;

/** A serialized dead letter ({@code schemas/dead-letter.schema.json}) for {@code row}, bound for {@code <prefix>.dlq}. */
record DeadLetter(OutboxRow row, byte[] value) {
}
