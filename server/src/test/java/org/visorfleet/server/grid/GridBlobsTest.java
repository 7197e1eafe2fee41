package org.visorfleet.server.grid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.testing.PostgresCluster;

/**
 * The blob store on H2 and PostgreSQL: a writer killed before its commit leaves nothing, two
 * servers storing the same blob at once both succeed and store it once, blobs of a V4 database
 * known only as files are copied into the database at start, and the cache is verified.
 */
class GridBlobsTest {

    static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path temp;

    interface Body {
        void run(String url) throws Exception;
    }

    private void on(String engine, Body body) throws Exception {
        PostgresCluster pg = engine.equals("postgres") ? PostgresCluster.startFast() : null;
        try {
            body.run(pg != null ? pg.jdbcUrl() : Database.h2Url(temp.resolve("h2")));
        } finally {
            if (pg != null) {
                pg.close();
            }
        }
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha(byte[] bytes) {
        return HexFormat.of().formatHex(GridBlobs.sha256().digest(bytes));
    }

    static long count(Database db, String sql, String sha) throws Exception {
        return db.query(c -> {
            try (PreparedStatement ps = Sql.prepare(c, sql, List.of(sha));
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    static List<Path> files(Path dir) throws IOException {
        try (var list = Files.list(dir)) {
            return list.toList();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void aWriterKilledBeforeItsCommitLeavesNoRowNoChunksNoFile(String engine) throws Exception {
        on(engine, url -> {
            byte[] bytes = random((5 << 20) / 2, 1);
            String sha = sha(bytes);
            Path dir = temp.resolve("blobs");
            try (Database db = Database.open(url, 4)) {
                GridBlobs blobs = GridBlobs.open(db, dir, CLOCK);
                blobs.beforeCommit(() -> {
                    throw new IllegalStateException("killed before the commit");
                });
                assertThrows(
                        IllegalStateException.class,
                        () -> blobs.upload(new ByteArrayInputStream(bytes), 1 << 30, Optional.empty()));
                Files.writeString(dir.resolve(".incoming").resolve("left-by-kill-9.part"), "partial");
            }
            try (Database db = Database.open(url, 4)) {
                GridBlobs blobs = GridBlobs.open(db, dir, CLOCK); // the restart
                assertEquals(0, count(db, "SELECT COUNT(*) FROM grid_blobs WHERE sha256 = ?", sha));
                assertEquals(0, count(db, "SELECT COUNT(*) FROM grid_blob_chunks WHERE sha256 = ?", sha));
                assertFalse(Files.exists(dir.resolve(sha)));
                assertEquals(List.of(), files(dir.resolve(".incoming")));

                GridBlobs.Blob stored = blobs.upload(new ByteArrayInputStream(bytes), 1 << 30, Optional.of(sha));
                assertTrue(stored.created());
                assertEquals(3, count(db, "SELECT COUNT(*) FROM grid_blob_chunks WHERE sha256 = ?", sha));
                assertArrayEquals(bytes, Files.readAllBytes(blobs.file(sha, bytes.length)));
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void unreferencedBlobsAreFreedAfterTheGracePeriodAndReferencedOnesStay(String engine) throws Exception {
        on(engine, url -> {
            byte[] loose = random(1 << 20, 3);
            byte[] used = random(1000, 4);
            try (Database db = Database.open(url, 4)) {
                GridBlobs one = GridBlobs.open(db, temp.resolve("one"), CLOCK);
                GridBlobs two = GridBlobs.open(db, temp.resolve("two"), CLOCK);
                one.put(loose);
                one.put(used);
                db.transaction(c -> {
                    Sql.update(
                            c,
                            "INSERT INTO grid_jobs (id, name, status, program, program_name, outputs, replication,"
                                    + " quorum, max_results, deadline_seconds, instruction_budget, memory_mb, output_mb,"
                                    + " units_total, units_open, submitted_by, submitted_at)"
                                    + " VALUES (77, 'j', 'done', ?, 'p', '[]', 1, 1, 1, 60, 1000, 1, 1, 0, 0, 'test', 0)",
                            sha(used));
                    return Sql.update(c, "INSERT INTO grid_job_files (job_id, sha256) VALUES (77, ?)", sha(used));
                });
                two.file(sha(loose), loose.length); // the other server caches it too
                long now = CLOCK.millis();

                assertEquals(new BlobCollector.Freed(0, 0, 0), one.collectGarbage(now - 3_600_000), "grace");
                assertEquals(new BlobCollector.Freed(1, loose.length, 0), one.collectGarbage(now + 1));
                assertEquals(0, count(db, "SELECT COUNT(*) FROM grid_blobs WHERE sha256 = ?", sha(loose)));
                assertEquals(0, count(db, "SELECT COUNT(*) FROM grid_blob_chunks WHERE sha256 = ?", sha(loose)));
                assertFalse(Files.exists(temp.resolve("one").resolve(sha(loose))));
                assertTrue(Files.exists(temp.resolve("two").resolve(sha(loose))), "not yet swept there");
                assertEquals(new BlobCollector.Freed(0, 0, 1), two.collectGarbage(now + 1), "swept by its server");
                assertFalse(Files.exists(temp.resolve("two").resolve(sha(loose))));
                assertArrayEquals(used, Files.readAllBytes(two.file(sha(used), used.length)), "referenced: kept");

                // Stored again: the grace period starts over, so a file uploaded for a new job is safe.
                db.transaction(c -> Sql.update(c, "DELETE FROM grid_job_files WHERE job_id = 77"));
                db.transaction(c -> Sql.update(c, "DELETE FROM grid_jobs WHERE id = 77"));
                db.transaction(c -> Sql.update(c, "UPDATE grid_blobs SET created_at = 0 WHERE sha256 = ?", sha(used)));
                assertFalse(one.put(used).created());
                assertEquals(0, one.collectGarbage(CLOCK.millis() - 60_000).blobs());
                assertEquals(1, one.collectGarbage(CLOCK.millis() + 1).blobs());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void twoServersStoringTheSameBlobAtOnceBothSucceedAndStoreItOnce(String engine) throws Exception {
        on(engine, url -> {
            byte[] bytes = random(3 << 20, 2);
            try (Database one = Database.open(url, 8);
                    Database two = Database.open(url, 8)) {
                List<GridBlobs> servers = List.of(
                        GridBlobs.open(one, temp.resolve("one"), CLOCK),
                        GridBlobs.open(two, temp.resolve("two"), CLOCK));
                ExecutorService pool = Executors.newFixedThreadPool(6);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<GridBlobs.Blob>> uploads = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    GridBlobs blobs = servers.get(i % 2);
                    boolean inMemory = i >= 4;
                    uploads.add(pool.submit(() -> {
                        go.await();
                        return inMemory
                                ? blobs.put(bytes)
                                : blobs.upload(new ByteArrayInputStream(bytes), 1 << 30, Optional.empty());
                    }));
                }
                go.countDown();
                int created = 0;
                for (var upload : uploads) {
                    created += upload.get().created() ? 1 : 0;
                }
                pool.shutdown();
                assertEquals(1, created, "stored once");
                String sha = sha(bytes);
                assertEquals(3, count(one, "SELECT COUNT(*) FROM grid_blob_chunks WHERE sha256 = ?", sha));
                for (GridBlobs blobs : servers) {
                    assertArrayEquals(bytes, Files.readAllBytes(blobs.file(sha, bytes.length)));
                }
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void blobsOfAV4DatabaseAreCopiedFromTheServersFilesAtStart(String engine) throws Exception {
        on(engine, url -> {
            byte[] here = random((1 << 20) + 7, 3);
            byte[] gone = random(100, 4);
            byte[] damaged = random(200, 5);
            Path dir = temp.resolve("blobs");
            // A database at V4, with what V4 left: rows, and files only on the server that received them.
            Flyway.configure()
                    .dataSource(url, null, null)
                    .locations("classpath:db/migration")
                    .target("4")
                    .load()
                    .migrate();
            try (Connection c = DriverManager.getConnection(url)) {
                for (byte[] blob : List.of(here, gone, damaged)) {
                    Sql.update(
                            c,
                            "INSERT INTO grid_blobs (sha256, size_bytes, created_at) VALUES (?, ?, ?)",
                            sha(blob),
                            blob.length,
                            1L);
                }
            }
            Files.createDirectories(dir);
            Files.write(dir.resolve(sha(here)), here);
            Files.write(dir.resolve(sha(damaged)), random(200, 6)); // right size, wrong bytes
            try (Database db = Database.open(url, 4)) {
                GridBlobs blobs = GridBlobs.open(db, dir, CLOCK); // the upgraded server starts
                String sha = sha(here);
                assertEquals(2, count(db, "SELECT COUNT(*) FROM grid_blob_chunks WHERE sha256 = ?", sha));
                assertEquals(0, count(db, "SELECT COUNT(*) FROM grid_blob_chunks WHERE sha256 = ?", sha(gone)));
                assertEquals(0, count(db, "SELECT COUNT(*) FROM grid_blob_chunks WHERE sha256 = ?", sha(damaged)));
                assertFalse(Files.exists(dir.resolve(sha(damaged))), "a damaged file is removed, not copied");

                Files.delete(dir.resolve(sha));
                assertArrayEquals(here, Files.readAllBytes(blobs.file(sha, here.length)), "materialized");
                assertThrows(IOException.class, () -> blobs.file(sha(gone), gone.length), "lost with its server");
                assertThrows(IOException.class, () -> blobs.file(sha(damaged), damaged.length));
                assertEquals(
                        List.of(dir.resolve(".incoming"), dir.resolve(sha)),
                        files(dir).stream().sorted().toList());

                // A cache file of the wrong size is replaced from the database, never served.
                Files.write(dir.resolve(sha), new byte[] {1, 2, 3});
                assertArrayEquals(here, Files.readAllBytes(blobs.file(sha, here.length)));
                // An empty blob has no chunks and is served all the same.
                GridBlobs.Blob empty = blobs.put(new byte[0]);
                Files.delete(dir.resolve(empty.sha256()));
                assertEquals(0, Files.size(blobs.file(empty.sha256(), 0)));
            }
        });
    }
}
