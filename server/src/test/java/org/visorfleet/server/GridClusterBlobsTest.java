package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;
import org.visorfleet.server.testing.GridPeer;
import org.visorfleet.server.testing.PostgresCluster;

/**
 * Two real servers on one database (an H2 file, PostgreSQL): grid files live in the database, so
 * a job submitted through server A runs on an agent connected to server B, which downloads the
 * program from B and returns its results through B, and A serves the canonical outputs; with both
 * caches deleted everything is still served, a damaged cache file is replaced, B serves all after A
 * is gone with its data directory, and a damaged chunk is never served.
 */
class GridClusterBlobsTest {

    static final String PASSWORD = GridServiceTest.PASSWORD;

    @TempDir
    Path temp;

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void anyServerOfTheClusterServesEveryGridFile(String engine) throws Exception {
        PostgresCluster pg = engine.equals("postgres") ? PostgresCluster.startFast() : null;
        String url = pg != null ? pg.jdbcUrl() : Database.h2Url(temp.resolve("shared"));
        List<AutoCloseable> open = new ArrayList<>();
        try {
            List<String> names = List.of("localhost", "127.0.0.1");
            ServerInit.initialize(temp.resolve("a"), PASSWORD, names, url);
            ServerInit.initialize(temp.resolve("b"), PASSWORD, names, url);
            FleetServer a = start(temp.resolve("a"));
            open.add(a);
            FleetServer b = start(temp.resolve("b"));
            open.add(b);
            ApiClient apiA = new ApiClient(URI.create(a.url()), temp.resolve("a/ca.pem")).login("admin", PASSWORD);
            open.add(apiA);
            ApiClient apiB = new ApiClient(URI.create(b.url()), temp.resolve("b/ca.pem")).login("admin", PASSWORD);
            open.add(apiB);
            Database db = Database.open(url, 2);
            open.add(db);

            byte[] program = new byte[(3 << 20) + 12_345]; // four chunks, the last one short
            new Random(42).nextBytes(program);
            ApiClient.Reply uploaded = apiA.postBytes("/api/v1/grid/files", program);
            assertEquals(201, uploaded.status(), uploaded.text());
            String sha = uploaded.body().get("sha256").asText();
            assertEquals(200, apiB.postBytes("/api/v1/grid/files", program).status(), "stored once, in the cluster");

            ApiClient.Reply submitted = apiA.post(
                    "/api/v1/jobs",
                    Map.of(
                            "name",
                            "cluster",
                            "program",
                            sha,
                            "outputs",
                            List.of("out.txt"),
                            "replication",
                            1,
                            "units",
                            List.of(Map.of("args", List.of("1")))));
            assertEquals(201, submitted.status(), submitted.text());
            long job = submitted.body().get("id").asLong();

            GridPeer peer = GridPeer.enroll(URI.create(b.url()), apiB, temp.resolve("agent"), "on-b");
            open.add(peer);
            peer.status(true, 0, 1);
            ServerMessage.Work work = peer.work(Duration.ofSeconds(10));
            assertNotNull(work, "server B hands out the job submitted through A");
            assertEquals(sha, work.program());
            var download = peer.blob(sha);
            assertEquals(200, download.statusCode());
            assertArrayEquals(program, download.body(), "B materialized A's upload from the database");

            var put = peer.put(
                    work.assignment(),
                    peer.result(
                            work.assignment(), "done\n", Map.of("out.txt", "42\n".getBytes(StandardCharsets.UTF_8))));
            assertEquals(200, put.statusCode(), put.body());
            assertTrue(put.body().contains("\"validity\":\"valid\""), put.body());
            String files = "/api/v1/jobs/" + job + "/units/0/files/";
            assertEquals("42\n", apiA.get(files + "out.txt").text(), "A serves what B received");
            assertEquals("done\n", apiA.get(files + "stdout").text());

            // Both caches gone: everything is materialized again from the database.
            deleteTree(temp.resolve("a/grid/blobs"));
            deleteTree(temp.resolve("b/grid/blobs"));
            assertEquals("42\n", apiA.get(files + "out.txt").text());
            assertEquals("42\n", apiB.get(files + "out.txt").text());
            assertArrayEquals(program, peer.blob(sha).body());

            // A damaged cache file (same size, new bytes) is detected and replaced, never served.
            Path cached = temp.resolve("a/grid/blobs").resolve(sha256("42\n"));
            Files.writeString(cached, "XX\n");
            Files.setLastModifiedTime(cached, FileTime.fromMillis(1_000_000));
            assertEquals("42\n", apiA.get(files + "out.txt").text());
            assertEquals("42\n", Files.readString(cached), "the cache file was materialized again");

            // Server A dies: what it received is still served by B.
            open.remove(apiA);
            apiA.close();
            open.remove(a);
            a.close();
            deleteTree(temp.resolve("a"));
            assertEquals("done\n", apiB.get(files + "stdout").text());
            assertArrayEquals(program, peer.blob(sha).body());

            // A damaged chunk is never served: the cache is gone and the database copy is wrong.
            db.query(c -> Sql.update(
                    c,
                    "UPDATE grid_blob_chunks SET data = ? WHERE sha256 = ? AND chunk_index = 1",
                    new byte[1 << 20],
                    sha));
            deleteTree(temp.resolve("b/grid/blobs"));
            var refused = peer.blob(sha);
            assertEquals(500, refused.statusCode());
            assertFalse(Files.exists(temp.resolve("b/grid/blobs").resolve(sha)), "nothing damaged is cached");
        } finally {
            for (int i = open.size() - 1; i >= 0; i--) {
                open.get(i).close();
            }
            if (pg != null) {
                pg.close();
            }
        }
    }

    private static FleetServer start(Path dir) throws Exception {
        return FleetServer.start(FleetServer.Options.of(dir)
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(GridServiceTest.QUIET)
                .withWarmup(Duration.ZERO));
    }

    static String sha256(String text) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static void deleteTree(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
