package io.paymentledger.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * CPU time as Linux's {@code /proc} counts it, in clock ticks (USER_HZ, a hundredth of a second). Every reader
 * returns 0 for what it cannot read (a process or thread that ended meanwhile, or no {@code /proc}).
 */
final class ProcCpu {
    /** Linux's USER_HZ: {@code /proc} counts CPU time in hundredths of a second. */
    static final long TICKS_PER_SECOND = 100;
    private static final Path PROC = Path.of("/proc");

    private ProcCpu() {
    }

    /** User plus system time from a {@code /proc/<pid>[/task/<tid>]/stat} line. */
    static long ticksOfStat(String stat) {
        // After "pid (name) ": state is field 3; utime and stime are fields 14 and 15.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * Busy time of the whole machine from the first line of {@code /proc/stat}: every column but idle and iowait
     * (user, nice, system, irq, softirq, steal; guest time is already inside user).
     */
    static long busyTicksOfMachine(String procStatFirstLine) {
        String[] fields = procStatFirstLine.trim().split("\\s+");
        long busy = 0;
        for (int column = 1; column <= 8 && column < fields.length; column++) {
            if (column != 4 && column != 5) {
                busy += Long.parseLong(fields[column]);
            }
        }
        return busy;
    }

    /** The machine's busy ticks so far. */
    static long machine() {
        try (var lines = Files.lines(PROC.resolve("stat"))) {
            return lines.findFirst().map(ProcCpu::busyTicksOfMachine).orElse(0L);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** A process's ticks so far (all its threads, ended ones included). */
    static long process(long pid) {
        return readTicks(PROC.resolve(Long.toString(pid)).resolve("stat"));
    }

    /** The ticks so far of the threads of process {@code pid} whose name ({@code comm}) matches. */
    static long threads(long pid, Predicate<String> name) {
        return sumOf(PROC.resolve(Long.toString(pid)).resolve("task"), "*", name);
    }

    /** The ticks so far of every process whose name ({@code comm}) is {@code name}, e.g. {@code postgres}. */
    static long processesNamed(String name) {
        return sumOf(PROC, "[0-9]*", name::equals);
    }

    /** The ticks of the processes or threads in {@code directory} (matching {@code glob}) whose name matches. */
    private static long sumOf(Path directory, String glob, Predicate<String> name) {
        long ticks = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, glob)) {
            for (Path entry : entries) {
                if (name.test(comm(entry))) {
                    ticks += readTicks(entry.resolve("stat"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return ticks;
        }
        return ticks;
    }

    private static String comm(Path processOrTask) {
        try {
            return Files.readString(processOrTask.resolve("comm")).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static long readTicks(Path stat) {
        try {
            return ticksOfStat(Files.readString(stat));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
