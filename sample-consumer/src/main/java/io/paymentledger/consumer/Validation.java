package io.paymentledger.consumer;

import java.util.Locale;

/** The verdict on one record's value. */
public sealed interface Validation {
    /** Why a record was rejected; {@link #code()} is what operators see. */
    enum RejectReason {
        MALFORMED_JSON, INVALID_ENVELOPE, UNKNOWN_EVENT_TYPE, INVALID_PAYLOAD, OVERSIZED_RECORD,
        /** Valid, but the database refused it for its data (found only when applying it alone). */
        PROCESSING_FAILED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    record Valid(Envelope envelope) implements Validation {
    }

    /** @param eventId the record's event id when it could be read, else null */
    record Invalid(RejectReason reason, String detail, String eventId) implements Validation {
        public Invalid(RejectReason reason, String detail) {
            this(reason, detail, null);
        }
    }
}
