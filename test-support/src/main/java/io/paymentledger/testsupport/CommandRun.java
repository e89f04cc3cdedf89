package io.paymentledger.testsupport;

import io.paymentledger.config.CommandLines;
import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of a runnable's command line in this JVM, as {@code main} would run it: its exit code, stdout and stderr. */
public record CommandRun(int exitCode, String out, String err) {

    /** Runs {@code command} (a picocli root such as {@code new RelayMain(env)}) with {@code args}. */
    public static CommandRun execute(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = CommandLines.execute(command, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }
}
