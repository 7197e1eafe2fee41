package org.visorfleet.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway, real PostgreSQL server for tests: its own cluster in a fresh temporary directory,
 * listening only on {@code 127.0.0.1} on a free port, with a role {@code fleet} (random password)
 * owning a database {@code fleet}.
 *
 * <pre>{@code
 * try (PostgresCluster pg = PostgresCluster.start()) {
 *     String url = pg.jdbcUrl(); // jdbc:postgresql://127.0.0.1:PORT/fleet?user=fleet&password=...
 * }
 * }</pre>
 *
 * <p>The server binaries are taken from the highest {@code /usr/lib/postgresql/VERSION/bin} (or
 * from {@code $VISORFLEET_PG_BIN}). If they are missing the calling test is skipped, unless {@code
 * VISORFLEET_REQUIRE_E2E=1} (CI), where it fails. PostgreSQL refuses to run as root, so when the
 * JVM runs as root, {@code initdb} and {@code pg_ctl} run as user {@code postgres} through {@code
 * runuser}; otherwise they run as the current user.
 *
 * <p>Only processes this fixture started are ever signalled, always by PID: the postmaster whose
 * PID it read from its own data directory, and that postmaster's children. Authentication is
 * {@code scram-sha-256} everywhere (no trust), the superuser {@code postgres} also has a random
 * password.
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String DATABASE = "fleet";
    public static final String USER = "fleet";
    public static final String SUPERUSER = "postgres";

    private static final String HOST = "127.0.0.1";
    private static final Path PG_ROOT = Path.of("/usr/lib/postgresql");
    private static final String OS_USER = "postgres";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 5;
    private static final int DEBIAN_DEFAULT_PORT = 5432;

    private final Path bin;
    private final boolean asPostgres;
    private final Path dir;
    private final Path dataDir;
    private final Path logFile;
    private final String password;
    private final String superuserPassword;
    private final boolean fast;
    private final Thread shutdownHook;
    private int port;
    private ProcessHandle postmaster;
    private boolean closed;
    /** SysV segments (shmid, creator PID) of SIGKILLed postmasters: restart() reclaims, close() removes. */
    private final List<long[]> orphanedSegments = new CopyOnWriteArrayList<>();

    private PostgresCluster(Path bin, boolean asPostgres, Path dir, boolean fast) {
        this.bin = bin;
        this.asPostgres = asPostgres;
        this.dir = dir;
        this.dataDir = dir.resolve("data");
        this.logFile = dir.resolve("server.log");
        this.password = randomSecret();
        this.superuserPassword = randomSecret();
        this.fast = fast;
        this.shutdownHook = new Thread(this::killQuietly, "PostgresCluster-shutdown " + dir);
    }

    /** Starts a new cluster with PostgreSQL's default durability settings (fsync on). */
    public static PostgresCluster start() {
        return create(false);
    }

    /**
     * Starts a new cluster with {@code fsync=off}: faster, still survives {@link #kill()} (the data
     * is in the OS page cache), but not an operating system crash.
     */
    public static PostgresCluster startFast() {
        return create(true);
    }

    private static PostgresCluster create(boolean fast) {
        Path bin = requireBinaries();
        boolean root = isRoot();
        if (root) {
            requirePrerequisite(
                    Files.isExecutable(Path.of("/usr/sbin/runuser"))
                            || Files.isExecutable(Path.of("/sbin/runuser"))
                            || Files.isExecutable(Path.of("/usr/bin/runuser")),
                    "running as root but runuser is missing");
            requirePrerequisite(lookupUser(OS_USER).isPresent(), "running as root but there is no user " + OS_USER);
        }
        Path dir;
        try {
            Path parent = Files.isDirectory(Path.of("/tmp"))
                    ? Path.of("/tmp")
                    : Path.of(System.getProperty("java.io.tmpdir"));
            dir = Files.createTempDirectory(parent, "visorfleet-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PostgresCluster cluster = new PostgresCluster(bin, root, dir, fast);
        Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
        try {
            cluster.initialize();
            return cluster;
        } catch (RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/fleet?user=fleet&password=...} */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE + "?user=" + USER + "&password=" + password;
    }

    /** The same URL without credentials, for APIs that take user and password separately. */
    public String jdbcUrlWithoutCredentials() {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + DATABASE;
    }

    /** Superuser URL to database {@code postgres}, e.g. to terminate sessions or inspect locks. */
    public String superuserJdbcUrl() {
        return "jdbc:postgresql://" + HOST + ":" + port + "/postgres?user=" + SUPERUSER + "&password="
                + superuserPassword;
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    public String database() {
        return DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    /** The temporary directory holding the data directory, the server log and the unix socket. */
    public Path directory() {
        return dir;
    }

    /** PID of the running postmaster, empty after {@link #kill()} or {@link #stop()}. */
    public synchronized Optional<Long> pid() {
        return postmaster != null && running(postmaster) ? Optional.of(postmaster.pid()) : Optional.empty();
    }

    public synchronized boolean isRunning() {
        return postmaster != null && running(postmaster);
    }

    /** SIGKILLs the postmaster and all its children (a crash of the database server). */
    public synchronized void kill() {
        ensureOpen();
        if (postmaster == null) {
            return;
        }
        rememberSegment(postmaster);
        killTree(postmaster);
        postmaster = null;
        removeStaleLockFiles();
    }

    /** Stops the server cleanly ({@code pg_ctl stop -m fast}). */
    public synchronized void stop() {
        ensureOpen();
        if (postmaster == null) {
            return;
        }
        if (running(postmaster)) {
            pgCtl("stop", "-m", "fast", "-w", "-t", "30");
        }
        awaitExit(postmaster);
        postmaster = null;
    }

    /**
     * Starts the server again on the same data directory and port, e.g. after {@link #kill()} (crash
     * recovery replays the WAL) or {@link #stop()}; a running server is stopped first.
     */
    public synchronized void restart() {
        ensureOpen();
        if (postmaster != null) {
            stop();
        }
        startServer();
        awaitReady(jdbcUrl());
    }

    /** Last lines of the server log, for failure messages. */
    public String logTail() {
        return tail(logFile, 40);
    }

    /** Stops the server ({@code pg_ctl stop -m immediate}, then SIGKILL) and deletes the directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (postmaster != null && running(postmaster)) {
                try {
                    pgCtl("stop", "-m", "immediate", "-w", "-t", "20");
                } catch (RuntimeException e) {
                    // fall through to SIGKILL by PID
                }
                if (running(postmaster)) {
                    rememberSegment(postmaster);
                    killTree(postmaster);
                }
            }
            postmaster = null;
        } finally {
            removeOrphanedSegments();
            deleteRecursively(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // JVM already shutting down
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresCluster[" + HOST + ":" + port + ", " + dir + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private void initialize() {
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            giveToPostgres(dir);
            Path pwFile = dir.resolve("superuser.pw");
            Files.writeString(pwFile, superuserPassword + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
            Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
            giveToPostgres(pwFile);
            try {
                run(
                        COMMAND_TIMEOUT,
                        bin.resolve("initdb").toString(),
                        "-D",
                        dataDir.toString(),
                        "-U",
                        SUPERUSER,
                        "--pwfile=" + pwFile,
                        "-A",
                        "scram-sha-256",
                        "-E",
                        "UTF8",
                        "--locale=C",
                        "--no-sync");
            } finally {
                Files.deleteIfExists(pwFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }

        String superUrl = null;
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            writeSettings();
            try {
                startServer();
                superUrl = superuserJdbcUrl();
                break;
            } catch (IllegalStateException e) {
                boolean collision = logTail().contains("Address already in use");
                if (!collision || attempt >= START_ATTEMPTS) {
                    throw e;
                }
            }
        }
        awaitReady(superUrl);
        try (Connection c = DriverManager.getConnection(superUrl);
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE " + DATABASE + " OWNER " + USER + " ENCODING 'UTF8'");
        } catch (SQLException e) {
            throw new IllegalStateException("creating role/database failed: " + e + "\n" + logTail(), e);
        }
        awaitReady(jdbcUrl());
    }

    /** Appends this cluster's settings; the last occurrence of a setting wins. */
    private void writeSettings() {
        Path conf = dataDir.resolve("postgresql.conf");
        StringBuilder settings = new StringBuilder();
        settings.append("listen_addresses = '").append(HOST).append("'\n");
        settings.append("port = ").append(port).append('\n');
        settings.append("unix_socket_directories = '").append(dir).append("'\n");
        settings.append("logging_collector = off\n");
        if (fast) {
            settings.append("fsync = off\n");
        }
        try {
            // the file belongs to the server user; appending as root keeps its owner
            Files.writeString(conf, settings, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void startServer() {
        try {
            // pg_ctl appends, so the log keeps the history across kill() and restart()
            pgCtl("start", "-w", "-t", String.valueOf(READY_TIMEOUT.toSeconds()), "-l", logFile.toString());
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\nserver log " + logFile + ":\n" + logTail(), e);
        }
        long pid = readPostmasterPid();
        ProcessHandle handle = ProcessHandle.of(pid)
                .filter(PostgresCluster::running)
                .orElseThrow(() -> new IllegalStateException(
                        "postmaster " + pid + " from " + dataDir + "/postmaster.pid is not running\n" + logTail()));
        String command = handle.info().command().orElse("");
        if (!command.isEmpty() && !command.endsWith("/postgres")) {
            throw new IllegalStateException("PID " + pid + " in postmaster.pid is " + command + ", not postgres");
        }
        postmaster = handle;
    }

    private long readPostmasterPid() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return Long.parseLong(lines.getFirst().trim());
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + dataDir + "/postmaster.pid: " + e + "\n" + logTail(), e);
        }
    }

    private void awaitReady(String url) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Properties properties = new Properties();
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("socketTimeout", "5");
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (postmaster == null || !running(postmaster)) {
                throw new IllegalStateException(
                        "PostgreSQL exited during startup\nserver log " + logFile + ":\n" + logTail());
            }
            try (Connection c = DriverManager.getConnection(url, properties);
                    Statement s = c.createStatement()) {
                s.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            sleep(100);
        }
        throw new IllegalStateException(
                "PostgreSQL on " + HOST + ":" + port + " did not accept connections within " + READY_TIMEOUT + ": "
                        + last + "\nserver log " + logFile + ":\n" + logTail(),
                last);
    }

    private void pgCtl(String action, String... options) {
        List<String> command =
                new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), action, "-D", dataDir.toString()));
        command.addAll(List.of(options));
        run(COMMAND_TIMEOUT, command.toArray(String[]::new));
    }

    /** Runs a PostgreSQL tool (as {@code postgres} when root); fails with its output unless it exits 0. */
    private void run(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        if (asPostgres) {
            command.addAll(List.of("runuser", "-u", OS_USER, "--"));
        }
        command.addAll(List.of(args));
        Path output;
        try {
            output = Files.createTempFile(dir, "cmd-", ".out");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile()) // the postgres user may not be able to enter the JVM's cwd
                    .redirectErrorStream(true)
                    // a file, not a pipe: pg_ctl leaves a daemon behind that must not hold our pipe open
                    .redirectOutput(output.toFile())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
            builder.environment().put("LC_ALL", "C");
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(
                        "timed out after " + timeout + ": " + String.join(" ", command) + "\n" + tail(output, 40));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit code " + process.exitValue() + ": " + String.join(" ", command)
                        + "\n" + tail(output, 40));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                // left for close() to delete
            }
        }
    }

    private void killQuietly() {
        ProcessHandle handle;
        synchronized (this) {
            handle = postmaster;
        }
        try {
            if (handle != null) {
                rememberSegment(handle);
                killTree(handle);
            }
            removeOrphanedSegments();
            deleteRecursively(dir);
        } catch (RuntimeException e) {
            // best effort at JVM exit
        }
    }

    /** SIGKILLs a postmaster this fixture started and its children, and waits until all are gone. */
    private static void killTree(ProcessHandle postmaster) {
        // Children are snapshotted first: once the postmaster is gone they are re-parented.
        List<ProcessHandle> children = postmaster.descendants().toList();
        postmaster.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        awaitExit(postmaster);
        children.forEach(PostgresCluster::awaitExit);
    }

    /**
     * A SIGKILLed postmaster leaves its lock files behind. PostgreSQL ignores them on restart if
     * their PID is gone, but an orphaned zombie still counts as alive until the container's init
     * reaps it (some never do). Every process of this cluster is dead, so the files are stale.
     */
    private void removeStaleLockFiles() {
        try {
            Files.deleteIfExists(dataDir.resolve("postmaster.pid"));
            Files.deleteIfExists(dir.resolve(".s.PGSQL." + port + ".lock"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Line 7 of postmaster.pid is "KEY SHMID" of the small SysV segment a SIGKILL would leak. */
    private void rememberSegment(ProcessHandle handle) {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            if (lines.size() >= 7 && Long.parseLong(lines.getFirst().trim()) == handle.pid()) {
                String[] keyAndId = lines.get(6).trim().split("\\s+");
                orphanedSegments.add(new long[] {Long.parseLong(keyAndId[1]), handle.pid()});
            }
        } catch (IOException | RuntimeException e) {
            // nothing to remember
        }
    }

    /**
     * Removes SysV segments left by SIGKILLed postmasters of this cluster that no restart reclaimed:
     * only a segment that still exists with the same id, was created by that postmaster and has no
     * process attached.
     */
    private void removeOrphanedSegments() {
        if (orphanedSegments.isEmpty()) {
            return;
        }
        List<String> table;
        try {
            table = Files.readAllLines(Path.of("/proc/sysvipc/shm"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return;
        }
        for (long[] segment : orphanedSegments) {
            for (String row : table) {
                // key shmid perms size cpid lpid nattch ...
                String[] columns = row.trim().split("\\s+");
                if (columns.length > 6
                        && columns[1].equals(Long.toString(segment[0]))
                        && columns[4].equals(Long.toString(segment[1]))
                        && columns[6].equals("0")) {
                    try {
                        run(Duration.ofSeconds(10), "ipcrm", "-m", columns[1]);
                    } catch (RuntimeException e) {
                        // a leaked 56-byte segment is not worth failing a test for
                    }
                }
            }
        }
        orphanedSegments.clear();
    }

    /** Whether a process is running: a zombie (exited, not yet reaped by init) is not. */
    static boolean running(ProcessHandle handle) {
        if (!handle.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc/" + handle.pid() + "/stat"), StandardCharsets.UTF_8);
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException e) {
            return handle.isAlive();
        }
    }

    /** Whether PID {@code pid} is a running (non-zombie) process. */
    static boolean running(long pid) {
        return ProcessHandle.of(pid).map(PostgresCluster::running).orElse(false);
    }

    private static void awaitExit(ProcessHandle handle) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (running(handle)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("process " + handle.pid() + " did not exit");
            }
            sleep(10);
        }
    }

    private static int freePort() {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int candidate = socket.getLocalPort();
                if (candidate != DEBIAN_DEFAULT_PORT) {
                    return candidate;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    private static Path requireBinaries() {
        String override = System.getenv("VISORFLEET_PG_BIN");
        Optional<Path> bin = override != null && !override.isBlank()
                ? Optional.of(Path.of(override)).filter(PostgresCluster::hasServerBinaries)
                : findInstalledBinaries();
        requirePrerequisite(
                bin.isPresent(),
                "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in "
                        + (override != null && !override.isBlank() ? override : PG_ROOT + "/*/bin")
                        + " (apt-get install postgresql)");
        return bin.orElseThrow();
    }

    private static Optional<Path> findInstalledBinaries() {
        if (!Files.isDirectory(PG_ROOT)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(PG_ROOT)) {
            return versions.filter(v -> hasServerBinaries(v.resolve("bin")))
                    .max(Comparator.comparing(v -> versionKey(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean hasServerBinaries(Path bin) {
        return Stream.of("initdb", "pg_ctl", "postgres").allMatch(name -> Files.isExecutable(bin.resolve(name)));
    }

    /** "15" -> 15000, "9.6" -> 9006: major versions compare numerically. */
    private static Integer versionKey(String name) {
        String[] parts = name.split("\\.");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return major * 1000 + minor;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void requirePrerequisite(boolean present, String message) {
        if (present) {
            return;
        }
        if ("1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"))) {
            Assertions.fail("VISORFLEET_REQUIRE_E2E=1 but " + message);
        }
        Assumptions.abort(message);
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static Optional<UserPrincipal> lookupUser(String name) {
        try {
            return Optional.of(
                    Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(name));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void giveToPostgres(Path path) throws IOException {
        if (!asPostgres) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(lookup.lookupPrincipalByName(OS_USER));
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(OS_USER);
        view.setGroup(group);
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("closed: " + this);
        }
    }

    private static String randomSecret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalStateException("cannot delete " + root + ": " + e, e);
        }
    }
}
