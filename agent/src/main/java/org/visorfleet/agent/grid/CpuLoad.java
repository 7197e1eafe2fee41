package org.visorfleet.agent.grid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU load of everything except this process, from {@code /proc/stat} (all processors) and
 * {@code /proc/self/stat} (this JVM: the agent and its grid threads), both in clock ticks. Grid work
 * runs niced inside this process, so subtracting the process's own time leaves what the desktop's
 * user and other programs are doing.
 */
final class CpuLoad {
    private final Path procStat;
    private final Path selfStat;
    private long lastTotal = -1;
    private long lastBusy;
    private long lastOwn;

    CpuLoad() {
        this(Path.of("/proc/stat"), Path.of("/proc/self/stat"));
    }

    CpuLoad(Path procStat, Path selfStat) {
        this.procStat = procStat;
        this.selfStat = selfStat;
    }

    /** Non-grid load since the previous call (0..1), NaN on the first call or when unreadable. */
    synchronized double sample() {
        long[] all = machineTicks();
        long own = ownTicks();
        if (all == null || own < 0) {
            lastTotal = -1;
            return Double.NaN;
        }
        long total = all[0];
        long busy = all[1];
        double load = Double.NaN;
        if (lastTotal >= 0 && total > lastTotal) {
            long others = (busy - lastBusy) - (own - lastOwn);
            load = Math.clamp((double) others / (total - lastTotal), 0.0, 1.0);
        }
        lastTotal = total;
        lastBusy = busy;
        lastOwn = own;
        return load;
    }

    /** {total, busy} ticks of all processors from the {@code cpu} line, or null. */
    private long[] machineTicks() {
        try {
            String first = Files.readAllLines(procStat).getFirst();
            return parseCpuLine(first);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code cpu  user nice system idle iowait irq softirq steal guest guest_nice}: total is the first
     * eight (guest time is already in user), idle is idle + iowait.
     */
    static long[] parseCpuLine(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 5 || !f[0].equals("cpu")) {
            throw new IllegalArgumentException("not the cpu line: " + line);
        }
        long total = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) {
            total += Long.parseLong(f[i]);
        }
        long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
        return new long[] {total, total - idle};
    }

    /** utime + stime of this process, or -1. */
    private long ownTicks() {
        try {
            return parseSelfStat(Files.readString(selfStat));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Fields 14 and 15 of {@code /proc/PID/stat}, counted after the command name's closing parenthesis. */
    static long parseSelfStat(String text) {
        String[] f = text.substring(text.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }
}
