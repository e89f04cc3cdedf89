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
        CommandLine commandLine = new CommandLine(command);
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
