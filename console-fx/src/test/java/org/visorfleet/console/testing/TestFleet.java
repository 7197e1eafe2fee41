package org.visorfleet.console.testing;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.grid.GridSettings;
import org.visorfleet.agent.grid.WorkRunner;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.console.api.FleetApi;
import org.visorfleet.console.api.KnownServers;
import org.visorfleet.console.api.LoginResult;
import org.visorfleet.console.api.Session;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/**
 * A real fleet for console tests, in one directory: a server on loopback (H2 on disk, SSH bastion on
 * a free port) and agents enrolled and running in this JVM. {@link #signIn} gives a console
 * {@link Session} as the admin, the server's certificate already trusted.
 */
public final class TestFleet implements AutoCloseable {

    public static final String PASSWORD = "correct horse battery";

    private final Path dir;
    private final FleetServer server;
    private final List<Agent> agents = new ArrayList<>();
    private final List<Thread> agentThreads = new ArrayList<>();

    private TestFleet(Path dir, FleetServer server) {
        this.dir = dir;
        this.server = server;
    }

    /** A server in {@code dir}/server with {@code agentNames} enrolled and online. */
    public static TestFleet start(Path dir, String... agentNames) throws Exception {
        return start(dir, NO_SEED, UnaryOperator.identity(), agentNames);
    }

    /** Rows written straight into a new server's database, in one transaction, before the server starts. */
    @FunctionalInterface
    public interface Seed {
        void into(Connection connection) throws SQLException;
    }

    private static final Seed NO_SEED = connection -> {};

    /**
     * A server in {@code dir}/server whose database {@code seed} filled first (e.g. a hundred thousand
     * client rows, far quicker than enrolling them), with {@code agentNames} enrolled and online.
     */
    public static TestFleet startSeeded(Path dir, Seed seed, String... agentNames) throws Exception {
        return start(dir, seed, UnaryOperator.identity(), agentNames);
    }

    /**
     * A server in {@code dir}/server with {@code agentNames} enrolled and online; {@code options} adds
     * to the loopback defaults (e.g. {@code withBoot} for an AoE link).
     */
    public static TestFleet startWith(Path dir, UnaryOperator<FleetServer.Options> options, String... agentNames)
            throws Exception {
        return start(dir, NO_SEED, options, agentNames);
    }

    private static TestFleet start(
            Path dir, Seed seed, UnaryOperator<FleetServer.Options> options, String... agentNames) throws Exception {
        Path data = dir.resolve("server");
        ServerInit.initialize(data, PASSWORD, List.of("localhost", "127.0.0.1"), null);
        if (seed != NO_SEED) {
            try (Database database = Database.open(Database.h2Url(data), 2)) {
                database.transaction(connection -> {
                    seed.into(connection);
                    return null;
                });
            }
        }
        FleetServer server = FleetServer.start(options.apply(FleetServer.Options.of(data)
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withWarmup(Duration.ZERO)));
        TestFleet fleet = new TestFleet(dir, server);
        for (String name : agentNames) {
            fleet.addAgent(name);
        }
        return fleet;
    }

    /** Enrolls an agent named {@code name} and runs it until {@link #close}. */
    public Agent addAgent(String name) throws Exception {
        return addAgent(name, null);
    }

    /**
     * As {@link #addAgent(String)}, with {@code remoteJson} (null: none, the defaults) written to the
     * agent's {@code DATA/remote.json} before it starts: how its SSH server and remote actions behave.
     */
    public Agent addAgent(String name, String remoteJson) throws Exception {
        return addAgent(name, remoteJson, null);
    }

    /**
     * Enrolls an agent named {@code name} that is idle for the grid at once (no wait for quiet, any CPU
     * load), so it runs grid work as soon as the server hands it out.
     */
    public Agent addGridAgent(String name) throws Exception {
        return addAgent(
                name, null, GridSettings.DEFAULTS.withIdleAfterSeconds(0).withMaxLoad(1));
    }

    private Agent addAgent(String name, String remoteJson, GridSettings grid) throws Exception {
        Path agentDir = dir.resolve("agent-" + name);
        try (ApiClient api = admin()) {
            AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), agentDir, name);
        }
        AgentData data = new AgentData(agentDir);
        if (remoteJson != null) {
            Files.writeString(data.remoteSettings(), remoteJson);
        }
        Agent agent = grid == null
                ? Agent.open(data, List.of(), ServerLink.Timing.defaults(), LinkListener.NONE)
                : Agent.open(
                        data, List.of(), ServerLink.Timing.defaults(), LinkListener.NONE, grid, WorkRunner.SANDBOX);
        agents.add(agent);
        agentThreads.add(Thread.ofVirtual().name("agent-" + name).start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        return agent;
    }

    /** The running server. */
    public FleetServer server() {
        return server;
    }

    /** {@code https://localhost:PORT}. */
    public String url() {
        return server.url();
    }

    /** {@code host:port} of the server, as {@link KnownServers} keys it. */
    public String address() {
        URI uri = URI.create(server.url());
        return uri.getHost() + ":" + uri.getPort();
    }

    /** The server's data directory. */
    public Path data() {
        return dir.resolve("server");
    }

    /** A test API client signed in as admin (verifies the server against the fleet CA). */
    public ApiClient admin() throws Exception {
        return new ApiClient(URI.create(server.url()), data().resolve("ca.pem")).login("admin", PASSWORD);
    }

    /** SHA-256 of the fleet CA certificate, as the console pins it. */
    public String caSha256() throws Exception {
        try (InputStream in = Files.newInputStream(data().resolve("ca.pem"))) {
            X509Certificate leaf = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificates(in)
                    .iterator()
                    .next();
            return Fingerprints.sha256(leaf);
        }
    }

    /** Known servers in {@code home} with this server trusted. */
    public KnownServers trustedIn(Path home) throws Exception {
        KnownServers known = new KnownServers(home.resolve("known_servers.json"));
        known.remember(address(), caSha256());
        return known;
    }

    /** A console session as {@code admin}, the server trusted in {@code home}. */
    public Session signIn(Path home) throws Exception {
        LoginResult result = FleetApi.forServer(url(), trustedIn(home)).login("admin", PASSWORD);
        if (result instanceof LoginResult.LoggedIn(Session session)) {
            return session;
        }
        throw new IllegalStateException("cannot sign in: " + result);
    }

    @Override
    public void close() throws Exception {
        for (Agent agent : agents) {
            agent.close();
        }
        for (Thread thread : agentThreads) {
            thread.join(5_000);
        }
        server.close();
    }
}
