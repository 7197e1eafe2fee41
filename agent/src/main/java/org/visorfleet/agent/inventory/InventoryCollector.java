package org.visorfleet.agent.inventory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.visorfleet.common.wire.Inventory;

/**
 * Builds the {@link Inventory} a Linux desktop reports with every heartbeat.
 *
 * <p>Every source is optional: a missing, unreadable or unparsable file yields a neutral value
 * ({@code 0}, {@code "unknown"}, or {@code null} idle time) and {@link #collect()} never throws.
 * Host name, OS and kernel are read once, at construction; the rest is read on each call from
 * {@code /proc} and a few {@code stat}s, typically well under a millisecond.
 *
 * <p>Idle time is measured the way {@code w(1)} does: the newest access or modification time of
 * the input devices ({@code /dev/input/event*}) and of the terminals of logged-in sessions (from
 * utmp and systemd-logind session files). The kernel stamps terminals on every read and write, but
 * not every input driver stamps its device node, so on some desktops idle time is only as good as
 * the session terminals; where no such device exists or is readable it is {@code null}.
 *
 * <p>Thread-safe: all state is final or a benign cache.
 */
public final class InventoryCollector {
    private static final System.Logger LOG = System.getLogger(InventoryCollector.class.getName());
    static final String UNKNOWN = "unknown";

    /** Refuse to read more of a text file than this: real ones are a few KiB. */
    private static final int MAX_TEXT_BYTES = 64 * 1024;
    /** utmp holds one 384-byte record per login; 1 MiB is thousands of sessions. */
    private static final int MAX_UTMP_BYTES = 1024 * 1024;

    private static final int FIRST_READ = 8192;

    private final Path root;
    private final Path dataDir;
    private final String agentVersion;
    private final String hostname;
    private final String os;
    private final String kernel;
    private volatile FileStore dataStore;

    /**
     * @param dataDir the agent's data directory; disk figures describe the file system holding it
     * @param agentVersion reported as is
     */
    public InventoryCollector(Path dataDir, String agentVersion) {
        this(Path.of("/"), dataDir, agentVersion, true);
    }

    /**
     * For tests: reads {@code proc/}, {@code etc/}, {@code dev/} and {@code run/} under {@code root}
     * instead of {@code /}, and, if {@code askResolver} is false, takes the host name from the file.
     */
    InventoryCollector(Path root, Path dataDir, String agentVersion, boolean askResolver) {
        this.root = Objects.requireNonNull(root);
        this.dataDir = Objects.requireNonNull(dataDir);
        this.agentVersion = Objects.requireNonNull(agentVersion);
        this.hostname = hostname(askResolver);
        this.os = readText("etc/os-release")
                .or(() -> readText("usr/lib/os-release"))
                .flatMap(ProcText::prettyName)
                .orElseGet(InventoryCollector::javaOsName);
        this.kernel = readText("proc/sys/kernel/osrelease")
                .flatMap(ProcText::firstLine)
                .orElse(UNKNOWN);
    }

    /** A fresh inventory; never throws. */
    public Inventory collect() {
        ProcText.Memory memory = readText("proc/meminfo").map(ProcText::memory).orElse(new ProcText.Memory(0, 0));
        long diskTotal = 0;
        long diskFree = 0;
        FileStore store = dataStore();
        if (store != null) {
            try {
                diskTotal = store.getTotalSpace();
                diskFree = store.getUsableSpace();
            } catch (IOException | RuntimeException e) {
                // The file system went away (unmounted, data dir deleted): report 0, look it up anew.
                LOG.log(System.Logger.Level.DEBUG, "disk space of " + dataDir + ": " + e);
                dataStore = null;
            }
        }
        return new Inventory(
                hostname,
                os,
                kernel,
                Runtime.getRuntime().availableProcessors(),
                readText("proc/loadavg").map(ProcText::load1).orElse(0.0),
                memory.totalBytes(),
                memory.availableBytes(),
                diskTotal,
                diskFree,
                readText("proc/uptime").map(ProcText::uptimeSeconds).orElse(0L),
                idleSeconds(Instant.now()),
                agentVersion,
                macAddresses());
    }

    /** MACs of the Ethernet interfaces ({@code /sys/class/net/IFACE/address}), sorted; loopback and all-zero ones left out. */
    List<String> macAddresses() {
        List<String> out = new ArrayList<>();
        Path net = root.resolve("sys/class/net");
        try (var interfaces = Files.newDirectoryStream(net)) {
            for (Path iface : interfaces) {
                readText(root.relativize(iface.resolve("address")).toString())
                        .map(String::strip)
                        .filter(mac -> mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}") && !mac.equals("00:00:00:00:00:00"))
                        .ifPresent(out::add);
            }
        } catch (IOException | RuntimeException e) {
            // no /sys (another OS, a container without it): report none
        }
        out.sort(null);
        return List.copyOf(out);
    }

    /** Seconds since the newest input or session-terminal activity, or null if none is measurable. */
    public Long idleSeconds(Instant now) {
        Instant newest = null;
        for (Path device : activityDevices()) {
            Instant touched = lastTouched(device);
            if (touched != null && (newest == null || touched.isAfter(newest))) {
                newest = touched;
            }
        }
        return newest == null ? null : idleSeconds(now, newest);
    }

    /** Whole seconds from {@code newest} to {@code now}; 0 if the clock says activity is in the future. */
    static long idleSeconds(Instant now, Instant newest) {
        return Math.max(0, now.getEpochSecond() - newest.getEpochSecond());
    }

    private List<Path> activityDevices() {
        List<Path> devices = new ArrayList<>(list("dev/input", "event*"));
        for (String tty : sessionTtys()) {
            devices.add(root.resolve("dev").resolve(tty));
        }
        return devices;
    }

    private Set<String> sessionTtys() {
        Set<String> ttys = new LinkedHashSet<>();
        for (String utmp : List.of("run/utmp", "var/run/utmp")) {
            Optional<byte[]> bytes = readBytes(utmp, MAX_UTMP_BYTES);
            if (bytes.isPresent()) {
                ttys.addAll(ProcText.utmpTtys(bytes.get()));
                break;
            }
        }
        // logind's session files name terminals too, also where nothing writes utmp any more.
        for (Path session : list("run/systemd/sessions", "*")) {
            readText(root.relativize(session).toString())
                    .flatMap(ProcText::sessionTty)
                    .ifPresent(ttys::add);
        }
        return ttys;
    }

    /** Entries of a directory matching a glob; empty if it is missing or unreadable. */
    private List<Path> list(String relative, String glob) {
        Path dir = root.resolve(relative);
        if (!Files.isDirectory(dir)) {
            return List.of(); // Cheaper than an exception on every heartbeat (no /dev/input on servers).
        }
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(entries::add);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.TRACE, "list " + dir + ": " + e);
        }
        return entries;
    }

    /** Newest of access and modification time of a character device, or null. */
    private static Instant lastTouched(Path device) {
        try {
            BasicFileAttributes attrs = Files.readAttributes(device, BasicFileAttributes.class);
            if (!attrs.isOther()) {
                return null; // Not a device node (a regular file where a tty should be is not evidence).
            }
            Instant access = attrs.lastAccessTime().toInstant();
            Instant modified = attrs.lastModifiedTime().toInstant();
            return access.isAfter(modified) ? access : modified;
        } catch (IOException | RuntimeException e) {
            // The session ended between listing and stat, or the node is not readable.
            LOG.log(System.Logger.Level.TRACE, "stat " + device + ": " + e);
            return null;
        }
    }

    private FileStore dataStore() {
        FileStore store = dataStore;
        if (store == null) {
            try {
                // Cached: the lookup scans the mount table; the space queries are one statvfs each.
                store = Files.getFileStore(dataDir);
                dataStore = store;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "file store of " + dataDir + ": " + e);
            }
        }
        return store;
    }

    private String hostname(boolean askResolver) {
        if (askResolver) {
            try {
                String name = InetAddress.getLocalHost().getHostName();
                if (name != null && !name.isBlank()) {
                    return name;
                }
            } catch (IOException | RuntimeException e) {
                // Host name does not resolve (common on desktops without a hosts entry): use the kernel's.
                LOG.log(System.Logger.Level.DEBUG, "InetAddress.getLocalHost: " + e);
            }
        }
        return readText("proc/sys/kernel/hostname").flatMap(ProcText::firstLine).orElse(UNKNOWN);
    }

    private static String javaOsName() {
        String name = System.getProperty("os.name", "");
        String version = System.getProperty("os.version", "");
        String both = (name + " " + version).strip();
        return both.isEmpty() ? UNKNOWN : both;
    }

    private Optional<String> readText(String relative) {
        // new String(..., UTF_8) replaces malformed bytes instead of throwing.
        return readBytes(relative, MAX_TEXT_BYTES).map(b -> new String(b, StandardCharsets.UTF_8));
    }

    private Optional<byte[]> readBytes(String relative, int limit) {
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            // Cheaper than a NoSuchFileException on every heartbeat, and never opens a FIFO (logind's
            // sessions/<id>.ref are FIFOs; reading one would block the heartbeat).
            return Optional.empty();
        }
        try (var in = Files.newInputStream(file)) {
            // /proc files report size 0, so read rather than trust the size; most fit the first chunk.
            byte[] first = in.readNBytes(Math.min(limit, FIRST_READ));
            if (first.length < FIRST_READ) {
                return Optional.of(first);
            }
            byte[] rest = in.readNBytes(limit - first.length);
            byte[] all = Arrays.copyOf(first, first.length + rest.length);
            System.arraycopy(rest, 0, all, first.length, rest.length);
            return Optional.of(all);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.TRACE, "read " + file + ": " + e);
            return Optional.empty();
        }
    }
}
