package org.visorfleet.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * The real dnsmasq inside a {@link NetNamespace}, in the foreground, with every file of its own in
 * a fresh directory: {@code dnsmasq.conf} (the configuration under test), {@code dnsmasq.pid},
 * {@code dnsmasq.leases} and {@code dnsmasq.log}. Nothing on the host is read or written
 * ({@code --conf-file} replaces {@code /etc/dnsmasq.conf}).
 *
 * <p>Ready when the log says {@code started, version}: dnsmasq binds its DHCP, TFTP and proxy
 * sockets before it logs that, and exits with the reason on stderr if it cannot. {@link #start}
 * also checks that the PID in the pid file is the process it started, so {@link #close} (SIGTERM
 * by that PID, SIGKILL after 5 s) stops this dnsmasq and nothing else.
 */
final class DnsmasqProcess implements AutoCloseable {
    static final Pattern READY = Pattern.compile("dnsmasq\\[(\\d+)\\]: started, version \\S+");
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);

    private final PeerProcess process;
    private final Path dir;
    private final Path log;

    private DnsmasqProcess(PeerProcess process, Path dir) {
        this.process = process;
        this.dir = dir;
        this.log = dir.resolve("dnsmasq.log");
    }

    /** Writes {@code config} and starts dnsmasq with it inside {@code ns}; returns once it is ready. */
    static DnsmasqProcess start(NetNamespace ns, Path workDir, String config) throws IOException, InterruptedException {
        Path dnsmasq = Prerequisites.tool("dnsmasq");
        Path dir = Files.createTempDirectory(workDir, "dnsmasq-");
        Path conf = dir.resolve("dnsmasq.conf");
        Files.writeString(conf, config);
        List<String> command = ns.command(List.of(
                dnsmasq.toString(),
                "--keep-in-foreground",
                "--conf-file=" + conf,
                "--pid-file=" + dir.resolve("dnsmasq.pid"),
                "--dhcp-leasefile=" + dir.resolve("dnsmasq.leases"),
                // contains a '/', so a file rather than a syslog facility
                "--log-facility=" + dir.resolve("dnsmasq.log")));
        DnsmasqProcess started = new DnsmasqProcess(PeerProcess.start(dir, "dnsmasq", command), dir);
        try {
            started.awaitReady();
            return started;
        } catch (IOException | RuntimeException | InterruptedException | AssertionError e) {
            started.close();
            throw e;
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        Matcher ready = awaitLog(READY, READY_TIMEOUT);
        long logged = Long.parseLong(ready.group(1));
        String pidFile = Files.readString(dir.resolve("dnsmasq.pid")).strip();
        if (logged != process.pid() || !pidFile.equals(Long.toString(process.pid()))) {
            throw new IOException("dnsmasq runs as pid " + logged + " (pid file: " + pidFile + ") but pid "
                    + process.pid() + " was started: the command prefix must exec it in place\n" + this);
        }
    }

    /** The log file so far (DHCP, TFTP and start-up lines, one event per line). */
    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(unreadable " + log + ": " + e + ")";
        }
    }

    /** Log lines containing {@code text}. */
    List<String> logLines(String text) {
        return log().lines().filter(line -> line.contains(text)).toList();
    }

    /**
     * Waits until the log matches {@code pattern}; fails with the log and dnsmasq's own output if
     * dnsmasq ends first or {@code timeout} passes.
     */
    Matcher awaitLog(Pattern pattern, Duration timeout) throws InterruptedException {
        return Commands.awaitMatch(process.process(), "dnsmasq", this::log, pattern, timeout, this::toString);
    }

    long pid() {
        return process.pid();
    }

    /** Configuration, process output and log, for failure messages. */
    @Override
    public String toString() {
        String config;
        try {
            config = Files.readString(dir.resolve("dnsmasq.conf"));
        } catch (IOException e) {
            config = "(unreadable: " + e + ")";
        }
        return process + "--- " + log + ":\n" + log() + "--- configuration:\n" + config;
    }

    @Override
    public void close() {
        process.close();
    }
}
