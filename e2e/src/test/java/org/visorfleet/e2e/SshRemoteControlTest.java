package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.server.testing.ApiClient;

/**
 * Remote control as a technician lives it, all real processes on loopback: {@code visorfleet server
 * run} with its SSH bastion, two {@code visorfleet agent run} desktops keeping their tunnels, a
 * technician created and given a key with the CLI, and Debian's OpenSSH client: {@code ssh -J} to
 * each desktop, {@code scp} both ways, the fleet shell with a query and an action, and the refusals.
 */
@Tag("e2e")
class SshRemoteControlTest {

    static final Duration SSH_TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    Path config;

    @Test
    void technicianReachesDesktopsThroughTheBastionWithStockOpenSsh() throws Exception {
        boolean required = "1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"));
        assumeTrue(required || Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
        FleetProcesses fleet = new FleetProcesses(dir);
        Path data = dir.resolve("server");
        fleet.initServer(data);
        int port = FleetTools.freePort();
        String url = "https://localhost:" + port;
        Path ca = data.resolve("ca.pem");

        try (CliProcess server = fleet.startServer(data, port);
                ApiClient api = FleetProcesses.login(url, ca)) {
            Matcher bastion = server.await(Pattern.compile("SSH bastion on port (\\d+)"), SSH_TIMEOUT);
            int sshPort = Integer.parseInt(bastion.group(1));
            CliProcess.Result created = fleet.admin(
                    url, ca, "user", "add", "tech", "--role", "helpdesk", "--new-password", FleetProcesses.PASSWORD);
            assertEquals(0, created.exit(), created::toString);
            Path key = dir.resolve("tech_ed25519");
            run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "tech@helpdesk", "-f", key.toString());
            CliProcess.Result added = asTech(url, ca, "user", "add-key", "--key", key + ".pub");
            assertEquals(0, added.exit(), added::toString);
            assertTrue(added.stdout().startsWith("added ssh-ed25519 key SHA256:"), added::toString);
            config = dir.resolve("ssh_config");
            Files.writeString(
                    config,
                    """
                    Host bastion
                      HostName 127.0.0.1
                      Port %d
                      User tech
                    Host *
                      IdentityFile %s
                      IdentitiesOnly yes
                      UserKnownHostsFile %s
                      StrictHostKeyChecking accept-new
                      BatchMode yes
                      ConnectTimeout 20
                    """
                            .formatted(sshPort, key, dir.resolve("known_hosts")));

            List<CliProcess> agents = new ArrayList<>();
            try {
                for (String desk : List.of("desk-01", "desk-02")) {
                    Path agentData = dir.resolve(desk);
                    fleet.enroll(api, url, agentData, desk);
                    agents.add(fleet.startAgent(agentData, url));
                }
                for (String desk : List.of("desk-01", "desk-02")) {
                    // The command runs under the desktop's own agent: its parent's command line names
                    // that agent's data directory.
                    Result reached =
                            awaitSsh("-J", "bastion", "tech@" + desk, "tr '\\0' ' ' < /proc/$PPID/cmdline; exit 7");
                    assertEquals(7, reached.exit(), reached.toString());
                    assertTrue(reached.stdout().contains("--data " + dir.resolve(desk)), reached.toString());
                }

                byte[] payload = new byte[8 << 20];
                new SplittableRandom(61).nextBytes(payload);
                Path local = dir.resolve("payload.bin");
                Files.write(local, payload);
                Path remote = dir.resolve("desk-01-copy.bin");
                Result up = run(
                        "scp", "-F", config.toString(), "-J", "bastion", local.toString(), "tech@desk-01:" + remote);
                assertEquals(0, up.exit(), up.toString());
                assertArrayEquals(payload, Files.readAllBytes(remote));
                Path back = dir.resolve("back.bin");
                Result down =
                        run("scp", "-F", config.toString(), "-J", "bastion", "tech@desk-02:" + remote, back.toString());
                assertEquals(0, down.exit(), down.toString());
                assertArrayEquals(payload, Files.readAllBytes(back));

                // An interactive session, typed from a file; its recording plays in asciinema.
                stdin = dir.resolve("typed.txt");
                Files.writeString(stdin, "echo typed-$((6*7))\nexit\n");
                Result shell = ssh("-tt", "-J", "bastion", "tech@desk-02");
                stdin = null;
                assertEquals(0, shell.exit(), shell.toString());
                assertTrue(shell.stdout().contains("typed-42"), shell.toString());
                long session = api.get("/api/v1/sessions?client=desk-02")
                        .body()
                        .get("items")
                        .get(0)
                        .get("id")
                        .asLong();
                Path cast = dir.resolve("session.cast");
                long deadline = System.nanoTime() + SSH_TIMEOUT.toNanos();
                ApiClient.Reply recording;
                while ((recording = api.get("/api/v1/sessions/" + session + "/recording")).status() != 200
                        && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(200, recording.status(), recording.text());
                Files.writeString(cast, recording.text());
                if (required || Files.isExecutable(Path.of("/usr/bin/asciinema"))) {
                    // asciinema cat wants a terminal: script(1) gives it one.
                    Result played = run("script", "-qec", "asciinema cat " + cast, "/dev/null");
                    assertEquals(0, played.exit(), played.toString());
                    assertTrue(played.stdout().contains("typed-42"), played.toString());
                }

                Result count = ssh("bastion", "clients().size()");
                assertEquals(0, count.exit(), count.toString());
                assertTrue(count.stdout().contains("2"), count.toString());
                Result names = ssh("bastion", "clients().stream().map(Client::name).sorted().toList()");
                assertTrue(names.stdout().contains("[desk-01, desk-02]"), names.toString());
                Result action = ssh(
                        "bastion",
                        "client(\"desk-02\").run(\"echo from-the-shell\").await(java.time.Duration.ofSeconds(30))"
                                + ".stdout()");
                assertEquals(0, action.exit(), action.toString());
                assertTrue(action.stdout().contains("from-the-shell"), action.toString());

                Result unknown = ssh("-W", "desk-99:22", "bastion");
                assertEquals(255, unknown.exit());
                assertTrue(unknown.stderr().contains("no client desk-99"), unknown.toString());
                Result exit = ssh("bastion", "System.exit(0)");
                assertEquals(1, exit.exit(), exit.toString());
                assertTrue(server.isAlive(), "System.exit in the fleet shell leaves the server running");

                String events = api.get("/api/v1/events?limit=500").text();
                for (String type : List.of(
                        "ssh.login",
                        "ssh.jump",
                        "ssh.jump-refused",
                        "remote.session-started",
                        "shell.eval",
                        "user.key-added")) {
                    assertTrue(events.contains("\"" + type + "\""), type + " in " + events);
                }

                CliProcess.Result removed = asTech(url, ca, "user", "remove-key", "--key", key + ".pub");
                assertEquals(0, removed.exit(), removed::toString);
                Result revoked = ssh("-J", "bastion", "tech@desk-01", "true");
                assertEquals(255, revoked.exit(), revoked.toString());
                assertTrue(revoked.stderr().contains("Permission denied"), revoked.toString());
            } finally {
                for (CliProcess agent : agents) {
                    agent.close();
                }
            }
        }
    }

    /** A CLI command signed in as the technician. */
    CliProcess.Result asTech(String url, Path ca, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(
                "--server", url, "--user", "tech", "--password", FleetProcesses.PASSWORD, "--ca", ca.toString()));
        return CliProcess.run(dir, FleetProcesses.COMMAND_TIMEOUT, all.toArray(String[]::new));
    }

    record Result(int exit, String stdout, String stderr) {}

    Result ssh(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", config.toString()));
        argv.addAll(List.of(args));
        return run(argv.toArray(String[]::new));
    }

    /** The first ssh to a desktop waits for its agent's tunnel, which follows the agent's welcome. */
    Result awaitSsh(String... args) throws Exception {
        long deadline = System.nanoTime() + SSH_TIMEOUT.toNanos();
        while (true) {
            Result r = ssh(args);
            if (r.exit() != 255 || System.nanoTime() > deadline) {
                return r;
            }
            Thread.sleep(250);
        }
    }

    /** Standard input of the next command run, or null for /dev/null. */
    Path stdin;

    Result run(String... argv) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(argv)
                .redirectInput(
                        ProcessBuilder.Redirect.from(stdin == null ? new java.io.File("/dev/null") : stdin.toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(SSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " timed out: " + Files.readString(err));
        }
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
