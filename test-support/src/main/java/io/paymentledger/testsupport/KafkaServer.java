package io.paymentledger.testsupport;

/** A real Kafka-protocol broker the tests talk to. */
public interface KafkaServer extends AutoCloseable {
    /** {@code host:port} list for clients. */
    String bootstrapServers();

    /** What this broker is, for the log line that says which infrastructure was chosen. */
    String description();

    /** Whether {@link #stop()} and {@link #start()} are supported (a broker this process started itself). */
    boolean restartable();

    /** Stops the broker gracefully (SIGTERM) and waits for it to exit; clients see a real outage. */
    void stop();

    /** Kills the broker abruptly (SIGKILL), like a crashed host. */
    void kill();

    /** Starts a stopped broker again on the same address and data, and waits until it serves requests. */
    void start();

    @Override
    void close();
}
