package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.grid.GridSettings;
import org.visorfleet.agent.grid.WorkRunner;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.grid.sandbox.RunResult;
import org.visorfleet.grid.sandbox.Sandbox;
import org.visorfleet.server.testing.ApiClient;

/**
 * The desktop grid end to end: a server and desktop agents as real processes on loopback, a RISC-V
 * program built by Debian's cross compiler, jobs submitted and collected with {@code visorfleet grid},
 * results checked against {@code qemu-riscv64}. One desktop cheats: it is a real agent (in this JVM)
 * whose runner alters every output file after the sandbox ran.
 */
@Tag("e2e")
class GridJobTest {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path dir;

    private Path program;
    private Path qemu;
    private FleetProcesses fleet;
    private Path data;
    private int port;
    private String url;
    private Path ca;

    /** The program built, a server initialized (not started) with its port chosen. */
    @BeforeEach
    void initFleet() throws Exception {
        buildProgram();
        fleet = new FleetProcesses(dir);
        data = dir.resolve("server");
        fleet.initServer(data);
        port = FleetTools.freePort();
        url = "https://localhost:" + port;
        ca = data.resolve("ca.pem");
    }

    private void buildProgram() throws Exception {
        Path cc = Prerequisites.tool("riscv64-linux-gnu-gcc");
        qemu = Prerequisites.tool("qemu-riscv64");
        Path source = Path.of("src/test/c/grid/primes.c").toAbsolutePath();
        program = dir.resolve("primes");
        FleetTools.Run built = FleetTools.run(
                dir, List.of(cc.toString(), "-static", "-O2", "-o", program.toString(), source.toString()));
        assertEquals(0, built.exit(), built::toString);
    }

    @Test
    void twentyUnitsOnThreeDesktopsWithOneCheaterFlagged() throws Exception {
        Path table = Files.writeString(dir.resolve("table.txt"), "table-v1\n");
        Path busyActivity = Files.writeString(dir.resolve("busy-activity"), "");

        try (CliProcess server = fleet.startServer(data, port);
                ApiClient api = FleetProcesses.login(url, ca)) {
            for (String desk : List.of("desk-01", "desk-02", "desk-03", "desk-04")) {
                fleet.enroll(api, url, dir.resolve(desk), desk);
            }
            String[] idleAtOnce = {"--grid-idle-after", "0", "--grid-max-load", "1"};
            try (CliProcess honest1 = fleet.startAgent(dir.resolve("desk-01"), url, idleAtOnce);
                    CliProcess honest2 = fleet.startAgent(dir.resolve("desk-02"), url, idleAtOnce);
                    // desk-04's user typed just now, and it waits an hour of quiet: never idle here.
                    CliProcess busy = fleet.startAgent(
                            dir.resolve("desk-04"),
                            url,
                            "--grid-idle-after",
                            "3600",
                            "--grid-max-load",
                            "1",
                            "--grid-activity-file",
                            busyActivity.toString());
                    RunningAgent cheater = RunningAgent.start(dir.resolve("desk-03"), GridJobTest::cheat)) {
                Path units = Files.write(
                        dir.resolve("units.txt"),
                        IntStream.range(0, 20).mapToObj(Integer::toString).toList());
                long started = System.nanoTime();
                CliProcess.Result submitted = fleet.admin(
                        url,
                        ca,
                        "grid",
                        "submit",
                        program.toString(),
                        "--name",
                        "primes",
                        "--units-file",
                        units.toString(),
                        "--input",
                        "table.txt=" + table,
                        "--output",
                        "out.txt",
                        "--replication",
                        "2",
                        "--quorum",
                        "2",
                        "--wait");
                System.out.printf(
                        "grid job of 20 units on 3 desktops: %d ms%n%s",
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), submitted.stderr());
                assertEquals(0, submitted.exit(), submitted::toString);
                String job = submitted.stdout().strip();

                Path results = dir.resolve("results");
                CliProcess.Result downloaded =
                        fleet.admin(url, ca, "grid", "results", job, "--dir", results.toString());
                assertEquals(0, downloaded.exit(), downloaded::toString);
                assertTrue(downloaded.stdout().contains("downloaded 20 unit(s)"), downloaded::toString);
                for (int unit = 0; unit < 20; unit++) {
                    Expected expected = underQemu(unit, table);
                    Path got = results.resolve("unit-" + unit);
                    assertArrayEquals(expected.out(), Files.readAllBytes(got.resolve("out.txt")), "unit " + unit);
                    assertArrayEquals(expected.stdout(), Files.readAllBytes(got.resolve("stdout")), "unit " + unit);
                }

                Map<String, JsonNode> agents = gridAgents(api);
                JsonNode flagged = agents.get("desk-03");
                assertTrue(flagged.get("flagged").asBoolean(), flagged::toString);
                assertTrue(flagged.get("invalid").asLong() >= 1, flagged::toString);
                for (String honest : List.of("desk-01", "desk-02")) {
                    JsonNode a = agents.get(honest);
                    assertFalse(a.get("flagged").asBoolean(), a::toString);
                    assertEquals(0, a.get("invalid").asLong(), a::toString);
                    assertTrue(a.get("credit").asLong() > 0, a::toString);
                }
                JsonNode never = agents.get("desk-04");
                assertEquals(
                        0, never.path("valid").asLong() + never.path("invalid").asLong(), never::toString);
                assertFalse(never.path("status").path("idle").asBoolean(true), never::toString);
                JsonNode units20 =
                        api.get("/api/v1/jobs/" + job + "/units").body().get("items");
                assertEquals(20, units20.size());
                units20.forEach(u -> {
                    assertEquals("valid", u.get("status").asText(), u::toString);
                    u.get("replicas")
                            .forEach(r -> assertFalse(
                                    "desk-04".equals(r.get("client").asText()),
                                    () -> "the busy desktop got work: " + u));
                });

                CliProcess.Result listing = fleet.admin(url, ca, "grid", "agents");
                assertEquals(0, listing.exit(), listing::toString);
                System.out.print(listing.stdout());
                assertTrue(
                        listing.stdout().lines().anyMatch(l -> l.startsWith("desk-03") && l.contains("yes")),
                        listing::toString);
            }
        }
    }

    @Test
    void gridWorkWaitsWhileTheUserIsAtTheDesktop() throws Exception {
        Path activity = Files.writeString(dir.resolve("activity"), "");
        Files.setLastModifiedTime(activity, FileTime.from(Instant.now().minusSeconds(3600)));

        try (CliProcess server = fleet.startServer(data, port);
                ApiClient api = FleetProcesses.login(url, ca)) {
            fleet.enroll(api, url, dir.resolve("desk-01"), "desk-01");
            try (CliProcess desk = fleet.startAgent(
                    dir.resolve("desk-01"),
                    url,
                    "--grid-idle-after",
                    "2",
                    "--grid-max-load",
                    "1",
                    "--grid-activity-file",
                    activity.toString())) {
                // A unit of a few billion instructions: it is still running when the user comes back.
                CliProcess.Result submitted = fleet.admin(
                        url, ca, "grid", "submit", program.toString(), "--unit", "0 400", "--replication", "1");
                assertEquals(0, submitted.exit(), submitted::toString);
                String job = submitted.stdout().strip();
                awaitStatus(api, "desk-01", s -> s.path("running").asInt() == 1, "the unit to start");

                long back = System.nanoTime();
                JsonNode suspended = null;
                while (System.nanoTime() - back < TimeUnit.SECONDS.toNanos(4)) {
                    Files.setLastModifiedTime(activity, FileTime.from(Instant.now())); // the user types
                    JsonNode status = gridAgents(api).get("desk-01").path("status");
                    if (!status.path("idle").asBoolean(true)
                            && status.path("reason").asText().contains("suspended")) {
                        suspended = status;
                    }
                    Thread.sleep(200);
                }
                assertTrue(suspended != null, () -> "never reported suspended:\n" + desk.output());
                assertEquals(1, suspended.path("running").asInt(), suspended::toString);
                assertEquals(
                        "running",
                        api.get("/api/v1/jobs/" + job).body().get("status").asText());
                // The user leaves: after 2 quiet seconds the unit resumes and completes.
                long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
                while (!"done"
                        .equals(api.get("/api/v1/jobs/" + job)
                                .body()
                                .get("status")
                                .asText())) {
                    assertTrue(System.nanoTime() < deadline, () -> "job not done:\n" + desk.output());
                    Thread.sleep(250);
                }
                String log = desk.output();
                assertTrue(log.contains("suspended: user active"), log);
                assertTrue(log.contains("resumed"), log);
            }
        }
    }

    @Test
    void decisionsAcknowledgedBeforeAKillDashNineSurviveItAndTheJobFinishes() throws Exception {
        Path table = Files.writeString(dir.resolve("table.txt"), "table-v1\n");
        String[] idleAtOnce = {"--grid-idle-after", "0", "--grid-max-load", "1"};

        CliProcess server = fleet.startServer(data, port);
        try (ApiClient api = FleetProcesses.login(url, ca)) {
            fleet.enroll(api, url, dir.resolve("desk-01"), "desk-01");
            fleet.enroll(api, url, dir.resolve("desk-02"), "desk-02");
        }
        try (CliProcess desk1 = fleet.startAgent(dir.resolve("desk-01"), url, idleAtOnce);
                CliProcess desk2 = fleet.startAgent(dir.resolve("desk-02"), url, idleAtOnce)) {
            // Units of ~20 million instructions each, so the kill lands in the middle of the job.
            Path units = Files.write(
                    dir.resolve("units.txt"),
                    IntStream.range(0, 20).mapToObj(n -> n + " 2").toList());
            CliProcess.Result submitted = fleet.admin(
                    url,
                    ca,
                    "grid",
                    "submit",
                    program.toString(),
                    "--units-file",
                    units.toString(),
                    "--input",
                    "table.txt=" + table,
                    "--output",
                    "out.txt");
            assertEquals(0, submitted.exit(), submitted::toString);
            String job = submitted.stdout().strip();

            Map<Integer, String> decided;
            try (ApiClient api = FleetProcesses.login(url, ca)) {
                decided = awaitValidUnits(api, job, 5);
            }
            int status = server.kill();
            System.out.printf("kill -9 server (exit %d) with %d of 20 units decided%n", status, decided.size());
            server = fleet.startServer(data, port);
            try (ApiClient api = FleetProcesses.login(url, ca)) {
                Map<Integer, String> after = awaitValidUnits(api, job, 20);
                decided.forEach((unit, sha) -> assertEquals(sha, after.get(unit), "unit " + unit + " changed"));
                Path results = dir.resolve("results");
                CliProcess.Result downloaded =
                        fleet.admin(url, ca, "grid", "results", job, "--dir", results.toString());
                assertEquals(0, downloaded.exit(), downloaded::toString);
                for (int unit = 0; unit < 20; unit++) {
                    String out =
                            Files.readString(results.resolve("unit-" + unit).resolve("out.txt"));
                    assertTrue(out.startsWith("table-v1 unit " + unit + ": "), out);
                }
                for (String desk : List.of("desk-01", "desk-02")) {
                    JsonNode a = gridAgents(api).get(desk);
                    assertEquals(0, a.get("invalid").asLong(), a::toString);
                }
            }
        } finally {
            server.close();
        }
    }

    /** Waits until at least {@code count} units are valid; returns unit → canonical SHA-256 of all valid ones. */
    private static Map<Integer, String> awaitValidUnits(ApiClient api, String job, int count) throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (true) {
            Map<Integer, String> valid = new TreeMap<>();
            ApiClient.Reply reply = api.get("/api/v1/jobs/" + job + "/units");
            if (reply.status() == 200) {
                reply.body().get("items").forEach(u -> {
                    if ("valid".equals(u.get("status").asText())) {
                        valid.put(
                                u.get("index").asInt(), u.get("canonicalSha256").asText());
                    }
                });
                if (valid.size() >= count) {
                    return valid;
                }
            }
            assertTrue(System.nanoTime() < deadline, "only " + valid.size() + " units valid");
            Thread.sleep(50);
        }
    }

    /** The cheating desktop's runner: the sandbox's honest run, then every output file altered. */
    private static RunResult cheat(
            org.visorfleet.grid.sandbox.WorkUnit unit,
            org.visorfleet.grid.sandbox.Limits limits,
            org.visorfleet.grid.sandbox.Pacer pacer) {
        RunResult honest = Sandbox.run(unit, limits, pacer);
        Map<String, byte[]> forged = new TreeMap<>();
        honest.outputs()
                .forEach((name, bytes) -> forged.put(
                        name,
                        new String(bytes, StandardCharsets.UTF_8)
                                .replace("primes", "primez")
                                .getBytes()));
        return new RunResult(
                honest.outcome(),
                honest.stdout(),
                honest.stderr(),
                forged,
                honest.instructions(),
                honest.syscalls(),
                honest.wall());
    }

    private record Expected(byte[] stdout, byte[] out) {}

    /** The unit run by the peer, qemu-riscv64, in a directory of its own. */
    private Expected underQemu(int unit, Path table) throws Exception {
        Path work = Files.createDirectories(dir.resolve("qemu-" + unit));
        Files.copy(table, work.resolve("table.txt"));
        Process process = new ProcessBuilder(qemu.toString(), program.toString(), Integer.toString(unit))
                .directory(work.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        process.getOutputStream().close();
        byte[] stdout = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "qemu-riscv64 still running");
        assertEquals(0, process.exitValue());
        return new Expected(stdout, Files.readAllBytes(work.resolve("out.txt")));
    }

    private static Map<String, JsonNode> gridAgents(ApiClient api) throws Exception {
        ApiClient.Reply reply = api.get("/api/v1/grid/agents");
        assertEquals(200, reply.status(), reply::toString);
        Map<String, JsonNode> byName = new HashMap<>();
        reply.body().get("items").forEach(a -> byName.put(a.get("name").asText(), a));
        return byName;
    }

    private static void awaitStatus(ApiClient api, String client, Predicate<JsonNode> wanted, String what)
            throws Exception {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = gridAgents(api).getOrDefault(client, null);
            if (last != null && wanted.test(last.path("status"))) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

    /** A real agent in this JVM with a given runner, idle at once. */
    private record RunningAgent(Agent agent, Thread thread) implements AutoCloseable {
        static RunningAgent start(Path data, WorkRunner runner) throws Exception {
            Agent agent = Agent.open(
                    new AgentData(data),
                    List.of(),
                    ServerLink.Timing.defaults(),
                    LinkListener.NONE,
                    GridSettings.DEFAULTS.withIdleAfterSeconds(0).withMaxLoad(1),
                    runner);
            Thread thread = Thread.ofPlatform().name("cheater").start(() -> {
                try {
                    agent.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return new RunningAgent(agent, thread);
        }

        @Override
        public void close() throws Exception {
            agent.close();
            thread.join(5_000);
        }
    }
}
