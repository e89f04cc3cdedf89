package io.paymentledger.relay;

/** A row whose attempt failed in this pass, and why. */
record Failure(OutboxRow row, Exception error) {
    /** The text stored in {@code last_error}: the exception type and message. */
    String describe() {
        return DeadLetters.truncate(error.getClass().getName() + ": " + error.getMessage());
    }
}
