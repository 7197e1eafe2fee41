package org.visorfleet.server.grid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.visorfleet.server.db.Database;

/**
 * Brings a blob into this server's cache from its chunks in the database: written to a staged
 * file, hashed on the way, compared with its name and size, fsynced, and only then renamed into the
 * cache. So a cache file never holds bytes other than its name says, whatever the database holds.
 * One materialization per blob at a time: fifty agents asking a fresh server for the same program
 * read it from the database once.
 */
final class BlobMaterializer {

    private static final System.Logger LOG = System.getLogger(BlobMaterializer.class.getName());

    private final Database database;
    private final BlobCache cache;
    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    BlobMaterializer(Database database, BlobCache cache) {
        this.database = database;
        this.cache = cache;
    }

    /** The verified cache file of a blob, materialized first if needed. */
    Path file(String sha, long size) throws IOException, SQLException {
        ReentrantLock lock = locks.computeIfAbsent(sha, k -> new ReentrantLock());
        lock.lock();
        try {
            Optional<Path> cached = cache.get(sha, size);
            return cached.isPresent() ? cached.get() : materialize(sha, size);
        } finally {
            lock.unlock();
        }
    }

    private Path materialize(String sha, long size) throws IOException, SQLException {
        Path part = cache.stage();
        try {
            MessageDigest digest = GridBlobs.sha256();
            long read;
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                read = database.query(c -> {
                    try {
                        return BlobChunks.read(c, sha, size, chunk -> {
                            digest.update(chunk);
                            GridBlobs.write(out, chunk, chunk.length);
                        });
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                out.force(true);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            String got = HexFormat.of().formatHex(digest.digest());
            if (read != size || !got.equals(sha)) {
                LOG.log(
                        System.Logger.Level.ERROR,
                        read != size
                                ? "grid blob " + sha + ": the database holds " + read + " of its " + size
                                        + " bytes; not served"
                                : "grid blob " + sha + ": its chunks in the database hash to " + got + "; not served");
                throw new IOException("grid blob " + sha + " is missing or damaged in the database");
            }
            cache.install(part, sha);
            LOG.log(System.Logger.Level.DEBUG, "grid blob {0}: {1} bytes cached from the database", sha, size);
            return cache.path(sha);
        } finally {
            Files.deleteIfExists(part);
        }
    }
}
