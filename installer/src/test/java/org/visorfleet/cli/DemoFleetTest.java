package org.visorfleet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code visorfleet demo}'s fleet, brought up for real in a temporary directory. */
@Timeout(180)
class DemoFleetTest {

    @TempDir
    Path dir;

    @Test
    void theFleetComesUpWithAgentsOnlineTheGoldenImageServedAndTheJobDone() throws Exception {
        StringWriter progress = new StringWriter();
        try (DemoFleet fleet = DemoFleet.start(
                dir.resolve("demo"), new DemoFleet.Settings(2, 3, 0), new PrintWriter(progress, true))) {
            assertTrue(progress.toString().contains("demo: agent desk-02 enrolled and running"), progress.toString());
            assertEquals(
                    fleet.password(), Files.readString(fleet.passwordFile()).strip());
            assertEquals(
                    "rw-------",
                    java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(fleet.passwordFile())));
            ApiSession api = fleet.admin();

            JsonNode export = api.get("/api/v1/exports/" + fleet.exportAddress());
            assertTrue(export.get("served").asBoolean(), export.toString());
            assertEquals(DemoFleet.GOLDEN_SIZE, export.get("sizeBytes").asLong());
            assertTrue(
                    fleet.aoeLinks().getFirst().startsWith("udp:127.0.0.1:"),
                    fleet.aoeLinks().toString());

            awaitTrue(
                    "both agents online",
                    () -> api.get("/api/v1/clients?status=online&limit=10")
                                    .get("total")
                                    .asInt()
                            == 2);
            awaitTrue("the job done", () -> "done"
                    .equals(api.get("/api/v1/jobs/" + fleet.jobId())
                            .get("status")
                            .asText()));
            JsonNode job = api.get("/api/v1/jobs/" + fleet.jobId());
            assertEquals(3, job.get("unitsValid").asInt(), job.toString());
            List<String> clients = new ArrayList<>();
            for (JsonNode replica : api.get("/api/v1/jobs/" + fleet.jobId() + "/units")
                    .get("items")
                    .get(0)
                    .get("replicas")) {
                clients.add(replica.get("client").asText());
            }
            assertEquals(
                    List.of("desk-01", "desk-02"), clients.stream().sorted().toList(), "replicated on both");
        }
    }

    @Test
    void aDirectoryThatIsNotEmptyIsRefusedAndLeftAlone() throws Exception {
        Path used = Files.createDirectories(dir.resolve("used"));
        Files.writeString(used.resolve("keep.txt"), "mine");
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> DemoFleet.start(used, new DemoFleet.Settings(1, 1, 0), new PrintWriter(new StringWriter())));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertEquals(List.of(used.resolve("keep.txt")), Files.list(used).toList());
    }

    interface Check {
        boolean holds() throws Exception;
    }

    static void awaitTrue(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }
}
