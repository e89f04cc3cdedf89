package io.paymentledger.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The demo's live progress: on a terminal one line rewritten in place; otherwise (CI, a pipe) a new line every
 * {@link #PLAIN_EVERY_MILLIS} so logs stay readable.
 */
final class ProgressLine {
    static final long PLAIN_EVERY_MILLIS = 5_000;

    private final PrintStream out;
    private final boolean terminal;
    private long lastPlainLine;
    private int lastLength;

    ProgressLine(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** True when the process writes to a terminal (Java 22+ answers precisely; before, a console means one). */
    static boolean stdoutIsTerminal() {
        java.io.Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    /** One progress line, e.g. "written 4,120 | published 4,100 | consumed 4,090 | dead-lettered 2 | lag 18 (0.3 s)". */
    static String render(OutboxCounts outbox, long consumed, double seconds) {
        return String.format(Locale.ROOT, "%6.1f s  written %,d | published %,d | consumed %,d | dead-lettered %,d"
                        + " | lag %,d (oldest %.1f s)", seconds, outbox.written(), outbox.published(), consumed,
                outbox.dead(), outbox.pending(), outbox.oldestPendingAge().toMillis() / 1000.0);
    }

    /** Shows {@code line} now (terminal) or if the last plain line is old enough. */
    void show(String line, long nowMillis) {
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
            out.flush();
        } else if (nowMillis - lastPlainLine >= PLAIN_EVERY_MILLIS) {
            out.println(line);
            lastPlainLine = nowMillis;
        }
    }

    /** Prints {@code text} on a line of its own, above the progress line (which the next {@link #show} redraws). */
    void note(String text) {
        if (terminal) {
            out.print("\r" + " ".repeat(lastLength) + "\r");
            lastLength = 0;
        }
        out.println(text);
        out.flush();
    }

    /** Ends the progress output with {@code line} on a line of its own. */
    void finish(String line) {
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            out.println();
        } else {
            out.println(line);
        }
        out.flush();
    }
}
