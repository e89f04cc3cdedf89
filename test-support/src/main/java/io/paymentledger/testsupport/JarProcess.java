package io.paymentledger.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A packaged runnable ({@code target/<name>.jar}) as a real child JVM that can be signalled and killed, its output in
 * a log file under {@code target/}. Integration tests run after the package phase, so the jar is the one that ships.
 */
public final class JarProcess implements AutoCloseable {
    private final String label;
    private final Process process;
    private final Path log;
    /** Where stderr goes when it is kept apart from stdout, else null (both go to {@link #log}). */
    private final Path stderr;

    private JarProcess(String label, Process process, Path log, Path stderr) {
        this.label = label;
        this.process = process;
        this.log = log;
        this.stderr = stderr;
    }

    /**
     * Starts {@code java -Xmx256m -jar <jar> <args>} with {@code env} added to this JVM's environment.
     *
     * @param label names the log file, e.g. {@code relay-a}
     */
    public static JarProcess start(Path jar, String label, Map<String, String> env, String... args)
            throws IOException {
        return start(jar, label, List.of("-Xmx256m"), env, args);
    }

    /** Starts {@code java <jvmOptions> -jar <jar> <args>} with {@code env} added to this JVM's environment. */
    public static JarProcess start(Path jar, String label, List<String> jvmOptions, Map<String, String> env,
                                   String... args) throws IOException {
        return start(jar, label, jvmOptions, env, false, args);
    }

    /**
     * Starts {@code java -Xmx256m -jar <jar> <args>} with stdout in {@link #output()} and stderr (where the
     * runnables log) kept apart in {@link #errorOutput()}.
     */
    public static JarProcess startWithSeparateStderr(Path jar, String label, Map<String, String> env,
                                                     String... args) throws IOException {
        return start(jar, label, List.of("-Xmx256m"), env, true, args);
    }

    private static JarProcess start(Path jar, String label, List<String> jvmOptions, Map<String, String> env,
                                    boolean separateStderr, String... args) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing; run the package phase first");
        }
        Path log = Files.createTempFile(Path.of("target"), label + "-", ".log");
        Path stderr = separateStderr ? Files.createTempFile(Path.of("target"), label + "-", ".stderr.log") : null;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        if (stderr != null) {
            builder.redirectError(stderr.toFile());
        } else {
            builder.redirectErrorStream(true);
        }
        return new JarProcess(label, builder.start(), log, stderr);
    }

    /** SIGTERM, as a container runtime stops a container. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: the process dies at once, holding whatever it held. */
    public void kill() {
        process.destroyForcibly();
    }

    /**
     * SIGSTOP: the process is frozen as it is, its connections open, until {@link #resume()} (or {@link #kill()}).
     * Lets a test look at what the process holds without it moving on.
     */
    public void suspend() {
        signal("STOP");
    }

    /** SIGCONT: a {@linkplain #suspend() suspended} process runs on. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " (" + label + ") failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not send SIG" + name + " to " + label, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name + " to " + label, e);
        }
    }

    /** The operating system's process id. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the exit and returns its code. */
    public int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError(label + " did not exit within " + seconds + " s; see " + log.toAbsolutePath());
        }
        return process.exitValue();
    }

    public String output() throws IOException {
        return Files.readString(log);
    }

    /** What the process wrote to stderr, when it was started with {@link #startWithSeparateStderr}. */
    public String errorOutput() throws IOException {
        if (stderr == null) {
            throw new IllegalStateException(label + " was started with stderr merged into stdout");
        }
        return Files.readString(stderr);
    }

    public File logFile() {
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
