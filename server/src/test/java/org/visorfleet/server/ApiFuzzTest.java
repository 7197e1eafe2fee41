package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.testing.FuzzSeeds;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/**
 * Mutated request bodies against every JSON endpoint over real HTTPS: each gets a 2xx or a 4xx with
 * a JSON error, never a 5xx, and the server keeps serving.
 */
class ApiFuzzTest {

    static final List<String[]> BODIES = List.of(
            new String[] {"/api/v1/login", "{\"username\":\"admin\",\"password\":\"fuzz-admin-pw\"}"},
            new String[] {"/api/v1/groups", "{\"name\":\"lab\",\"description\":\"desks\"}"},
            new String[] {"/api/v1/users", "{\"name\":\"eve\",\"role\":\"viewer\",\"password\":\"12345678\"}"},
            new String[] {"/api/v1/enrollment-tokens", "{\"group\":null,\"ttlSeconds\":60}"},
            new String[] {
                "/api/v1/enroll",
                "{\"token\":\"vfe_x\",\"csr\":\"-----BEGIN CERTIFICATE REQUEST-----\",\"hostname\":\"h\"}"
            });

    @TempDir
    Path temp;

    @Test
    void mutatedBodiesNeverCauseServerErrors() throws Exception {
        ServerInit.initialize(temp.resolve("server"), "fuzz-admin-pw", List.of("localhost"), null);
        try (FleetServer server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                        .withSsh(0, null)
                        .withBindHost("127.0.0.1")
                        .withPort(0)
                        .withTiming(FleetServerTest.FAST)
                        .withWarmup(Duration.ZERO));
                ApiClient api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem"))
                        .login("admin", "fuzz-admin-pw")) {
            int requests = 0;
            for (long seed : FuzzSeeds.seeds().toArray()) {
                System.out.println("ApiFuzzTest seed " + seed + " (replay: -Dfuzz.seed=" + seed + ")");
                Random random = new Random(seed);
                for (int i = 0; i < 60; i++) {
                    String[] target = BODIES.get(random.nextInt(BODIES.size()));
                    String body = mutate(target[1], random);
                    ApiClient.Reply reply = api.post(target[0], body);
                    requests++;
                    assertTrue(
                            reply.status() < 500,
                            "seed " + seed + ": " + target[0] + " " + body + " -> " + reply.status() + " "
                                    + reply.text());
                    if (reply.status() >= 400) {
                        assertTrue(reply.body() != null && reply.body().has("error"), reply.text());
                    }
                }
            }
            assertEquals(200, api.get("/api/v1/clients").status(), "still serving after " + requests + " requests");
        }
    }

    static String mutate(String valid, Random random) {
        byte[] bytes = valid.getBytes(StandardCharsets.UTF_8);
        int edits = 1 + random.nextInt(4);
        StringBuilder out = new StringBuilder(valid);
        for (int e = 0; e < edits && out.length() > 0; e++) {
            int at = random.nextInt(out.length());
            switch (random.nextInt(5)) {
                case 0 -> out.deleteCharAt(at);
                case 1 -> out.insert(at, (char) (random.nextInt(95) + 32));
                case 2 -> out.setCharAt(at, (char) random.nextInt(0x250));
                case 3 -> out.setLength(at);
                default -> out.insert(at, "{\"a\":[".repeat(1 + random.nextInt(50)));
            }
        }
        return bytes.length > 0 ? out.toString() : valid;
    }
}
