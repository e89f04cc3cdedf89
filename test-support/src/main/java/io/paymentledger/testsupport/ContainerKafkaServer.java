package io.paymentledger.testsupport;

import org.testcontainers.redpanda.RedpandaContainer;

/** Redpanda (Kafka protocol) in a container, when a Docker engine is available. */
final class ContainerKafkaServer implements KafkaServer {
    private static final String IMAGE = "docker.redpanda.com/redpandadata/redpanda:v24.2.18";
    private final RedpandaContainer container;

    private ContainerKafkaServer(RedpandaContainer container) {
        this.container = container;
    }

    static ContainerKafkaServer launch() {
        RedpandaContainer container = new RedpandaContainer(IMAGE);
        container.start();
        return new ContainerKafkaServer(container);
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers().replaceFirst("^PLAINTEXT://", "");
    }

    @Override
    public String description() {
        return "Testcontainers Redpanda (" + IMAGE + ") at " + bootstrapServers();
    }

    @Override
    public boolean restartable() {
        return false;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("a Redpanda container cannot be restarted on the same port");
    }

    @Override
    public void kill() {
        throw new UnsupportedOperationException("a Redpanda container cannot be restarted on the same port");
    }

    @Override
    public void start() {
        throw new UnsupportedOperationException("a Redpanda container cannot be restarted on the same port");
    }

    @Override
    public void close() {
        container.stop();
    }
}
