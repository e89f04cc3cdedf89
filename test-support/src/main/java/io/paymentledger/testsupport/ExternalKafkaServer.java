package io.paymentledger.testsupport;

/** A broker named by {@code TEST_KAFKA_BOOTSTRAP_SERVERS}. */
final class ExternalKafkaServer implements KafkaServer {
    private final String bootstrapServers;

    ExternalKafkaServer(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public String description() {
        return "external Kafka at " + bootstrapServers;
    }

    @Override
    public boolean restartable() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("an external broker is not ours to stop");
    }

    @Override
    public void kill() {
        throw new UnsupportedOperationException("an external broker is not ours to kill");
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("an external broker is not ours to start");
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
