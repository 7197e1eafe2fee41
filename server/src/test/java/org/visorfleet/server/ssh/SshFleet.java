package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/**
 * A real fleet for the bastion's scenario tests: a {@link FleetServer} with its bastion on loopback,
 * the technicians {@code tech} (helpdesk) and {@code viewer} with OpenSSH keys registered, in-JVM
 * agents enrolled with the {@code remote.json} each test asks for, and Debian's OpenSSH client
 * configured to reach them (an ssh_config per key, because the inner ssh of {@code -J} ignores
 * {@code -i}). The setup follows {@link OpenSshJumpTest}.
 */
final class SshFleet implements AutoCloseable {

    static final String PASSWORD = "correct horse battery";
    static final AgentHub.Timing FAST =
            new AgentHub.Timing(Duration.ofMillis(200), Duration.ofMillis(900), Duration.ofMillis(500));

    /** What a command printed and how it ended. */
    record Result(int exit, String stdout, String stderr) {}

    final Path dir;
    final FleetServer server;
    final ApiClient api;
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final Path config;
    private SshClient mina;

    private SshFleet(Path dir, FleetServer server, ApiClient api, Path config) {
        this.dir = dir;
        this.server = server;
        this.api = api;
        this.config = config;
    }

    /** Skips the calling test where OpenSSH is missing, unless {@code VISORFLEET_REQUIRE_E2E=1}. */
    static void assumeOpenSsh() {
        boolean required = "1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"));
        assumeTrue(required || Files.isExecutable(Path.of("/usr/bin/ssh")), "OpenSSH client not installed");
    }

    /** Starts the server in {@code dir} with technicians {@code tech} and {@code viewer}. */
    static SshFleet start(Path dir) throws Exception {
        ServerInit.initialize(dir.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        FleetServer server = FleetServer.start(FleetServer.Options.of(dir.resolve("server"))
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withTiming(FAST)
                .withWarmup(Duration.ZERO));
        ApiClient api = null;
        try {
            api = new ApiClient(URI.create(server.url()), dir.resolve("server/ca.pem")).login("admin", PASSWORD);
            Path config = dir.resolve("ssh_config");
            Files.writeString(
                    config,
                    """
                    Host bastion
                      HostName 127.0.0.1
                      Port %d
                    Host *
                      UserKnownHostsFile %s
                      StrictHostKeyChecking accept-new
                      BatchMode yes
                      ConnectTimeout 10
                    """
                            .formatted(server.sshPort(), dir.resolve("known_hosts")));
            SshFleet fleet = new SshFleet(dir, server, api, config);
            fleet.technician("tech", "helpdesk");
            fleet.technician("viewer", "viewer");
            return fleet;
        } catch (Exception | Error e) {
            if (api != null) {
                api.close();
            }
            server.close();
            throw e;
        }
    }

    private void technician(String name, String role) throws Exception {
        var created = api.post("/api/v1/users", Map.of("name", name, "role", role, "password", PASSWORD));
        assertEquals(201, created.status(), created.text());
        Result keygen = run(
                Duration.ofSeconds(20),
                null,
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                "",
                "-C",
                name + "@test",
                "-f",
                dir.resolve(name).toString());
        assertEquals(0, keygen.exit(), keygen.toString());
        addKey(name, Files.readString(dir.resolve(name + ".pub")));
    }

    /** Registers another public key (OpenSSH form) on a technician's account, as that technician. */
    void addKey(String technician, String publicKey) throws Exception {
        try (ApiClient as =
                new ApiClient(URI.create(server.url()), dir.resolve("server/ca.pem")).login(technician, PASSWORD)) {
            var added = as.post("/api/v1/users/" + technician + "/keys", Map.of("publicKey", publicKey));
            assertEquals(201, added.status(), added.text());
        }
    }

    /**
     * Enrolls and starts an agent named {@code hostname}; {@code remoteJson} (or null for none) is
     * written to its {@code DATA/remote.json} before it opens.
     */
    Agent enroll(String hostname, String remoteJson) throws Exception {
        Path data = dir.resolve("agent-" + hostname);
        AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), data, hostname);
        AgentData agentData = new AgentData(data);
        if (remoteJson != null) {
            Files.writeString(agentData.remoteSettings(), remoteJson);
        }
        Agent agent = Agent.open(agentData, List.of(), ServerLink.Timing.defaults(), LinkListener.NONE);
        agents.put(hostname, agent);
        Thread.ofVirtual().name("agent-" + hostname).start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return agent;
    }

    /** Stops an agent as its desktop would on shutdown. */
    void stopAgent(String hostname) throws Exception {
        agents.remove(hostname).close();
    }

    /** The enrolled key pair of an agent (its certificate's key). */
    KeyPair agentKeys(String hostname) throws IOException {
        AgentData.Identity identity = new AgentData(dir.resolve("agent-" + hostname)).identity();
        return new KeyPair(identity.certificate().getPublicKey(), identity.key());
    }

    /** The user name an agent signs in to the bastion with: {@code agent:CERT-SERIAL}. */
    String agentUser(String hostname) throws IOException {
        AgentData.Identity identity = new AgentData(dir.resolve("agent-" + hostname)).identity();
        return BastionSessions.AGENT_USER_PREFIX
                + identity.certificate().getSerialNumber().toString(16).toLowerCase(Locale.ROOT);
    }

    void awaitTunnels(int count) throws InterruptedException {
        await("" + count + " tunnels", () -> server.bastion().tunnels().size() == count);
    }

    void awaitOnline(String client) throws InterruptedException {
        await(client + " online", () -> {
            try {
                return "online".equals(api.clientStatus(client));
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** An executable shell script in the fleet's directory. */
    Path script(String name, String body) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    /** The ssh_config naming {@code key}'s identity, so that the jump's own ssh uses it too. */
    Path config(String key) throws IOException {
        Path file = dir.resolve("ssh_config-" + key);
        Files.writeString(
                file, Files.readString(config) + "  IdentityFile " + dir.resolve(key) + "\n  IdentitiesOnly yes\n");
        return file;
    }

    /** {@code ssh -F CONFIG-OF-KEY ARGS...} with standard input from /dev/null. */
    Result ssh(String key, String... args) throws Exception {
        return run(Duration.ofSeconds(60), null, sshArgv(key, args).toArray(String[]::new));
    }

    List<String> sshArgv(String key, String... args) throws IOException {
        List<String> argv = new ArrayList<>(List.of("ssh", "-F", config(key).toString()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** Runs a program to its end (at most {@code timeout}); standard input from {@code stdin} or /dev/null. */
    Result run(Duration timeout, Path stdin, String... argv) throws Exception {
        return run(dir, timeout, stdin, argv);
    }

    /** As {@link #run(Duration, Path, String...)}, keeping its output files in {@code dir}. */
    static Result run(Path dir, Duration timeout, Path stdin, String... argv) throws Exception {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(argv)
                .redirectInput(ProcessBuilder.Redirect.from(stdin == null ? new File("/dev/null") : stdin.toFile()))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", argv) + " timed out: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err));
    }

    /**
     * A program run with its standard input a pipe the test keeps open (an interactive {@code ssh
     * -tt}); standard output and error are collected as they come.
     */
    static final class Interactive implements AutoCloseable {
        final Process process;
        private final StringBuffer output = new StringBuffer();
        private final Thread reader;
        private final Path err;

        Interactive(List<String> argv, Path err) throws IOException {
            this.err = err;
            process = new ProcessBuilder(argv)
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            InputStream in = process.getInputStream();
            reader = Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[4096];
                try {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    // the process ended
                }
            });
        }

        /** Types {@code text} (it stays open for more). */
        void type(String text) throws IOException {
            OutputStream stdin = process.getOutputStream();
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }

        String output() {
            return output.toString();
        }

        String stderr() throws IOException {
            return Files.readString(err);
        }

        /** Waits until the output holds {@code text}. */
        void awaitOutput(String text) throws Exception {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!output().contains(text)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no \"" + text + "\" in: " + output() + "\nstderr: " + stderr());
                }
                Thread.sleep(50);
            }
        }

        /** Waits for the process to end and its output to be read; false if it is still running. */
        boolean awaitEnd(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            reader.join(Duration.ofSeconds(5));
            return true;
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    Interactive interactive(String key, String... args) throws IOException {
        return new Interactive(sshArgv(key, args), Files.createTempFile(dir, "err", ".txt"));
    }

    /** The newest events of one type. */
    List<JsonNode> events(String type) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        api.get("/api/v1/events?limit=500&type=" + type).body().get("items").forEach(found::add);
        return found;
    }

    /** Waits until an event of {@code type} whose JSON holds {@code text} exists; returns it. */
    JsonNode awaitEvent(String type, String text) throws Exception {
        JsonNode[] found = new JsonNode[1];
        await(type + " event with " + text, () -> {
            try {
                found[0] = events(type).stream()
                        .filter(e -> e.toString().contains(text))
                        .findFirst()
                        .orElse(null);
                return found[0] != null;
            } catch (Exception e) {
                return false;
            }
        });
        return found[0];
    }

    /** The sessions the API lists for a client, newest first. */
    List<JsonNode> sessions(String client) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        api.get("/api/v1/sessions?client=" + client).body().get("items").forEach(found::add);
        return found;
    }

    /** A MINA SSH client session to the bastion, signed in as {@code user} with {@code key}. */
    ClientSession mina(String user, KeyPair key) throws IOException {
        ClientSession session = connect(user);
        session.addPublicKeyIdentity(key);
        session.auth().verify(Duration.ofSeconds(10));
        return session;
    }

    /** A MINA SSH client session to the bastion, connected but not signed in. */
    ClientSession connect(String user) throws IOException {
        if (mina == null) {
            mina = SshClient.setUpDefaultClient();
            mina.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            mina.start();
        }
        return mina.connect(user, "127.0.0.1", server.sshPort())
                .verify(Duration.ofSeconds(10))
                .getSession();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        if (mina != null) {
            mina.stop();
        }
        for (Agent agent : agents.values()) {
            agent.close();
        }
        agents.clear();
        api.close();
        server.close();
    }
}
