package io.paymentledger.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.f4b6a3.ulid.UlidCreator;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paymentledger.config.Env;
import io.paymentledger.consumer.ConsumerSettings;
import io.paymentledger.consumer.ConsumerStats;
import io.paymentledger.consumer.NotificationService;
import io.paymentledger.observability.Metrics;
import io.paymentledger.outbox.OutboxEvent;
import io.paymentledger.outbox.OutboxWriter;
import io.paymentledger.relay.Relay;
import io.paymentledger.relay.RelayConfig;
import io.paymentledger.schemas.Json;
import io.paymentledger.testsupport.KafkaNamespace;
import io.paymentledger.testsupport.TestDatabase;
import io.paymentledger.testsupport.TestInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard and the alerting rules are checked like code: every metric their queries use is exported by
 * a real relay or consumer (scraped here after real traffic, a dead letter-free run with one held topic), so a
 * renamed meter cannot leave a panel blank or an alert silent. promtool checks the rules' logic in {@code .ci/run}.
 */
class MonitoringIT {
    private static final Path ROOT = Path.of("..");
    private static final Path ALERTS = ROOT.resolve("monitoring/prometheus/alerts.yml");
    private static final Path DASHBOARD = ROOT.resolve("monitoring/grafana/dashboards/payment-ledger.json");
    private static final Pattern METRIC = Pattern.compile(
            "\\b((?:outbox_relay|notification_consumer|resilience4j|kafka_consumer|kafka_producer)_[a-z0-9_]+)\\b");

    @Test
    void everyMetricTheDashboardAndTheAlertsQueryIsExportedByTheRelayOrTheConsumer() throws IOException {
        Set<String> queried = new TreeSet<>(metricNames(Files.readString(ALERTS)));
        queried.addAll(dashboardMetricNames());
        assertThat(queried).as("metrics the monitoring files query").hasSizeGreaterThan(15);

        TestDatabase database = TestInfrastructure.get().newDatabase("monitoring");
        KafkaNamespace kafka = TestInfrastructure.get().newKafkaNamespace("monitoring");
        kafka.createTopics(1, "paymentauthorized", "dlq");
        Map<String, String> env = new HashMap<>(database.env());
        env.putAll(kafka.env());
        env.put("OUTBOX_INSTANCE_ID", "monitoring-relay");
        env.put("OUTBOX_POLL_INTERVAL_SECONDS", "0.1");
        PrometheusMeterRegistry relayMeters = Metrics.prometheus("outbox-relay");
        PrometheusMeterRegistry consumerMeters = Metrics.prometheus("notification-consumer");
        try (Relay relay = Relay.create(RelayConfig.fromEnv(new Env(env)), database.dataSource(), Clock.systemUTC(),
                relayMeters);
             NotificationService consumer = new NotificationService(ConsumerSettings.fromEnv(new Env(env)),
                     database.dataSource(), Clock.systemUTC(), new ConsumerStats(consumerMeters, Clock.systemUTC()),
                     consumerMeters)) {
            relay.start();
            consumer.start();
            String payment = UlidCreator.getMonotonicUlid().toString();
            OutboxWriter writer = OutboxWriter.unvalidated();
            writer.append(database.dsl(), OutboxEvent.of("Payment", payment, 1, "PaymentAuthorized",
                    "{\"payment_id\":\"" + payment + "\",\"payer_account_id\":\"a\",\"payee_account_id\":\"b\","
                            + "\"amount_minor\":100,\"currency\":\"EUR\"}"));
            // A topic nobody created: its row is held, which is when the missing-topic gauge has a series.
            writer.append(database.dsl(), OutboxEvent.of("Payment", UlidCreator.getMonotonicUlid().toString(), 1,
                    "PaymentDisputed", "{}"));

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(
                    metricNames(relayMeters.scrape() + consumerMeters.scrape()))
                    .as("metrics exported by a running relay and consumer").containsAll(queried));
        } finally {
            database.close();
        }
    }

    private static Set<String> dashboardMetricNames() throws IOException {
        JsonNode dashboard = Json.mapper().readTree(DASHBOARD.toFile());
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(metricNames(target.get("expr").asText()));
            }
        }
        return names;
    }

    private static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        return names;
    }
}
