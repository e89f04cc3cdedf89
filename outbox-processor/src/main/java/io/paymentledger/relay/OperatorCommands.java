package io.paymentledger.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.paymentledger.db.jooq.tables.records.OutboxEventRecord;
import io.paymentledger.schemas.Json;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The operators' commands of {@code outbox-processor.jar}: status, dead list/show, redrive, skip. */
final class OperatorCommands {
    private OperatorCommands() {
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Pending rows, oldest pending age, retrying, dead, parked aggregates, live relay instances, "
                    + "lane cursors, missing topics whose rows are held.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        RelayMain main;
        @Spec
        CommandSpec spec;
        @Option(names = "--json", description = "Print JSON instead of text.")
        boolean json;

        @Override
        public Integer call() {
            Operations.Status status = main.withDatabase(dsl -> new Operations(dsl).status(main.clock.instant()));
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(toJson(asMap(status)));
            } else {
                out.printf("pending:            %d%n", status.pending());
                out.printf("oldest pending age: %s%n", seconds(status.oldestPendingAge()) + " s");
                out.printf("retrying:           %d%n", status.retrying());
                out.printf("dead:               %d%n", status.dead());
                out.printf("parked aggregates:  %d%n", status.parkedAggregates());
                out.printf("live instances:     %d%n", status.liveInstances().size());
                for (Operations.Instance instance : status.liveInstances()) {
                    out.printf("  %s  circuit %s  started %s  heartbeat %s  lanes %s%n", instance.instanceId(),
                            instance.circuitState(), instance.startedAt(), instance.heartbeatAt(),
                            ranges(status.lanesOf(instance.instanceId())));
                }
                printLanes(out, status.lanes());
                printPartitions(out, status.partitions());
                printMissingTopics(out, status.missingTopics());
            }
            out.flush();
            return 0;
        }

        private static void printLanes(PrintWriter out, List<Operations.Lane> lanes) {
            List<Integer> free = lanes.stream().filter(l -> l.owner() == null).map(Operations.Lane::lane).toList();
            List<Operations.Lane> expired = lanes.stream().filter(Operations.Lane::expired).toList();
            out.printf("lanes:              %d (free %s, expired %s)%n", lanes.size(), ranges(free),
                    ranges(expired.stream().map(Operations.Lane::lane).toList()));
            List<Integer> reading = lanes.stream().filter(l -> l.batchUpto() != null).map(Operations.Lane::lane)
                    .toList();
            out.printf("  batches being read in pages: lanes %s%n", ranges(reading));
            for (Operations.Lane lane : expired) {
                out.printf("  lane %d  %s  epoch %d  lease ran out %s: the next balance (within a second) takes it "
                        + "over%n", lane.lane(), lane.owner(), lane.epoch(), lane.leaseUntil());
            }
        }

        private static void printPartitions(PrintWriter out, List<Operations.Partition> partitions) {
            out.printf("partitions:         %d in the ring (rows published by position; retired ones are truncated "
                    + "once every lane passed them and they retired before the retention)%n", partitions.size());
            for (Operations.Partition partition : partitions) {
                out.printf("  %s  %s%s%n", partition.table(), partition.currentSince() != null
                        ? "current since " + partition.currentSince()
                        : partition.retiredAt() != null ? "retired " + partition.retiredAt() : "never used",
                        partition.truncatedAt() == null ? "" : "  last truncated " + partition.truncatedAt());
            }
        }

        private static Map<String, Object> partition(Operations.Partition partition) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("table", partition.table());
            map.put("current_since", text(partition.currentSince()));
            map.put("retired_at", text(partition.retiredAt()));
            map.put("truncated_at", text(partition.truncatedAt()));
            return map;
        }

        private static String text(Instant instant) {
            return instant == null ? null : instant.toString();
        }

        /** Lanes as ranges: {@code 0-15,20}; {@code none} for no lane. */
        static String ranges(List<Integer> lanes) {
            if (lanes.isEmpty()) {
                return "none";
            }
            List<String> parts = new ArrayList<>();
            int start = lanes.get(0);
            int previous = start;
            for (int lane : lanes.subList(1, lanes.size())) {
                if (lane != previous + 1) {
                    parts.add(start == previous ? Integer.toString(start) : start + "-" + previous);
                    start = lane;
                }
                previous = lane;
            }
            parts.add(start == previous ? Integer.toString(start) : start + "-" + previous);
            return String.join(",", parts);
        }

        private static void printMissingTopics(PrintWriter out, List<Operations.MissingTopic> topics) {
            out.printf("missing topics:     %d%s%n", topics.size(), topics.isEmpty() ? ""
                    : " (their rows are held, no attempt spent; create the topic and delivery resumes)");
            for (Operations.MissingTopic topic : topics) {
                out.printf("  %s  %d rows held  since %s  by %s: %s%n", topic.topic(), topic.rowsHeld(),
                        topic.since(), String.join(", ", topic.instances()), topic.reason());
            }
        }

        private static Map<String, Object> lane(Operations.Lane lane) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("lane", lane.lane());
            map.put("owner", lane.owner());
            map.put("epoch", lane.epoch());
            map.put("lease_until", lane.leaseUntil() == null ? null : lane.leaseUntil().toString());
            map.put("expired", lane.expired());
            map.put("delivered", lane.delivered());
            map.put("batch_upto", lane.batchUpto());
            map.put("batch_after", lane.batchAfter());
            return map;
        }

        private static Map<String, Object> asMap(Operations.Status status) {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("pending", status.pending());
            map.put("oldest_pending_age_seconds", status.oldestPendingAge().toNanos() / 1e9);
            map.put("retrying", status.retrying());
            map.put("dead", status.dead());
            map.put("parked_aggregates", status.parkedAggregates());
            map.put("live_instances", status.liveInstances().stream().map(i -> Map.of(
                    "instance_id", i.instanceId(), "circuit_state", i.circuitState(),
                    "started_at", i.startedAt().toString(), "heartbeat_at", i.heartbeatAt().toString(),
                    "lanes", status.lanesOf(i.instanceId()))).toList());
            map.put("lanes", status.lanes().stream().map(OperatorCommands.Status::lane).toList());
            map.put("partitions", status.partitions().stream().map(OperatorCommands.Status::partition).toList());
            map.put("missing_topics", status.missingTopics().stream().map(t -> Map.of("topic", t.topic(),
                    "rows_held", t.rowsHeld(), "since", t.since().toString(), "instances", t.instances(),
                    "reason", t.reason())).toList());
            return map;
        }
    }

    @Command(name = "dead", mixinStandardHelpOptions = true, description = "Inspect dead rows.",
            subcommands = {DeadList.class, DeadShow.class})
    static final class Dead implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().usage(spec.commandLine().getErr());
            return 2;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists dead rows, oldest first.")
    static final class DeadList implements Callable<Integer> {
        @ParentCommand
        Dead dead;
        @Spec
        CommandSpec spec;
        @Option(names = "--limit", defaultValue = "100", description = "At most this many rows (default ${DEFAULT-VALUE}).")
        int limit;
        @Option(names = "--json", description = "Print JSON lines instead of text.")
        boolean json;

        @Override
        public Integer call() {
            RelayMain main = (RelayMain) spec.parent().parent().userObject();
            List<Operations.DeadRow> rows = main.withDatabase(dsl -> new Operations(dsl).deadRows(limit));
            PrintWriter out = spec.commandLine().getOut();
            for (Operations.DeadRow row : rows) {
                if (json) {
                    out.println(toJson(row));
                } else {
                    out.printf("%s  %s %s v%d  %s  attempts %d%s  %s%n", row.eventId(), row.aggregateType(),
                            row.aggregateId(), row.aggregateVersion(), row.eventType(), row.attempts(),
                            row.parked() ? "  PARKED" : "", row.lastError());
                }
            }
            out.flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one row, payload and failure.")
    static final class DeadShow implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "EVENT_ID")
        String eventId;

        @Override
        public Integer call() {
            RelayMain main = (RelayMain) spec.parent().parent().userObject();
            Optional<OutboxEventRecord> row = main.withDatabase(dsl -> new Operations(dsl).row(eventId));
            if (row.isEmpty()) {
                throw new IllegalArgumentException("no outbox row has event_id " + eventId);
            }
            Map<String, Object> shown = new LinkedHashMap<>(row.get().intoMap());
            shown.put("payload", Json.mapper().convertValue(parse(row.get().getPayload().data()), Object.class));
            PrintWriter out = spec.commandLine().getOut();
            out.println(toJson(shown));
            out.flush();
            return 0;
        }
    }

    /** Exactly one of: event ids, or {@code --all} (optionally with {@code --aggregate}). */
    static final class RedriveTarget {
        @Parameters(paramLabel = "EVENT_ID", arity = "1..*", description = "Dead rows to re-queue.")
        List<String> eventIds;
        @ArgGroup(exclusive = false)
        AllDead all;
    }

    static final class AllDead {
        @Option(names = "--all", required = true, description = "Re-queue every dead row.")
        boolean all;
        @Option(names = "--aggregate", paramLabel = "ID", description = "Only the dead rows of this aggregate id.")
        String aggregateId;
    }

    @Command(name = "redrive", mixinStandardHelpOptions = true,
            description = "Re-queues dead rows (attempts reset); the relay sends them in aggregate order.")
    static final class Redrive implements Callable<Integer> {
        @ParentCommand
        RelayMain main;
        @Spec
        CommandSpec spec;
        @ArgGroup(exclusive = true, multiplicity = "1")
        RedriveTarget target;

        @Override
        public Integer call() {
            int requeued = main.withDatabase(dsl -> target.eventIds != null
                    ? new Operations(dsl).redrive(target.eventIds, main.clock.instant())
                    : new Operations(dsl).redriveAll(Optional.ofNullable(target.all.aggregateId),
                            main.clock.instant()));
            spec.commandLine().getOut().printf("re-queued %d dead row(s)%n", requeued);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    @Command(name = "skip", mixinStandardHelpOptions = true,
            description = "Unparks the aggregate of a parked dead row; the row stays dead and can still be redriven.")
    static final class Skip implements Callable<Integer> {
        @ParentCommand
        RelayMain main;
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "EVENT_ID")
        String eventId;

        @Override
        public Integer call() {
            main.withDatabase(dsl -> {
                new Operations(dsl).skip(eventId);
                return null;
            });
            spec.commandLine().getOut().printf("skipped %s: its aggregate's later events flow again%n", eventId);
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.3f", duration.toNanos() / 1e9);
    }

    private static Object parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String toJson(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
