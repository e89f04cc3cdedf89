package io.paymentledger.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymentledger.config.CommandLines;
import io.paymentledger.config.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayMainTest {
    @Test
    void missingBootstrapServersStopsTheRelayNamingTheVariable() {
        StringWriter err = new StringWriter();
        int exit = CommandLines.execute(new RelayMain(new Env(Map.of(
                        "DATABASE_URL", "jdbc:postgresql://db/ledger", "DATABASE_USER", "relay"))),
                new PrintWriter(new StringWriter()), new PrintWriter(err), "run");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("configuration error: KAFKA_BOOTSTRAP_SERVERS: is not set");
    }

    @Test
    void helpDocumentsTheEnvironment() {
        StringWriter out = new StringWriter();
        int exit = CommandLines.execute(new RelayMain(new Env(Map.of())), new PrintWriter(out), null, "--help");

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("OUTBOX_BATCH_SIZE").contains("KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void badDeadLetterPolicyStopsTheRelayNamingTheVariableAndValue() {
        StringWriter err = new StringWriter();
        int exit = CommandLines.execute(new RelayMain(new Env(Map.of(
                        "DATABASE_URL", "jdbc:postgresql://db/ledger", "DATABASE_USER", "relay",
                        "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "OUTBOX_DEAD_LETTER_POLICY", "discard"))),
                new PrintWriter(new StringWriter()), new PrintWriter(err), "run");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().trim()).isEqualTo(
                "configuration error: OUTBOX_DEAD_LETTER_POLICY: 'discard' is not one of: continue, park");
    }

    @Test
    void operatorCommandsNeedTheDatabaseOnly() {
        StringWriter err = new StringWriter();
        int exit = CommandLines.execute(new RelayMain(new Env(Map.of())), new PrintWriter(new StringWriter()),
                new PrintWriter(err), "status");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).startsWith("configuration error: DATABASE_URL: is not set");
    }

    @Test
    void redriveNeedsEventIdsOrAll() {
        StringWriter err = new StringWriter();
        int exit = CommandLines.execute(new RelayMain(new Env(Map.of())), new PrintWriter(new StringWriter()),
                new PrintWriter(err), "redrive");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required");
    }
}
