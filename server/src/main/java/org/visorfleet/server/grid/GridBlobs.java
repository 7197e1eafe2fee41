package org.visorfleet.server.grid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Content-addressed files of the grid, named by SHA-256: programs, inputs and result files. Their
 * durable home is the database ({@code grid_blobs} and its {@link BlobChunks chunks}), shared by
 * every server of a cluster, so an agent on any server downloads any file and a canonical result
 * outlives the server that received it. {@code DATA/grid/blobs} is this server's {@link BlobCache
 * cache}, refilled from the database when a file is missing or fails its check.
 *
 * <p>Writing: the bytes are hashed into a staged file, then the row and all its chunks (streamed
 * from that file) are inserted in one transaction, and only after the commit is the file renamed
 * into the cache and the blob acknowledged. A crash before the commit leaves nothing (staged files
 * are removed on open); identical contents are stored once, also when two servers race.
 *
 * <p>Reading ({@link #file}): the cache file if it checks out, else the blob is materialized from
 * its chunks into a staged file, hashed and compared with its name, and renamed into the cache; a
 * blob whose chunks do not hash to its name is never served (an {@link IOException}, a 500).
 */
public final class GridBlobs {

    /** A blob: its hash and size; {@code created} is false when it was already stored. */
    public record Blob(String sha256, long size, boolean created) {}

    private static final System.Logger LOG = System.getLogger(GridBlobs.class.getName());
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String UNIQUE_VIOLATION = "23505";
    /** A lock wait gave up (PostgreSQL lock_timeout; H2 lock timeout, concurrent update). */
    private static final Set<String> LOCK_TIMEOUTS = Set.of("55P03", "HYT00", "50200", "90131");

    private static final int ATTEMPTS = 20;
    private static final int BUFFER = 1 << 16;

    private final Database database;
    private final BlobCache cache;
    private final BlobMaterializer materializer;
    private final Clock clock;
    private volatile Runnable beforeCommit = () -> {};

    private GridBlobs(Database database, Path directory, Clock clock) {
        this.database = database;
        this.cache = new BlobCache(directory);
        this.materializer = new BlobMaterializer(database, cache);
        this.clock = clock;
    }

    /**
     * Opens the store, creating its cache, removes staged leftovers of interrupted writes, and
     * copies into the database the blobs that a V4 database knows only as files of this server.
     */
    public static GridBlobs open(Database database, Path directory, Clock clock) throws IOException, SQLException {
        GridBlobs blobs = new GridBlobs(database, directory, clock);
        blobs.cache.open();
        new BlobBackfill(database, blobs.cache).run();
        return blobs;
    }

    /** Tests simulate a writer killed before its commit: {@code hook} runs after the chunks are inserted. */
    void beforeCommit(Runnable hook) {
        this.beforeCommit = hook;
    }

    public static boolean isSha256(String text) {
        return text != null && SHA256.matcher(text).matches();
    }

    /** Refuses anything but 64 lower-case hex digits. */
    public static String requireSha256(String what, String text) {
        if (!isSha256(text)) {
            String shown = text == null ? "null" : text.length() > 80 ? text.substring(0, 80) + "..." : text;
            throw Refusal.invalid(
                    what + " must be a SHA-256 (64 lower-case hex digits), got " + shown.replaceAll("\\p{Cntrl}", "?"));
        }
        return text;
    }

    /**
     * Streams an upload into the store. Refuses (413) more than {@code maxBytes}, and (400) bytes
     * whose SHA-256 is not {@code expected} when given; nothing is kept then.
     */
    public Blob upload(InputStream in, long maxBytes, Optional<String> expected) throws IOException, SQLException {
        expected.ifPresent(sha -> requireSha256("sha256", sha));
        Path part = cache.stage();
        try {
            MessageDigest digest = sha256();
            long size = 0;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                    size += n;
                    if (size > maxBytes) {
                        throw new Refusal(
                                Refusal.Kind.TOO_LARGE, "file larger than " + maxBytes + " bytes; nothing was stored");
                    }
                    digest.update(buffer, 0, n);
                    write(out, buffer, n);
                }
                out.force(true);
            }
            String sha = HexFormat.of().formatHex(digest.digest());
            if (expected.isPresent() && !expected.get().equals(sha)) {
                throw Refusal.invalid("checksum mismatch: the received file has SHA-256 " + sha + ", expected "
                        + expected.get() + "; nothing was stored");
            }
            return commit(part, sha, size);
        } catch (IOException e) {
            throw diskFull(e);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Stores bytes held in memory (a result's stdout, stderr or output file). */
    public Blob put(byte[] bytes) throws IOException, SQLException {
        String sha = HexFormat.of().formatHex(sha256().digest(bytes));
        if (exists(sha)) {
            touch(sha);
            return new Blob(sha, bytes.length, false);
        }
        Path part = cache.stage();
        try {
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                write(out, bytes, bytes.length);
                out.force(true);
            }
            return commit(part, sha, bytes.length);
        } catch (IOException e) {
            throw diskFull(e);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /**
     * Records a complete, fsynced staged file whose hash is {@code sha}: its row and chunks in one
     * transaction (unless already stored), then the file into the cache.
     */
    private Blob commit(Path part, String sha, long size) throws IOException, SQLException {
        boolean created = insert(part, sha, size);
        if (!created) {
            touch(sha);
        }
        if (!created && cache.get(sha, size).isPresent()) {
            return new Blob(sha, size, false);
        }
        try {
            cache.install(part, sha); // the bytes are verified: they were hashed as they were staged
        } catch (IOException e) {
            // Committed: the blob is stored; the cache is refilled from the database when read.
            LOG.log(System.Logger.Level.WARNING, "grid blob {0}: stored, not cached: {1}", sha, e.toString());
        }
        return new Blob(sha, size, created);
    }

    /**
     * Inserts the row and chunks of a blob unless it is stored; false if it was. Two servers
     * storing the same blob at once: one commits, the other sees the unique violation (or, when
     * the first one's transaction outlasts its lock wait, tries again until it sees the row).
     */
    private boolean insert(Path part, String sha, long size) throws IOException, SQLException {
        for (int attempt = 1; ; attempt++) {
            if (exists(sha)) {
                return false;
            }
            try {
                return database.transaction(c -> {
                    Sql.update(
                            c,
                            "INSERT INTO grid_blobs (sha256, size_bytes, created_at) VALUES (?, ?, ?)",
                            sha,
                            size,
                            clock.millis());
                    BlobChunks.insert(c, sha, part);
                    beforeCommit.run();
                    return true;
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false; // stored concurrently by another request or server
                }
                if (!LOCK_TIMEOUTS.contains(e.getSQLState()) || attempt == ATTEMPTS) {
                    throw e;
                }
                LOG.log(System.Logger.Level.INFO, "grid blob {0}: waiting for a concurrent insert ({1})", sha, attempt);
            }
        }
    }

    /**
     * Marks a blob stored again now: {@link BlobCollector} frees unreferenced blobs only a grace
     * period after they were last stored, so one uploaded again for a new job is not collected
     * before that job refers to it.
     */
    private void touch(String sha) throws SQLException {
        database.transaction(
                c -> Sql.update(c, "UPDATE grid_blobs SET created_at = ? WHERE sha256 = ?", clock.millis(), sha));
    }

    /**
     * Frees blobs that nothing has referred to since before {@code cutoffMillis} (see {@link
     * BlobCollector}); returns how many and how many bytes.
     */
    public BlobCollector.Freed collectGarbage(long cutoffMillis) throws SQLException, IOException {
        return new BlobCollector(database, cache).collect(cutoffMillis);
    }

    public boolean exists(String sha) throws SQLException {
        return database.query(c -> size(c, sha)).isPresent();
    }

    /** The size of a stored blob, if it is stored. */
    public static Optional<Long> size(Connection c, String sha) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT size_bytes FROM grid_blobs WHERE sha256 = ?", List.of(sha));
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
    }

    /**
     * The cache file of a stored blob of {@code size} bytes, {@link BlobMaterializer materialized}
     * from the database when the cache lacks it or its copy fails the check. Throws {@link
     * IOException} (never serving anything) if the database lacks its chunks or they do not hash to
     * {@code sha}.
     */
    public Path file(String sha, long size) throws IOException, SQLException {
        return materializer.file(requireSha256("sha256", sha), size);
    }

    /** "No space left on device" as a 507 refusal (nothing was kept); anything else unchanged. */
    private static IOException diskFull(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            throw new Refusal(Refusal.Kind.INSUFFICIENT_STORAGE, "the server's grid disk is full; nothing was stored");
        }
        return e;
    }

    static void write(FileChannel out, byte[] bytes, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
