package org.visorfleet.agent.remote;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.common.wire.WireJson;

/** Remote actions running real processes through {@code /bin/sh}. */
class RemoteActionsTest {
    @TempDir
    Path dir;

    private final LinkedBlockingQueue<AgentMessage.CommandResult> results = new LinkedBlockingQueue<>();

    private AgentMessage.CommandResult execute(RemoteActions actions, String action, Map<String, String> args) {
        return actions.execute(new ServerMessage.Command("c-1", action, args));
    }

    @Test
    void runReportsStdoutStderrAndTheExitCode() {
        try (RemoteActions actions = new RemoteActions(RemoteSettings.DEFAULTS, results::add)) {
            AgentMessage.CommandResult r =
                    execute(actions, "run", Map.of("command", "printf 'out\\n'; printf 'err\\n' >&2; exit 3"));
            assertEquals(new AgentMessage.CommandResult("c-1", true, "exit 3", 3, "out\n", "err\n"), r);
            AgentMessage.CommandResult stdin = execute(actions, "run", Map.of("command", "cat; echo done"));
            assertEquals("done\n", stdin.stdout(), "stdin is closed, so cat ends at once");
        }
    }

    @Test
    void aTimeoutKillsTheWholeProcessTree() throws Exception {
        Path pids = dir.resolve("pids");
        try (RemoteActions actions = new RemoteActions(RemoteSettings.DEFAULTS, results::add)) {
            long started = System.nanoTime();
            // sh starts a subshell that starts sleep: three processes deep, all must go.
            AgentMessage.CommandResult r = execute(
                    actions,
                    "run",
                    Map.of(
                            "command",
                            "echo before; (sleep 30 & echo $! > " + pids + "; wait); echo never",
                            "timeoutSeconds",
                            "1"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertFalse(r.ok());
            assertEquals("timed out after 1 s", r.output());
            assertEquals(RemoteActions.TIMEOUT_EXIT, r.exitCode());
            assertEquals("before\n", r.stdout());
            assertTrue(millis < 5_000, "answered " + millis + " ms after starting");
            long sleepPid = Long.parseLong(Files.readString(pids).strip());
            ProcessHandle.of(sleepPid)
                    .ifPresent(p -> p.onExit().orTimeout(5, TimeUnit.SECONDS).join());
            assertTrue(
                    ProcessHandle.of(sleepPid).map(p -> !p.isAlive()).orElse(true),
                    "sleep " + sleepPid + " was killed");
        }
    }

    @Test
    void outputOverOneMebibyteIsCutAndSaysSo() {
        try (RemoteActions actions = new RemoteActions(RemoteSettings.DEFAULTS, results::add)) {
            AgentMessage.CommandResult r =
                    execute(actions, "run", Map.of("command", "head -c 3000000 /dev/zero | tr '\\0' x; echo tail >&2"));
            assertTrue(r.ok());
            assertEquals(RemoteActions.OUTPUT_LIMIT, r.stdout().length());
            assertTrue(
                    r.stdout().endsWith("x\n[truncated]"),
                    r.stdout().substring(r.stdout().length() - 20));
            assertEquals("tail\n", r.stderr());
            assertTrue(WireJson.fits(WireJson.encode(r)));
        }
    }

    @Test
    void aResultTooBigForOneFrameIsShrunkUntilItFits() {
        String control = "\u0001".repeat(RemoteActions.OUTPUT_LIMIT);
        AgentMessage.CommandResult huge = new AgentMessage.CommandResult("c", true, "exit 0", 0, control, control);
        assertFalse(WireJson.fits(WireJson.encode(huge)));
        AgentMessage.CommandResult fitted = RemoteActions.fitted(huge);
        assertTrue(WireJson.fits(WireJson.encode(fitted)));
        assertTrue(fitted.stdout().endsWith("[truncated]"));
        assertTrue(fitted.stdout().length() > RemoteActions.OUTPUT_LIMIT / 4, "shrunk no more than needed");
    }

    @Test
    void configuredActionsRunTheirArgvWithPlaceholdersAndNoShell() throws Exception {
        Path script = dir.resolve("notify");
        Path args = dir.resolve("args");
        Files.writeString(script, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + args + "\n");
        script.toFile().setExecutable(true);
        RemoteSettings settings = new RemoteSettings(
                true,
                "/bin/sh",
                List.of("/bin/sh", "-c", "echo no such thing >&2; exit 4"),
                List.of(dir.resolve("missing").toString()),
                List.of("true"),
                List.of(script.toString(), "--title={title}", "{text}"),
                RemoteSettings.DEFAULTS.consentCommand(),
                30);
        try (RemoteActions actions = new RemoteActions(settings, results::add)) {
            AgentMessage.CommandResult message =
                    execute(actions, "message", Map.of("title", "IT", "text", "$(reboot) it's `late`"));
            assertTrue(message.ok(), message.toString());
            assertEquals(List.of("--title=IT", "$(reboot) it's `late`"), Files.readAllLines(args));

            AgentMessage.CommandResult reboot = execute(actions, "reboot", Map.of());
            assertFalse(reboot.ok());
            assertEquals("exit 4: no such thing", reboot.output());

            AgentMessage.CommandResult shutdown = execute(actions, "shutdown", Map.of());
            assertFalse(shutdown.ok());
            assertTrue(
                    shutdown.output().startsWith("cannot start the shutdown command " + dir.resolve("missing")),
                    shutdown.output());

            assertTrue(execute(actions, "lock", Map.of()).ok());
            assertFalse(execute(actions, "format-disk", Map.of()).ok());
            assertFalse(execute(actions, "message", Map.of()).ok());
        }
    }

    @Test
    void submitNeverBlocksAndDeliversEveryResult() throws Exception {
        try (RemoteActions actions = new RemoteActions(RemoteSettings.DEFAULTS, results::add)) {
            long started = System.nanoTime();
            actions.submit(new ServerMessage.Command("slow", "run", Map.of("command", "sleep 1; echo slow")));
            actions.submit(new ServerMessage.Command("ping", "ping", Map.of()));
            assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 500);
            assertEquals("ping", results.poll(5, TimeUnit.SECONDS).commandId());
            AgentMessage.CommandResult slow = results.poll(10, TimeUnit.SECONDS);
            assertEquals("slow", slow.commandId());
            assertEquals("slow\n", slow.stdout());
        }
    }
}
