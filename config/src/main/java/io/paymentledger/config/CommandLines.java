package io.paymentledger.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Runs a runnable's picocli command with the project's exit codes: 0 success, 1 failure, 2 bad configuration or
 * bad usage. A configuration error prints one line naming the variable and the value, never a stack trace.
 */
public final class CommandLines {
    /** Exit code of a bad configuration value or bad command-line usage. */
    public static final int EXIT_USAGE = 2;
    private static final Logger log = LoggerFactory.getLogger(CommandLines.class);

    private CommandLines() {
    }

    public static int execute(Object command, String... args) {
        return execute(command, null, null, args);
    }

    /** As {@link #execute(Object, String...)}, writing to {@code out} and {@code err} (null: the process's own). */
    public static int execute(Object command, java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(command);
        if (out != null) {
            commandLine.setOut(out);
        }
        if (err != null) {
            commandLine.setErr(err);
        }
        try {
            LogFormat.fromEnv(Env.system());
        } catch (ConfigException e) {
            commandLine.getErr().println("configuration error: " + e.getMessage());
            commandLine.getErr().flush();
            return EXIT_USAGE;
        }
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof ConfigException) {
                line.getErr().println("configuration error: " + exception.getMessage());
                return EXIT_USAGE;
            }
            if (exception instanceof IllegalArgumentException) {
                line.getErr().println("invalid input: " + exception.getMessage());
                return EXIT_USAGE;
            }
            log.error("{} failed", line.getCommandName(), exception);
            return 1;
        });
        return commandLine.execute(args);
    }
}
