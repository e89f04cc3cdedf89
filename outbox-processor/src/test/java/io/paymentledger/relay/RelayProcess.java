package io.paymentledger.relay;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged relay ({@code target/outbox-processor.jar}) as a real child process that can be signalled and killed. */
final class RelayProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private RelayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static RelayProcess start(RelayConfig config, Map<String, String> env) throws IOException {
        Path jar = Path.of("target", "outbox-processor.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing; run the package phase first");
        }
        Path log = Files.createTempFile(Path.of("target"), "relay-" + config.instanceId() + "-", ".log");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", jar.toString(), "run");
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        return new RelayProcess(builder.start(), log);
    }

    /** SIGTERM, as a container runtime stops a container. */
    void terminate() {
        process.destroy();
    }

    /** SIGKILL: the process dies at once, holding whatever it held. */
    void kill() {
        process.destroyForcibly();
    }

    /** Waits for the exit and returns its code. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("relay did not exit within " + seconds + " s; see " + log.toAbsolutePath());
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return Files.readString(log);
    }

    File logFile() {
        return log.toFile();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
