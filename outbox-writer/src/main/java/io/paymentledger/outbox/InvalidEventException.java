package io.paymentledger.outbox;

import java.util.List;

/** An event the validating writer refused: its payload breaks its schema, or no schema exists for its type. */
public final class InvalidEventException extends IllegalArgumentException {
    private final transient OutboxEvent event;
    private final List<String> problems;

    InvalidEventException(OutboxEvent event, List<String> problems) {
        super(event.eventType() + " v" + event.eventVersion() + " for " + event.aggregateType() + " "
                + event.aggregateId() + " was not written: " + String.join("; ", problems));
        this.event = event;
        this.problems = List.copyOf(problems);
    }

    public OutboxEvent event() {
        return event;
    }

    /** What is wrong, one entry per schema violation. */
    public List<String> problems() {
        return problems;
    }
}
