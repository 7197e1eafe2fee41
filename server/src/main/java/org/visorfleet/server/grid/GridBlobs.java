package org.visorfleet.server.grid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import java.util.UUID;
import java.util.regex.Pattern;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Content-addressed files of the grid in {@code DATA/grid/blobs}, named by SHA-256: programs, inputs
 * and result files. Bytes go to {@code .incoming/UUID.part} while hashed, are fsynced, renamed to
 * their hash (the directory fsynced), and only then is the {@code grid_blobs} row committed; so a
 * listed blob has its complete file even after kill -9, and identical contents are stored once.
 * Blob files are never modified (a rename over an existing one writes the same bytes).
 */
public final class GridBlobs {

    /** A blob: its hash and size; {@code created} is false when it was already stored. */
    public record Blob(String sha256, long size, boolean created) {}

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String UNIQUE_VIOLATION = "23505";
    private static final int CHUNK = 1 << 16;

    private final Database database;
    private final Path directory;
    private final Path incoming;
    private final Clock clock;

    private GridBlobs(Database database, Path directory, Clock clock) {
        this.database = database;
        this.directory = directory;
        this.incoming = directory.resolve(".incoming");
        this.clock = clock;
    }

    /** Opens the store, creating it, and removes staged leftovers of interrupted writes. */
    public static GridBlobs open(Database database, Path directory, Clock clock) throws IOException {
        GridBlobs blobs = new GridBlobs(database, directory, clock);
        Files.createDirectories(blobs.incoming);
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(blobs.incoming)) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
        return blobs;
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
        Path part = incoming.resolve(UUID.randomUUID() + ".part");
        try {
            MessageDigest digest = sha256();
            long size = 0;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buffer = new byte[CHUNK];
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
            return new Blob(sha, bytes.length, false);
        }
        Path part = incoming.resolve(UUID.randomUUID() + ".part");
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

    /** Moves a complete, fsynced file to its name and records it (unless already recorded). */
    private Blob commit(Path part, String sha, long size) throws IOException, SQLException {
        if (exists(sha)) {
            return new Blob(sha, size, false);
        }
        Files.move(part, file(sha), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(directory);
        boolean created = database.query(c -> {
            try {
                Sql.update(
                        c,
                        "INSERT INTO grid_blobs (sha256, size_bytes, created_at) VALUES (?, ?, ?)",
                        sha,
                        size,
                        clock.millis());
                return true;
            } catch (SQLException e) {
                if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    return false; // stored concurrently by another request
                }
                throw e;
            }
        });
        return new Blob(sha, size, created);
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

    /** The file of a blob (exists once its row does). */
    public Path file(String sha) {
        return directory.resolve(requireSha256("sha256", sha));
    }

    /** "No space left on device" as a 507 refusal (nothing was kept); anything else unchanged. */
    private static IOException diskFull(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            throw new Refusal(Refusal.Kind.INSUFFICIENT_STORAGE, "the server's grid disk is full; nothing was stored");
        }
        return e;
    }

    private static void write(FileChannel out, byte[] bytes, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes, 0, length);
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
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
