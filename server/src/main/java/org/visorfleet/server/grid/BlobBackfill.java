package org.visorfleet.server.grid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.server.db.Database;

/**
 * The upgrade of a V4 database, whose grid blobs exist only as files in the data directory of the
 * server that received them: at start, each server copies into the database the chunks of the
 * blobs it has a verified file for and the database lacks. Idempotent and safe when several
 * servers run it at once (the chunks' primary key lets one win). A blob whose only file was on a
 * server that is gone cannot be recovered; reading it fails (logged) until then.
 */
final class BlobBackfill {

    private static final System.Logger LOG = System.getLogger(BlobBackfill.class.getName());
    private static final String UNIQUE_VIOLATION = "23505";

    private record Missing(String sha, long size) {}

    private final Database database;
    private final BlobCache cache;

    BlobBackfill(Database database, BlobCache cache) {
        this.database = database;
        this.cache = cache;
    }

    void run() throws IOException, SQLException {
        List<Missing> missing = database.query(c -> {
            List<Missing> list = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT b.sha256, b.size_bytes FROM grid_blobs b"
                            + " WHERE b.size_bytes > 0 AND NOT EXISTS"
                            + " (SELECT 1 FROM grid_blob_chunks k WHERE k.sha256 = b.sha256)");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    list.add(new Missing(rs.getString(1), rs.getLong(2)));
                }
            }
            return list;
        });
        int copied = 0;
        int elsewhere = 0;
        for (Missing blob : missing) {
            if (!GridBlobs.isSha256(blob.sha())) {
                continue;
            }
            Path file = cache.path(blob.sha());
            if (!Files.isRegularFile(file) || cache.get(blob.sha(), blob.size()).isEmpty()) {
                elsewhere++;
                continue;
            }
            if (copy(blob.sha(), file)) {
                copied++;
            }
        }
        if (!missing.isEmpty()) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "grid blobs: {0} copied from this server''s files into the database, {1} not here"
                            + " (held by another server, or lost with it)",
                    copied,
                    elsewhere);
        }
    }

    /** Inserts the chunks of a verified file; false if another server did it first. */
    private boolean copy(String sha, Path file) throws IOException, SQLException {
        try {
            database.transaction(c -> {
                BlobChunks.insert(c, sha, file);
                return null;
            });
            return true;
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }
}
