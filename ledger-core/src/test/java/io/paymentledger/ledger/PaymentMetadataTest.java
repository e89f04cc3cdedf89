package io.paymentledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paymentledger.ledger.CommandRejectedException.Reason;
import org.junit.jupiter.api.Test;

class PaymentMetadataTest {
    private final PaymentMetadata metadata = new PaymentMetadata(LedgerLimits.DEFAULTS);

    private static String nested(int levels) {
        return "{\"a\":".repeat(levels - 1) + "{}" + "}".repeat(levels - 1);
    }

    private void assertRejected(PaymentMetadata policy, String json, Reason reason, String message) {
        assertThatThrownBy(() -> policy.parse(json))
                .isInstanceOfSatisfying(CommandRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

    @Test
    void acceptsAnObjectAndStoresItCompact() {
        var node = metadata.parse("{ \"order_id\" : \"o-1\",\n \"items\": [1, 2] }");

        assertThat(metadata.compact(node)).isEqualTo("{\"order_id\":\"o-1\",\"items\":[1,2]}");
        assertThat(metadata.parse(null)).isNull();
    }

    @Test
    void rejectsAnythingButOneJsonObject() {
        assertRejected(metadata, "[1,2]", Reason.METADATA_INVALID, "must be a JSON object but was array");
        assertRejected(metadata, "\"text\"", Reason.METADATA_INVALID, "must be a JSON object but was string");
        assertRejected(metadata, "", Reason.METADATA_INVALID, "must be a JSON object but was empty");
        assertRejected(metadata, "{\"a\":1} {}", Reason.METADATA_INVALID, "more after it");
        assertRejected(metadata, "{\"a\":", Reason.METADATA_INVALID, "not valid JSON");
        assertRejected(metadata, "{\"a\":1,\"a\":2}", Reason.METADATA_INVALID, "Duplicate field 'a'");
    }

    @Test
    void allowsTenLevelsAndRejectsElevenNamingTheLimit() {
        assertThat(metadata.parse(nested(10))).isNotNull();
        assertRejected(metadata, nested(11), Reason.METADATA_TOO_DEEP,
                "deeper than the limit of 10 levels (LEDGER_METADATA_MAX_DEPTH)");
        assertRejected(metadata, nested(5_000), Reason.METADATA_TOO_DEEP, "limit of 10 levels");
    }

    @Test
    void allowsSixtyFourKibibytesAndRejectsOneByteMoreNamingTheLimit() {
        String padding = "x".repeat(64 * 1024 - "{\"p\":\"\"}".length());
        assertThat(metadata.parse("{\"p\":\"" + padding + "\"}")).isNotNull();
        assertRejected(metadata, "{\"p\":\"" + padding + "x\"}", Reason.METADATA_TOO_LARGE,
                "65537 bytes as compact JSON; the limit is 65536 bytes (LEDGER_METADATA_MAX_BYTES)");
    }

    @Test
    void measuresBytesInUtf8NotCharacters() {
        PaymentMetadata small = new PaymentMetadata(new LedgerLimits(16, 10));
        assertThat(small.parse("{\"p\":\"éé\"}")).isNotNull();
        assertRejected(small, "{\"p\":\"ééééx\"}", Reason.METADATA_TOO_LARGE, "17 bytes");
    }

    @Test
    void refusesHugeTextWithoutParsingIt() {
        assertRejected(metadata, "{\"p\":\"" + "x".repeat(1_000_000) + "\"}", Reason.METADATA_TOO_LARGE,
                "characters of text; the limit is 65536 bytes");
    }
}
