package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.server.testing.ApiClient;

/**
 * {@code visorfleet demo --no-gui} as a user runs it: one command brings up the fleet; the printed
 * URL and password sign in; the agents are online, the sample job completes, and the golden image
 * answers over Ethernet-in-UDP AoE with its first sector; SIGTERM stops it all.
 */
@Tag("e2e")
class DemoCommandTest {

    @TempDir
    Path dir;

    @Test
    void oneCommandBringsUpAFleetThatAnswersOnEveryInterfaceItPrints() throws Exception {
        Path data = dir.resolve("demo");
        try (CliProcess demo =
                CliProcess.start(dir, "demo", "--no-gui", "--data", data.toString(), "--agents", "2", "--units", "2")) {
            demo.await(Pattern.compile("Ctrl\\+C stops the demo"), Duration.ofMinutes(2));
            String out = demo.output();
            String url = find(out, "console   \\./visorfleet console --server (\\S+)");
            String password = find(out, "password  (\\S+)");
            String udp = find(out, "AoE       golden image as e1\\.0 on udp:(\\S+)");
            long job = Long.parseLong(find(out, "grid job  (\\d+) \\(demo-primes\\)"));
            assertEquals(
                    password, Files.readString(data.resolve("admin-password")).strip());

            try (ApiClient api =
                    new ApiClient(URI.create(url), data.resolve("server/ca.pem")).login("admin", password)) {
                awaitTrue(
                        "two agents online",
                        () -> api.get("/api/v1/clients?status=online&limit=5")
                                        .body()
                                        .get("total")
                                        .asInt()
                                == 2);
                awaitTrue("the sample job done", () -> "done"
                        .equals(api.get("/api/v1/jobs/" + job)
                                .body()
                                .get("status")
                                .asText()));
            }

            CliProcess.Result discovered =
                    CliProcess.run(dir, Duration.ofSeconds(60), "aoe", "discover", "--udp", udp, "--read", "1");
            assertEquals(0, discovered.exit(), discovered::toString);
            assertTrue(discovered.stdout().contains("e1.0"), discovered::toString);
            assertTrue(
                    discovered.stdout().contains(firstSectorSha256(data.resolve("golden.img"))), discovered::toString);

            assertEquals(
                    143, demo.terminate(Duration.ofSeconds(30)), demo::output); // 128 + SIGTERM, after the hooks ran
            assertTrue(!demo.output().contains("Exception"), demo::output);
        }
    }

    private static String firstSectorSha256(Path image) throws Exception {
        try (InputStream in = Files.newInputStream(image)) {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(in.readNBytes(512)));
        }
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no /" + regex + "/ in:\n" + text);
        return m.group(1);
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(250);
        }
    }
}
