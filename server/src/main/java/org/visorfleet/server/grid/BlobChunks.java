package org.visorfleet.server.grid;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.visorfleet.server.db.Sql;

/**
 * The bytes of grid blobs in the database ({@code grid_blob_chunks}), the durable copy every server
 * of a cluster can read. Written and read one chunk at a time, so neither side ever holds more than
 * one chunk of a blob in memory, however large the blob.
 */
final class BlobChunks {

    /** Bytes per chunk when written; readers just concatenate, whatever the size was. */
    static final int CHUNK_BYTES = 1 << 20;

    /** Receives the chunks of a blob in order. */
    @FunctionalInterface
    interface Sink {
        void accept(byte[] chunk) throws IOException;
    }

    private BlobChunks() {}

    /**
     * Inserts the chunks of {@code file} (the blob's complete bytes) with {@code c}, inside the
     * caller's transaction. I/O errors reading the file come out as {@link UncheckedIOException},
     * which rolls the transaction back.
     */
    static void insert(Connection c, String sha, Path file) throws SQLException {
        try (InputStream in = Files.newInputStream(file);
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO grid_blob_chunks (sha256, chunk_index, data) VALUES (?, ?, ?)")) {
            byte[] buffer = new byte[CHUNK_BYTES];
            int index = 0;
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                ps.setString(1, sha);
                ps.setInt(2, index++);
                ps.setBytes(3, n == buffer.length ? buffer : java.util.Arrays.copyOf(buffer, n));
                ps.executeUpdate();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the database holds the bytes of a blob of {@code size} bytes (an empty one has no chunks). */
    static boolean present(Connection c, String sha, long size) throws SQLException {
        if (size == 0) {
            return true;
        }
        try (PreparedStatement ps = Sql.prepare(
                        c, "SELECT 1 FROM grid_blob_chunks WHERE sha256 = ? AND chunk_index = 0", List.of(sha));
                ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    /**
     * Reads the chunks of a blob in order into {@code sink}, one query per chunk (no transaction
     * needed: blobs never change), and returns the number of bytes read. Stops at the first missing
     * chunk; the caller compares the count with the blob's size.
     */
    static long read(Connection c, String sha, long size, Sink sink) throws SQLException, IOException {
        long total = 0;
        try (PreparedStatement ps =
                c.prepareStatement("SELECT data FROM grid_blob_chunks WHERE sha256 = ? AND chunk_index = ?")) {
            for (int index = 0; total < size; index++) {
                ps.setString(1, sha);
                ps.setInt(2, index);
                byte[] chunk;
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return total;
                    }
                    chunk = rs.getBytes(1);
                }
                if (chunk.length == 0) {
                    return total;
                }
                total += chunk.length;
                sink.accept(chunk);
            }
        }
        return total;
    }
}
