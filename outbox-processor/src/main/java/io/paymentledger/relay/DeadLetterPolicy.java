package io.paymentledger.relay;

/** What a dead row means for its aggregate's later events ({@code OUTBOX_DEAD_LETTER_POLICY}). */
public enum DeadLetterPolicy {
    /** The later events flow; the dead row waits in the table for inspection and redrive. */
    CONTINUE,
    /** The aggregate stays blocked until an operator redrives or skips the dead row. */
    PARK
}
