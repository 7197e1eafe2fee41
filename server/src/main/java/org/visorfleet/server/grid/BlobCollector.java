package org.visorfleet.server.grid;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Frees grid files nothing refers to any more: no job (program, stdin, inputs) and no returned
 * result uses them, typically after {@link GridJobs#purge}. A file is only collected once it has
 * been unreferenced and not stored or uploaded again for a grace period, so a file uploaded for a
 * job that is about to be submitted is left alone. Its row and chunks go in one transaction that
 * re-checks the references under a row lock; then this server's cache copy is removed, and cache
 * files whose blob is gone (collected by another server of the cluster) are swept as well.
 */
public final class BlobCollector {
    private static final System.Logger LOG = System.getLogger(BlobCollector.class.getName());
    private static final String UNREFERENCED = " NOT EXISTS (SELECT 1 FROM grid_job_files f WHERE f.sha256 = b.sha256)"
            + " AND NOT EXISTS (SELECT 1 FROM grid_result_files r WHERE r.sha256 = b.sha256)";

    /** What a pass freed: blobs and their bytes in the database, and stale files in this cache. */
    public record Freed(int blobs, long bytes, int cacheFiles) {}

    private final Database database;
    private final BlobCache cache;

    BlobCollector(Database database, BlobCache cache) {
        this.database = database;
        this.cache = cache;
    }

    /** Collects unreferenced blobs last stored before {@code cutoffMillis}, then sweeps the cache. */
    Freed collect(long cutoffMillis) throws SQLException, IOException {
        List<String> candidates = database.query(c -> {
            List<String> shas = new ArrayList<>();
            try (PreparedStatement ps = Sql.prepare(
                            c,
                            "SELECT b.sha256 FROM grid_blobs b WHERE b.created_at < ? AND" + UNREFERENCED,
                            List.of(cutoffMillis));
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    shas.add(rs.getString(1));
                }
            }
            return shas;
        });
        int blobs = 0;
        long bytes = 0;
        for (String sha : candidates) {
            Long size = database.transaction(c -> {
                Long locked = null;
                try (PreparedStatement ps = Sql.prepare(
                                c,
                                "SELECT b.size_bytes FROM grid_blobs b WHERE b.sha256 = ? AND b.created_at < ? AND"
                                        + UNREFERENCED + " FOR UPDATE",
                                List.of(sha, cutoffMillis));
                        ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        locked = rs.getLong(1);
                    }
                }
                if (locked != null) {
                    Sql.update(c, "DELETE FROM grid_blob_chunks WHERE sha256 = ?", sha);
                    Sql.update(c, "DELETE FROM grid_blobs WHERE sha256 = ?", sha);
                }
                return locked;
            });
            if (size != null) {
                cache.remove(sha);
                blobs++;
                bytes += size;
            }
        }
        int swept = sweepCache();
        if (blobs > 0 || swept > 0) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "grid files: freed {0} unreferenced ({1} bytes), swept {2} stale cache files",
                    blobs,
                    bytes,
                    swept);
        }
        return new Freed(blobs, bytes, swept);
    }

    /** Removes cache files whose blob no longer exists in the database. */
    private int sweepCache() throws IOException, SQLException {
        List<String> cached = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(cache.directory())) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (GridBlobs.isSha256(name)) {
                    cached.add(name);
                }
            }
        }
        int removed = 0;
        for (String sha : cached) {
            if (database.query(c -> GridBlobs.size(c, sha)).isEmpty()) {
                cache.remove(sha);
                removed++;
            }
        }
        return removed;
    }
}
