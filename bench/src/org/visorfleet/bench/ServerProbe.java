package org.visorfleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the server JVM's memory and CPU from /proc and jcmd (same machine). */
final class ServerProbe {

    private static final Pattern HEAP_USED = Pattern.compile("garbage-first heap\\s+total.*?used (\\d+)K");
    /** ZGC prints "ZHeap used 62M, capacity 378M, ..." instead. */
    private static final Pattern ZHEAP_USED = Pattern.compile("ZHeap\\s+used (\\d+)M");
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux x86-64

    private final long pid;

    ServerProbe(long pid) {
        this.pid = pid;
    }

    /** VmRSS in bytes. */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /** User plus system CPU time so far, in milliseconds. */
    long cpuMillis() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
        return ticks * 1000 / CLOCK_TICKS;
    }

    /** Open file descriptors of the server. */
    int openFiles() throws IOException {
        try (var entries = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) entries.count();
        }
    }

    /** Heap in use after a full collection (jcmd GC.run, then GC.heap_info), in bytes. */
    long liveHeapBytes() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info").replace('\n', ' ');
        Matcher g1 = HEAP_USED.matcher(info);
        if (g1.find()) {
            return Long.parseLong(g1.group(1)) * 1024;
        }
        Matcher z = ZHEAP_USED.matcher(info);
        if (z.find()) {
            return Long.parseLong(z.group(1)) * 1024 * 1024;
        }
        throw new IOException("cannot read GC.heap_info of " + pid + ": " + info);
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + command + " failed: " + out);
        }
        return out;
    }
}
