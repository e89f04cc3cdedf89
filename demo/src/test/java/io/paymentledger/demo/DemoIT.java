package io.paymentledger.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paymentledger.testsupport.JarProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The packaged demo in its short mode: it reaches its summary, keeps running on request, and stops on SIGTERM. */
class DemoIT {
    private static final Path JAR = Path.of("target", "demo.jar");

    @Test
    void shortDemoReachesAnOkSummaryKeepsRunningForKafkaClientsAndStopsOnSigterm() throws Exception {
        try (JarProcess demo = JarProcess.start(JAR, "demo", Map.of(), "--payments", "150", "--accounts", "20",
                "--keep-running")) {
            await().atMost(Duration.ofMinutes(4)).until(() -> demo.output().contains("Everything keeps running")
                    || !demo.isAlive());
            String output = demo.output();
            assertThat(output).as("demo output; log %s", demo.logFile())
                    .contains("Payment ledger demo: 150 payments, seed 42")
                    .contains("verdict   OK")
                    .containsPattern("dead-lettered to payments\\.dlq\\s+2")
                    .containsPattern("rejected\\s+2\\s+invalid_payload 1, unknown_event_type 1")
                    .containsPattern("payment states as in the ledger\\s+150\\s+of 150 payments")
                    .containsPattern("notifications with a trace id\\s+[1-9][0-9,]*\\s+the W3C trace")
                    .contains("RecordTooLargeException")
                    .contains("InvalidTopicException")
                    .contains("Relay holds a row: 1 topic(s) missing, their rows held (no attempt spent)")
                    .contains("payments.paymentchargedback (1 rows since")
                    .contains("Created payments.paymentchargedback as an operator would");

            assertThat(deadLetters(bootstrapServers(output))).hasSize(2);

            demo.terminate();
            assertThat(demo.awaitExit(60)).as("exit code; log %s", demo.logFile()).isZero();
        }
    }

    private static String bootstrapServers(String output) {
        Matcher matcher = Pattern.compile("bootstrap servers\\s+(\\S+)").matcher(output);
        assertThat(matcher.find()).as("bootstrap servers printed").isTrue();
        return matcher.group(1);
    }

    /** Every record on payments.dlq, read by a plain Kafka consumer pointed where the demo said. */
    private static List<ConsumerRecord<String, byte[]>> deadLetters(String bootstrapServers) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("payments.dlq").stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return partitions.stream().allMatch(partition -> consumer.position(partition) >= end.get(partition));
            });
        }
        return records;
    }
}
