package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/**
 * The tunnel follows the agent's link across a cluster: two servers share a database, the desktop
 * keeps its tunnel at the server its WebSocket is on, a jump through the other server is refused
 * with a pointer to the right one, and when that server goes away the tunnel moves with the
 * failover, so the same OpenSSH jump through the surviving server works.
 */
class TunnelFailoverTest {

    static final String PASSWORD = OpenSshJumpTest.PASSWORD;

    @TempDir
    Path temp;

    @Test
    void theTunnelFollowsTheAgentToTheSurvivingServer() throws Exception {
        boolean required = "1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"));
        assumeTrue(required || Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
        String url = Database.h2Url(temp.resolve("shared"));
        List<String> names = List.of("localhost", "127.0.0.1");
        ServerInit.initialize(temp.resolve("a"), PASSWORD, names, url);
        ServerInit.initialize(temp.resolve("b"), PASSWORD, names, url);
        FleetServer a = start(temp.resolve("a"));
        FleetServer b = start(temp.resolve("b"));
        Agent agent = null;
        try (ApiClient api = new ApiClient(URI.create(a.url()), temp.resolve("a/ca.pem")).login("admin", PASSWORD)) {
            run(
                    "ssh-keygen",
                    "-q",
                    "-t",
                    "ed25519",
                    "-N",
                    "",
                    "-f",
                    temp.resolve("admin").toString());
            var added = api.post(
                    "/api/v1/users/admin/keys", Map.of("publicKey", Files.readString(temp.resolve("admin.pub"))));
            assertEquals(201, added.status(), added.text());
            Path data = temp.resolve("agent");
            AgentEnroller.enroll(URI.create(a.url()), api.enrollmentToken(null), data, "desk-01");
            agent = Agent.open(
                    new AgentData(data),
                    List.of(URI.create(a.url()), URI.create(b.url())),
                    ServerLink.Timing.defaults(),
                    LinkListener.NONE);
            Agent running = agent;
            Thread.ofVirtual().start(() -> {
                try {
                    running.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await("tunnel at a", () -> a.bastion().tunnels().size() == 1);

            SshFleet.Result viaA = jump(a, "echo via-a");
            assertEquals("via-a\n", viaA.stdout(), viaA.toString());
            SshFleet.Result viaB = run("ssh", "-F", config(b).toString(), "-W", "desk-01:22", "bastion");
            assertEquals(255, viaB.exit());
            assertTrue(viaB.stderr().contains("connected to another server (" + a.url() + ")"), viaB.toString());

            a.close();
            await("tunnel at b", () -> b.bastion().tunnels().size() == 1);
            SshFleet.Result afterFailover = jump(b, "echo via-b");
            assertEquals("via-b\n", afterFailover.stdout(), afterFailover.toString());
        } finally {
            if (agent != null) {
                agent.close();
            }
            b.close();
            a.close();
        }
    }

    private static FleetServer start(Path dir) throws Exception {
        return FleetServer.start(FleetServer.Options.of(dir)
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(OpenSshJumpTest.FAST)
                .withWarmup(Duration.ZERO));
    }

    SshFleet.Result jump(FleetServer through, String command) throws Exception {
        return run("ssh", "-F", config(through).toString(), "-J", "bastion", "admin@desk-01", command);
    }

    Path config(FleetServer through) throws Exception {
        Path file = temp.resolve("ssh_config-" + through.sshPort());
        Files.writeString(
                file,
                """
                Host bastion
                  HostName 127.0.0.1
                  Port %d
                  User admin
                Host *
                  IdentityFile %s
                  IdentitiesOnly yes
                  UserKnownHostsFile /dev/null
                  StrictHostKeyChecking no
                  BatchMode yes
                  ConnectTimeout 10
                """
                        .formatted(through.sshPort(), temp.resolve("admin")));
        return file;
    }

    SshFleet.Result run(String... argv) throws Exception {
        return SshFleet.run(temp, Duration.ofSeconds(60), null, argv);
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        SshFleet.await(what, condition);
    }
}
