package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.server.testing.ApiClient;

/**
 * Remote actions as a technician runs them: {@code visorfleet remote ...} against a real {@code
 * server run} process and a real {@code agent run} process on loopback. The desktop's message
 * command is a script (configured in the agent's {@code remote.json}) that records its arguments.
 */
@Tag("e2e")
class RemoteActionTest {

    @TempDir
    Path dir;

    @Test
    void remoteRunPassesOutputAndExitCodeAndMessageReachesTheDesktop() throws Exception {
        FleetProcesses fleet = new FleetProcesses(dir);
        Path data = dir.resolve("server");
        fleet.initServer(data);
        int port = FleetTools.freePort();
        String url = "https://localhost:" + port;
        Path ca = data.resolve("ca.pem");
        Path shown = dir.resolve("shown.txt");
        Path notify = dir.resolve("notify");
        Files.writeString(notify, "#!/bin/sh\nprintf '%s|%s\\n' \"$1\" \"$2\" > " + shown + "\n");
        assertTrue(notify.toFile().setExecutable(true));

        try (CliProcess server = fleet.startServer(data, port);
                ApiClient api = FleetProcesses.login(url, ca)) {
            Path desk = dir.resolve("desk-01");
            fleet.enroll(api, url, desk, "desk-01");
            Files.writeString(
                    desk.resolve("remote.json"),
                    "{\"messageCommand\": [\"" + notify + "\", \"{title}\", \"{text}\"]," + " \"rebootCommand\": [\""
                            + dir.resolve("no-such-reboot") + "\"]}");
            try (CliProcess agent = fleet.startAgent(desk, url)) {
                List<String> run = List.of("remote", "run", "--client", "desk-01");

                CliProcess.Result result =
                        fleet.admin(url, ca, run, List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
                assertEquals(3, result.exit(), result::toString);
                assertEquals("out\n", result.stdout(), result::toString);
                assertEquals("err\n", result.stderr(), result::toString);

                CliProcess.Result quoted = fleet.admin(url, ca, run, List.of("printf", "%s\\n", "a b", "it's $HOME"));
                assertEquals(0, quoted.exit(), quoted::toString);
                assertEquals("a b\nit's $HOME\n", quoted.stdout(), quoted::toString);

                CliProcess.Result slow = fleet.admin(
                        url,
                        ca,
                        List.of("remote", "run", "--client", "desk-01", "--timeout", "1"),
                        List.of("sleep", "30"));
                assertEquals(124, slow.exit(), slow::toString);
                assertTrue(slow.stderr().contains("timed out after 1 s"), slow::toString);

                CliProcess.Result message = fleet.admin(
                        url,
                        ca,
                        "remote",
                        "message",
                        "--client",
                        "desk-01",
                        "--title",
                        "IT desk",
                        "--text",
                        "Reboot at 5; ok?");
                assertEquals(0, message.exit(), message::toString);
                assertTrue(message.stdout().startsWith("message on desk-01: done"), message::toString);
                assertEquals("IT desk|Reboot at 5; ok?\n", Files.readString(shown));

                CliProcess.Result reboot = fleet.admin(url, ca, "remote", "reboot", "--client", "desk-01");
                assertEquals(1, reboot.exit(), reboot::toString);
                assertTrue(
                        reboot.stderr().contains("reboot on desk-01: failed (cannot start the reboot command"),
                        reboot::toString);

                CliProcess.Result list = fleet.admin(url, ca, "remote", "commands", "--client", "desk-01");
                assertEquals(0, list.exit(), list::toString);
                assertTrue(
                        list.stdout()
                                .lines()
                                .anyMatch(l -> l.contains("run") && l.contains("done") && l.contains(" 3 ")),
                        list::toString);
            }
            assertEquals(0, fleet.admin(url, ca, "group", "create", "vault").exit());
            CliProcess.Result set =
                    fleet.admin(url, ca, "group", "set", "vault", "--remote-role", "admin", "--consent");
            assertEquals(0, set.exit(), set::toString);
            assertEquals("group vault: remote role admin, consent required\n", set.stdout(), set::toString);
            CliProcess.Result viewerRole = fleet.admin(url, ca, "group", "set", "vault", "--remote-role", "viewer");
            assertTrue(
                    viewerRole.exit() != 0 && viewerRole.stderr().contains("viewers never reach a client"),
                    viewerRole::toString);
            CliProcess.Result groups = fleet.admin(url, ca, "group", "list");
            assertTrue(
                    groups.stdout()
                            .lines()
                            .anyMatch(l -> l.startsWith("vault") && l.contains("admin") && l.contains("yes")),
                    groups::toString);

            CliProcess.Result offline = fleet.admin(
                    url, ca, List.of("remote", "run", "--client", "desk-01", "--timeout", "1"), List.of("true"));
            assertEquals(255, offline.exit(), offline::toString);
            assertTrue(offline.stderr().contains("offline?"), offline::toString);
        }
    }
}
