package org.visorfleet.server.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/** The fleet shell's engine over a real server and a real agent, without SSH. */
class FleetShellSessionTest {

    static final String PASSWORD = "correct horse battery";
    static final Principal HAL = new Principal(2, "hal", Role.HELPDESK);
    static final Principal VERA = new Principal(3, "vera", Role.VIEWER);

    @TempDir
    static Path temp;

    static FleetServer server;
    static ApiClient api;
    static FleetShellFactory shell;

    @BeforeAll
    static void start() throws Exception {
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(new AgentHub.Timing(Duration.ofMillis(200), Duration.ofMillis(900), Duration.ofMillis(500)))
                .withWarmup(Duration.ZERO));
        api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD);
        shell = server.fleetShell(Duration.ofSeconds(1), session -> null);
    }

    @AfterAll
    static void stop() {
        api.close();
        server.close();
    }

    /** A session and what it printed. */
    record Shell(FleetShellSession session, ByteArrayOutputStream printed) implements AutoCloseable {
        static Shell of(Principal who) {
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            return new Shell(shell.open(who, printed, "test"), printed);
        }

        /** Runs {@code source}; returns what it printed. */
        String run(String source, boolean expectOk) {
            printed.reset();
            boolean ok = session.run(source);
            String text = printed.toString(StandardCharsets.UTF_8);
            assertEquals(expectOk, ok, source + " printed: " + text);
            return text;
        }

        @Override
        public void close() {
            session.close();
        }
    }

    @Test
    void queriesReadTheLiveFleet() throws Exception {
        try (Shell s = Shell.of(HAL)) {
            s.run("int before = clients().size();", true);
            Path dir = temp.resolve("agent-live");
            AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), dir, "live-desk");
            try (Agent agent =
                    Agent.open(new AgentData(dir), List.of(), ServerLink.Timing.defaults(), LinkListener.NONE)) {
                Thread runner = Thread.ofVirtual().start(() -> {
                    try {
                        agent.run();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                await("online", () -> s.run("client(\"live-desk\").online()", true)
                        .contains("true"));
                assertTrue(s.run("clients().size() - before", true).contains("==> 1"));
                String names = s.run(
                        "clients().stream().filter(c -> c.cpuLoad() >= 0 && c.online()).map(Client::name).toList()",
                        true);
                assertTrue(names.contains("[live-desk]"), names);
                assertTrue(s.run("client(\"live-desk\")", true).contains("live-desk (online, no group, load "));
                assertTrue(s.run("client(\"nobody\")", false).contains("FleetException: no client nobody"));
                agent.close();
                runner.join(5_000);
            }
        }
    }

    @Test
    void dangerousCodeIsRefusedAndChangesNothing() {
        try (Shell s = Shell.of(HAL)) {
            assertTrue(s.run("System.exit(0)", false)
                    .contains("refused: System.exit is not available in the fleet shell"));
            assertTrue(s.run("Runtime.getRuntime().halt(0)", false).contains("java.lang.Runtime is not available"));
            assertTrue(s.run("String.class.getMethods()", false).contains("reflection"));
            assertTrue(s.run("Class.forName(\"java.lang.Runtime\")", false).contains("reflection"));
            assertTrue(s.run("java.lang.reflect.Array.newInstance(int.class, 1)", false)
                    .contains("java.lang.reflect is not available in the fleet shell"));
            assertTrue(s.run("new Thread(() -> {}).start()", false).contains("threads"));
            assertTrue(s.run("Thread.ofVirtual().start(() -> {})", false).contains("threads"));
            assertTrue(s.run("new ProcessBuilder(\"true\").start()", false).contains("processes"));
            assertTrue(s.run("java.nio.file.Files.delete(java.nio.file.Path.of(\"x\"))", false)
                    .contains("not available"));
            assertTrue(s.run("List.of(1, 2).parallelStream().count()", false).contains("parallel streams"));
            assertTrue(s.run("java.lang.invoke.MethodHandles.lookup()", false).contains("java.lang.invoke"));
            assertTrue(s.run("Runnable r = () -> System.exit(1);", false).contains("System.exit"));
            assertTrue(s.run("Locale.setDefault(Locale.CHINA)", false).contains("Locale.setDefault"));
            assertTrue(s.run("new java.io.PrintStream(\"/tmp/x\")", false).contains("no files"));
            assertTrue(s.run("System.getenv()", false).contains("System.getenv is not available"));
            assertTrue(s.run("new long[4][1 << 30]", false).contains("rows one by one"));
            // a refused declaration leaves nothing behind
            assertTrue(s.run("void bye() { System.exit(2); }", false).contains("System.exit"));
            assertTrue(s.run("bye()", false).contains("error"));
            assertTrue(s.run("int answer() { return 42; }", true).contains("created method answer()"));
            assertTrue(s.run("int twice() { return 2 * answer(); }", true).contains("created"));
            assertTrue(
                    s.run("int answer() { System.exit(3); return 0; }", false).contains("System.exit"));
            assertTrue(s.run("twice()", true).contains("==> 84"));
            assertTrue(s.run("1 + 1", true).contains("==> 2"));
        }
    }

    @Test
    void runawaySnippetsStopAtTheTimeLimitAndTheSessionGoesOn() {
        try (Shell s = Shell.of(HAL)) {
            long started = System.nanoTime();
            assertTrue(s.run("while (true) {}", false).contains("stopped: time limit of 1 s reached"));
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertTrue(millis < 2_000, millis + " ms"); // the limit + 1 s
            assertTrue(s.run("while (true) { try { while (true) {} } catch (Throwable t) {} }", false)
                    .contains("stopped"));
            assertTrue(s.run("int down(int n) { return n + down(n + 1) - down(n - 1); }", true)
                    .contains("created"));
            assertTrue(s.run("down(0)", false).contains("Error"));
            assertTrue(s.run("Thread.sleep(60_000)", false).contains("stopped: time limit"));
            assertTrue(s.run("new long[1 << 30]", false).contains("too large for the fleet shell"));
            // stopped between fleet calls, never inside one: the database stays usable
            assertTrue(s.run("while (true) { clients().size(); events(5); jobs(); }", false)
                    .contains("stopped"));
            assertTrue(s.run("events(1).size() + clients().size() * 0", true).contains("==> 1"));
            assertTrue(s.run("1 + 1", true).contains("==> 2"));
        }
    }

    @Test
    void aSnippetThatHoardsMemoryIsStoppedBeforeTheHeapRunsOut() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        // a generous time limit: the allocation limit must be what stops it
        try (FleetShellSession s =
                server.fleetShell(Duration.ofSeconds(30), session -> null).open(HAL, printed, "test")) {
            assertFalse(s.run("var all = new ArrayList<long[]>(); while (true) { all.add(new long[1 << 16]); }"));
            assertTrue(
                    printed.toString(StandardCharsets.UTF_8).contains("stopped: allocated more than"),
                    printed::toString);
            assertTrue(s.run("all = null; 1 + 1"));
        }
    }

    @Test
    void ctrlCStopsTheRunningSnippet() throws Exception {
        try (Shell s = Shell.of(HAL)) {
            Thread stopper = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                s.session().interrupt();
            });
            assertTrue(s.run("long n = 0; while (true) { n++; }", false).contains("stopped by Ctrl-C"));
            stopper.join();
            assertTrue(s.run("n > 0", true).contains("true"));
        }
    }

    @Test
    void printingReachesTheSessionOnly() {
        PrintStream realOut = System.out;
        PrintStream realErr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (Shell s = Shell.of(HAL)) {
            String text = s.run("System.out.println(\"hello from a snippet\"); System.err.println(\"oops\");", true);
            assertTrue(text.contains("hello from a snippet"), text);
            assertTrue(text.contains("oops"), text);
            assertTrue(s.run("help()", true).contains("clients()"));
            assertTrue(s.run("System.out.close(); System.out.println(\"still here\");", true)
                    .contains("still here"));
        } finally {
            System.setOut(realOut);
            System.setErr(realErr);
        }
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains("hello from a snippet"));
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains("traced"));
    }

    @Test
    void actionsFollowTheRemoteAccessRuleAndAreAudited() throws Exception {
        AgentEnroller.enroll(
                URI.create(server.url()), api.enrollmentToken(null), temp.resolve("agent-act"), "act-desk");
        try (Shell viewer = Shell.of(VERA);
                Shell helpdesk = Shell.of(HAL)) {
            assertTrue(viewer.run("client(\"act-desk\").action(\"ping\", Map.of())", false)
                    .contains("forbidden: vera (viewer) may not reach act-desk"));
            String queued = helpdesk.run("var c = client(\"act-desk\").action(\"ping\", Map.of())", true);
            assertTrue(queued.contains("ping queued for act-desk"), queued);
            assertTrue(helpdesk.run("c.status()", true).contains("pending"));
            assertTrue(helpdesk.run("c.await(Duration.ofMinutes(1))", false).contains("stopped: time limit"));
            assertTrue(helpdesk.run("client(\"act-desk\").action(\"format-disk\", Map.of())", false)
                    .contains("invalid-request: action must be one of"));
            assertTrue(helpdesk.run("me()", true).contains("hal (helpdesk)"));
        }
        JsonNode created = api.get("/api/v1/events?type=command.created&client=act-desk")
                .body()
                .get("items");
        assertEquals(1, created.size(), created.toString());
        assertEquals("user:hal", created.get(0).get("actor").asText());
        assertTrue(created.get(0).get("detail").asText().contains("fleet shell"));
        JsonNode evals =
                api.get("/api/v1/events?type=shell.eval&actor=user:vera").body().get("items");
        assertTrue(evals.get(0).get("detail").asText().contains("action(\"ping\""));
        assertFalse(api.get("/api/v1/events?type=shell.closed&actor=user:vera")
                .body()
                .get("items")
                .isEmpty());
    }

    @Test
    void figures() {
        long opening = System.nanoTime();
        try (Shell s = Shell.of(VERA)) {
            long opened = System.nanoTime();
            s.run("1 + 1", true);
            long first = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                s.run("clients().size() + " + i, true);
            }
            long done = System.nanoTime();
            System.out.println("fleet shell: session opened in " + (opened - opening) / 1_000_000 + " ms, first eval "
                    + (first - opened) / 1_000_000 + " ms, then " + (done - first) / 10_000_000 + " ms per eval");
        }
    }

    @Test
    void tabCompletionOffersTheModel() {
        try (Shell s = Shell.of(VERA)) {
            FleetShellSession.Completion c = s.session().complete("cli", 3);
            assertTrue(c.candidates().stream().anyMatch(x -> x.startsWith("clients(")), c.toString());
            assertEquals(0, c.anchor());
            assertTrue(s.session().needsMoreInput("for (int i = 0; i < 3; i++) {"));
            assertFalse(s.session().needsMoreInput("1 + 1"));
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
