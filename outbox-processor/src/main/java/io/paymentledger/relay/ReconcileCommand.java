package io.paymentledger.relay;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymentledger.reconcile.ReconcileWindow;
import io.paymentledger.reconcile.Reconciliation;
import io.paymentledger.schemas.Json;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code outbox-processor.jar reconcile}: what the outbox committed against what Kafka holds, for a time window. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = {"Compares the outbox rows published or dead-lettered in a time window with the records the",
                "event topics and the DLQ hold (looked up by time, never whole topics): events missing from Kafka,",
                "events on Kafka the database does not know, duplicates, per-aggregate order anomalies.",
                "Exit code 0 when the window is clean, 1 with findings. Needs the relay's DATABASE_* and KAFKA_*."})
final class ReconcileCommand implements Callable<Integer> {
    @ParentCommand
    RelayMain main;
    @Spec
    CommandSpec spec;
    @Option(names = "--since", description = "The window ends now and starts this long ago: 90s, 30m, 1h, 2d, PT1H.")
    String since;
    @Option(names = "--from", description = "The window's start, ISO-8601 (2026-11-30T10:00:00Z); with --to.")
    String from;
    @Option(names = "--to", description = "The window's end (exclusive), ISO-8601; default now.")
    String to;
    @Option(names = "--slack", defaultValue = "2m",
            description = "Records read this much beyond the window on both sides (send vs. record time; default 2m).")
    String slack;
    @Option(names = "--limit", defaultValue = "20", description = "Examples shown per kind of finding (default 20).")
    int limit;
    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        ReconcileWindow window = window();
        RelayConfig config = RelayConfig.fromEnv(main.env);
        Map<String, Object> kafka = new HashMap<>(config.kafka().clientProperties());
        config.producerOverrides().forEach((name, value) -> {
            if (ConsumerConfig.configNames().contains(name)) {
                kafka.put(name, value);
            }
        });
        Reconciliation.Report report = main.withDatabase(dsl -> new Reconciliation(dsl, kafka,
                config.kafka().topicPrefix(), config.kafka().deadLetterTopic(), config.retention(), main.clock)
                .run(window, limit));
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? json(report) : text(report));
        out.flush();
        return report.clean() ? 0 : 1;
    }

    private ReconcileWindow window() {
        if (limit < 1) {
            throw new ParameterException(spec.commandLine(), "--limit must be at least 1 but was " + limit);
        }
        try {
            Duration slackDuration = ReconcileWindow.duration("--slack", slack);
            Instant end = to == null ? main.clock.instant() : Instant.parse(to);
            if (since != null && from == null) {
                return new ReconcileWindow(end.minus(ReconcileWindow.duration("--since", since)), end, slackDuration);
            }
            if (from != null && since == null) {
                return new ReconcileWindow(Instant.parse(from), end, slackDuration);
            }
            throw new ParameterException(spec.commandLine(), "give either --since or --from (with --to), not both");
        } catch (DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), "--from/--to '" + e.getParsedString()
                    + "' is not an ISO-8601 instant, e.g. 2026-11-30T10:00:00Z");
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String text(Reconciliation.Report report) {
        String nl = System.lineSeparator();
        StringBuilder text = new StringBuilder()
                .append("Window ").append(report.window().from()).append(" .. ").append(report.window().to())
                .append(" (records read ").append(report.window().slack()).append(" beyond it)").append(nl)
                .append("outbox: ").append(report.rowsPublished()).append(" rows published, ")
                .append(report.rowsDeadLettered()).append(" dead-lettered; kafka: ").append(report.records())
                .append(" event records, ").append(report.deadLetterRecords()).append(" dead letters on ")
                .append(report.topics().size()).append(" topics").append(nl);
        report.findings().forEach((kind, category) -> {
            text.append(String.format("%-20s %d", kind, category.count())).append(nl);
            for (Reconciliation.Finding finding : category.examples()) {
                text.append("  ").append(finding.eventId()).append("  ").append(finding.aggregate())
                        .append(finding.version() == null ? "" : " v" + finding.version()).append("  ")
                        .append(finding.detail()).append(nl);
            }
        });
        return text.append(report.clean() ? "CLEAN: the outbox and Kafka agree for this window"
                : "FINDINGS: see above").toString();
    }

    private static String json(Reconciliation.Report report) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.putObject("window").put("from", report.window().from().toString())
                .put("to", report.window().to().toString()).put("slack", report.window().slack().toString());
        report.topics().forEach(json.putArray("topics")::add);
        json.put("rows_published", report.rowsPublished()).put("rows_dead_lettered", report.rowsDeadLettered())
                .put("records", report.records()).put("dead_letter_records", report.deadLetterRecords())
                .put("unknown_checked_from", report.unknownCheckedFrom().toString());
        ObjectNode findings = json.putObject("findings");
        report.findings().forEach((kind, category) -> {
            ObjectNode node = findings.putObject(kind).put("count", category.count());
            ArrayNode examples = node.putArray("examples");
            for (Reconciliation.Finding finding : category.examples()) {
                examples.addObject().put("event_id", finding.eventId()).put("aggregate", finding.aggregate())
                        .put("aggregate_version", finding.version()).put("detail", finding.detail());
            }
        });
        return json.put("clean", report.clean()).toString();
    }
}
