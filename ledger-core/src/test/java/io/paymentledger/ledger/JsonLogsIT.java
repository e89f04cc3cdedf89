package io.paymentledger.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.JarProcess;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The packaged runnable's logs with {@code LOG_FORMAT=json}: every log line is one JSON object. */
class JsonLogsIT {
    private static final Path JAR = Path.of("target", "ledger-core.jar");
    private static TestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = TestInfrastructure.get().newDatabase("json-logs");
    }

    @AfterAll
    static void dropPool() {
        database.close();
    }

    private static Map<String, String> env(String format) {
        Map<String, String> env = new HashMap<>(database.env());
        env.put("LOG_FORMAT", format);
        return env;
    }

    @Test
    void everyLogLineIsAJsonObjectWithLevelLoggerAndMessage() throws Exception {
        try (JarProcess process = JarProcess.startWithSeparateStderr(JAR, "json-logs", env("json"), "migrate")) {
            assertThat(process.awaitExit(120)).as("log: %s", process.logFile()).isZero();
            // Logs go to stderr, the command's own output to stdout: every stderr line must be JSON, none skipped.
            List<String> logLines = process.errorOutput().lines().toList();

            assertThat(logLines).isNotEmpty();
            for (String line : logLines) {
                JsonNode json = Json.mapper().readTree(line);
                assertThat(json).as("a log line that is not a JSON object: %s", line).isNotNull();
                assertThat(json.isObject()).as("a log line that is not a JSON object: %s", line).isTrue();
                assertThat(json.path("level").asText()).isNotEmpty();
                assertThat(json.path("logger_name").asText()).isNotEmpty();
                assertThat(json.has("message")).isTrue();
                assertThat(json.path("@timestamp").asText()).isNotEmpty();
            }
            assertThat(process.output()).contains("migrated: 0 applied");
        }
    }

    @Test
    void anUnknownLogFormatIsAConfigurationErrorNamingTheVariable() throws Exception {
        try (JarProcess process = JarProcess.start(JAR, "bad-log-format", env("xml"), "check")) {
            assertThat(process.awaitExit(60)).isEqualTo(2);
            assertThat(process.output()).contains("configuration error: LOG_FORMAT: 'xml' is not one of: text, json");
        }
    }
}
