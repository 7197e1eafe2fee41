package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.testing.FuzzSeeds;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.common.wire.WireJson;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;
import org.visorfleet.server.testing.GridPeer;

/**
 * Mutated job documents and result bodies (seeded; replay one with {@code -Dfuzz.seed=N}) against
 * the grid endpoints over real HTTPS: a 2xx or a 4xx with a JSON error, never a 5xx.
 */
class GridFuzzTest {

    @TempDir
    Path temp;

    @Test
    void mutatedJobsAndResultsNeverCauseServerErrors() throws Exception {
        ServerInit.initialize(temp.resolve("server"), "fuzz-admin-pw", List.of("localhost"), null);
        try (FleetServer server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                        .withSsh(0, null)
                        .withBindHost("127.0.0.1")
                        .withPort(0)
                        .withTiming(GridServiceTest.QUIET)
                        .withWarmup(Duration.ZERO));
                ApiClient api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem"))
                        .login("admin", "fuzz-admin-pw")) {
            String program = api.postBytes("/api/v1/grid/files", "program".getBytes())
                    .body()
                    .get("sha256")
                    .asText();
            String job = "{\"name\":\"fuzz\",\"program\":\"" + program + "\",\"outputs\":[\"out.txt\"],"
                    + "\"units\":[{\"args\":[\"1\",\"2\"],\"stdin\":null,\"inputs\":{\"in.txt\":\"" + program
                    + "\"},\"seed\":7}],\"replication\":1,\"quorum\":1,\"maxResults\":3,\"deadlineSeconds\":600,"
                    + "\"instructionBudget\":1000,\"memoryMb\":16,\"outputMb\":1}";
            StringBuilder many = new StringBuilder("[");
            for (int i = 0; i < 200; i++) {
                many.append(i == 0 ? "" : ",").append("{\"args\":[\"").append(i).append("\"]}");
            }
            ApiClient.Reply pool =
                    api.post("/api/v1/jobs", job.replaceFirst("\"units\":\\[.*?}],", "\"units\":" + many + "],"));
            assertEquals(201, pool.status(), pool.text());

            try (GridPeer peer = GridPeer.enroll(URI.create(server.url()), api, temp.resolve("agent"), "fuzzer")) {
                peer.status(true, 0, 200);
                Deque<ServerMessage.Work> assignments = new ArrayDeque<>();
                for (ServerMessage.Work w; (w = peer.work(Duration.ofSeconds(10))) != null; ) {
                    assignments.add(w);
                    if (assignments.size() == 200) {
                        break;
                    }
                }
                assertTrue(assignments.size() > 50, "work for the result fuzzing: " + assignments.size());
                int requests = 0;
                for (long seed : FuzzSeeds.seeds().toArray()) {
                    System.out.println("GridFuzzTest seed " + seed + " (replay: -Dfuzz.seed=" + seed + ")");
                    Random random = new Random(seed);
                    for (int i = 0; i < 40; i++) {
                        String body = ApiFuzzTest.mutate(job, random);
                        ApiClient.Reply reply = api.post("/api/v1/jobs", body);
                        requests++;
                        assertTrue(
                                reply.status() < 500,
                                "seed " + seed + ": " + body + " -> " + reply.status() + " " + reply.text());
                        if (reply.status() >= 400) {
                            assertNotNull(reply.body(), reply.text());
                            assertTrue(reply.body().has("error"), reply.text());
                        }
                    }
                    for (int i = 0; i < 40 && !assignments.isEmpty(); i++) {
                        ServerMessage.Work w = assignments.peek();
                        byte[] body = mutatedResult(peer, w, random);
                        var reply = peer.put(w.assignment(), body);
                        requests++;
                        assertTrue(
                                reply.statusCode() < 500,
                                "seed " + seed + ": " + new String(body, StandardCharsets.UTF_8) + " -> "
                                        + reply.statusCode() + " " + reply.body());
                        assertTrue(reply.body().contains("\""), reply.body());
                        if (reply.statusCode() == 200) {
                            assignments.poll(); // accepted (a mutation outside the fingerprint): next one
                        }
                    }
                }
                assertEquals(200, api.get("/api/v1/jobs").status(), "still serving after " + requests + " requests");
            }
        }
    }

    /** A signed result, then mutated as text or replaced by random bytes. */
    static byte[] mutatedResult(GridPeer peer, ServerMessage.Work w, Random random) throws Exception {
        if (random.nextInt(8) == 0) {
            byte[] noise = new byte[random.nextInt(512)];
            random.nextBytes(noise);
            return noise;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireJson.encode(peer.result(w.assignment(), "output " + w.unit(), Map.of("out.txt", new byte[] {1, 2})), out);
        return ApiFuzzTest.mutate(out.toString(StandardCharsets.UTF_8), random).getBytes(StandardCharsets.UTF_8);
    }
}
