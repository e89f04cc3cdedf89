package io.paymentledger.consumer;

import java.util.Locale;

/** The verdict on one record's value. */
public sealed interface Validation {
    /** Why a record was rejected; {@link #code()} is what operators see. */
    enum RejectReason {
        MALFORMED_JSON, INVALID_ENVELOPE, UNKNOWN_EVENT_TYPE, INVALID_PAYLOAD;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Valid(Envelope envelope) implements Validation {
    }

    record Invalid(RejectReason reason, String detail) implements Validation {
    }
}
