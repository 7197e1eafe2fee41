package org.visorfleet.server;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.sshd.server.session.ServerSession;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.FleetCa;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.PkiException;
import org.visorfleet.common.pki.TlsStores;
import org.visorfleet.common.wire.EnrollmentToken;
import org.visorfleet.common.wire.WireJson;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.agents.AgentPathWarmup;
import org.visorfleet.server.agents.AgentUpgrade;
import org.visorfleet.server.api.AgentGridRoutes;
import org.visorfleet.server.api.AgentSshRoutes;
import org.visorfleet.server.api.ApiHandler;
import org.visorfleet.server.api.ApiJson;
import org.visorfleet.server.api.BootRoutes;
import org.visorfleet.server.api.CaRoutes;
import org.visorfleet.server.api.CommandRoutes;
import org.visorfleet.server.api.EventRoutes;
import org.visorfleet.server.api.FleetRoutes;
import org.visorfleet.server.api.GridRoutes;
import org.visorfleet.server.api.Route;
import org.visorfleet.server.api.SessionRoutes;
import org.visorfleet.server.api.SshKeyRoutes;
import org.visorfleet.server.api.SshRoutes;
import org.visorfleet.server.api.UserRoutes;
import org.visorfleet.server.auth.ApiTokens;
import org.visorfleet.server.auth.LoginThrottle;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.auth.Users;
import org.visorfleet.server.boot.AoeService;
import org.visorfleet.server.boot.BootClients;
import org.visorfleet.server.boot.BootExports;
import org.visorfleet.server.boot.BootHttp;
import org.visorfleet.server.boot.BootScripts;
import org.visorfleet.server.boot.ImageLibrary;
import org.visorfleet.server.cluster.Peers;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.ConsoleUpgrade;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.events.EventStream;
import org.visorfleet.server.fleet.Clients;
import org.visorfleet.server.fleet.Commands;
import org.visorfleet.server.fleet.Enroller;
import org.visorfleet.server.fleet.EnrollmentTokens;
import org.visorfleet.server.fleet.Groups;
import org.visorfleet.server.grid.CancelNotices;
import org.visorfleet.server.grid.GridAgents;
import org.visorfleet.server.grid.GridBlobs;
import org.visorfleet.server.grid.GridDeadlines;
import org.visorfleet.server.grid.GridJobs;
import org.visorfleet.server.grid.GridLoop;
import org.visorfleet.server.grid.GridResults;
import org.visorfleet.server.grid.GridScheduler;
import org.visorfleet.server.grid.ReplicaIssuer;
import org.visorfleet.server.grid.UnitJudge;
import org.visorfleet.server.http.HttpsConnector;
import org.visorfleet.server.init.DataDirectory;
import org.visorfleet.server.init.FleetCaStore;
import org.visorfleet.server.init.ServerSettings;
import org.visorfleet.server.shell.FleetShellFactory;
import org.visorfleet.server.shell.ServerFleetBackend;
import org.visorfleet.server.ssh.BastionSessions;
import org.visorfleet.server.ssh.HostKey;
import org.visorfleet.server.ssh.RemoteSessions;
import org.visorfleet.server.ssh.SshBastion;
import org.visorfleet.server.ssh.SshKeys;

/**
 * The management server: wires the database, the fleet services, the HTTPS API and the agent hub,
 * and runs housekeeping (failure detection, write-behind, liveness, revocations) twice a second.
 */
public final class FleetServer implements AutoCloseable {

    /**
     * How to run.
     *
     * @param httpsPort overrides the settings' port when not null (0 picks a free port)
     * @param jdbcUrl overrides the settings' database when not null
     * @param timing overrides the settings' heartbeat timing when not null
     * @param bootHttpPort plain-HTTP port for boot scripts (0 picks a free port), or null for none
     * @param aoeLinks where the AoE target serves the exports
     */
    public record Options(
            java.nio.file.Path dataDir,
            String bindHost,
            Integer httpsPort,
            String jdbcUrl,
            AgentHub.Timing timing,
            Duration warmup,
            Integer bootHttpPort,
            AoeService.Links aoeLinks,
            Integer sshPort,
            Boolean sshPasswords) {

        public static Options of(java.nio.file.Path dataDir) {
            return new Options(
                    dataDir, "0.0.0.0", null, null, null, DEFAULT_WARMUP, null, AoeService.Links.none(), null, null);
        }

        /**
         * The SSH bastion's port (0 picks a free one, -1 runs none; null: from server.json) and whether
         * technicians may use passwords there (null: from server.json).
         */
        public Options withSsh(Integer port, Boolean passwords) {
            return new Options(
                    dataDir, bindHost, httpsPort, jdbcUrl, timing, warmup, bootHttpPort, aoeLinks, port, passwords);
        }

        public Options withPort(int port) {
            return new Options(
                    dataDir, bindHost, port, jdbcUrl, timing, warmup, bootHttpPort, aoeLinks, sshPort, sshPasswords);
        }

        public Options withJdbcUrl(String url) {
            return new Options(
                    dataDir, bindHost, httpsPort, url, timing, warmup, bootHttpPort, aoeLinks, sshPort, sshPasswords);
        }

        public Options withTiming(AgentHub.Timing t) {
            return new Options(
                    dataDir, bindHost, httpsPort, jdbcUrl, t, warmup, bootHttpPort, aoeLinks, sshPort, sshPasswords);
        }

        public Options withBindHost(String host) {
            return new Options(
                    dataDir, host, httpsPort, jdbcUrl, timing, warmup, bootHttpPort, aoeLinks, sshPort, sshPasswords);
        }

        /** How long to rehearse the agent path after starting (zero: not at all). */
        public Options withWarmup(Duration rehearsal) {
            return new Options(
                    dataDir,
                    bindHost,
                    httpsPort,
                    jdbcUrl,
                    timing,
                    rehearsal,
                    bootHttpPort,
                    aoeLinks,
                    sshPort,
                    sshPasswords);
        }

        /** Serves boot scripts on {@code port} and AoE exports on {@code links}. */
        public Options withBoot(Integer port, AoeService.Links links) {
            return new Options(
                    dataDir, bindHost, httpsPort, jdbcUrl, timing, warmup, port, links, sshPort, sshPasswords);
        }
    }

    private static final System.Logger LOG = System.getLogger(FleetServer.class.getName());
    private static final Duration SERVER_DEAD_AFTER = Duration.ofSeconds(5);
    private static final Duration DEFAULT_WARMUP = Duration.ofMillis(1500);
    private static final Duration BOOT_SYNC = Duration.ofSeconds(5);
    private static final Duration SNIPPET_TIME_LIMIT = Duration.ofSeconds(30);

    private final Database database;
    private final Server jetty;
    private final ServerConnector connector;
    private final AgentHub hub;
    private final Peers peers;
    private final EventLog events;
    private final EventStream stream;
    private final ScheduledExecutorService housekeeping;
    private final ServerSettings settings;
    private final Boot boot;
    private final GridLoop grid;
    private final SshBastion bastion;
    private volatile long revocationsCheckedAt;

    /** The boot service's running parts. */
    private record Boot(AoeService aoe, BootHttp http, BootExports exports, BootClients machines) {}

    private FleetServer(
            Database database,
            Server jetty,
            ServerConnector connector,
            AgentHub hub,
            Peers peers,
            EventLog events,
            EventStream stream,
            ServerSettings settings,
            Boot boot,
            GridLoop grid,
            SshBastion bastion) {
        this.database = database;
        this.jetty = jetty;
        this.connector = connector;
        this.hub = hub;
        this.peers = peers;
        this.events = events;
        this.stream = stream;
        this.settings = settings;
        this.boot = boot;
        this.grid = grid;
        this.bastion = bastion;
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("fleet-housekeeping").daemon(true).factory());
    }

    public static FleetServer start(Options options) throws Exception {
        DataDirectory data = new DataDirectory(options.dataDir());
        ServerSettings settings = ServerSettings.load(data.settings());
        String jdbcUrl = options.jdbcUrl() != null
                ? options.jdbcUrl()
                : settings.jdbcUrl() != null ? settings.jdbcUrl() : Database.h2Url(data.root());
        int port = options.httpsPort() != null ? options.httpsPort() : settings.httpsPort();
        AgentHub.Timing timing = options.timing() != null
                ? options.timing()
                : new AgentHub.Timing(
                        Duration.ofSeconds(settings.heartbeatSeconds()),
                        Duration.ofSeconds(settings.unreachableAfterSeconds()),
                        Duration.ofSeconds(10));
        Clock clock = Clock.systemUTC();
        Database database = Database.open(jdbcUrl, 16);
        AoeService aoe = null;
        BootHttp bootHttp = null;
        SshBastion bastion = null;
        try {
            FleetCa ca = FleetCaStore.load(database)
                    .orElseThrow(() -> new IOException("the database holds no fleet CA; run `visorfleet server init`"));
            X509Certificate[] chain = readChain(data);
            PrivateKey key = Pem.readPrivateKey(data.serverKey());

            QueuedThreadPool threads = new QueuedThreadPool(200, 8);
            threads.setName("fleet-http");
            threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
            Server jetty = new Server(threads);
            ServerConnector connector = HttpsConnector.create(
                    jetty,
                    options.bindHost(),
                    port,
                    TlsStores.keyStore(key, chain),
                    TlsStores.trustStore(ca.certificate()));
            jetty.addConnector(connector);
            jetty.setStopTimeout(2_000);

            String serverId = settings.serverId();
            EventLog events = new EventLog(database, serverId, clock);
            Clients clients = new Clients(database, clock, ApiJson.MAPPER);
            Groups groups = new Groups(database, clock);
            EnrollmentTokens tokens =
                    new EnrollmentTokens(database, clock, EnrollmentToken.pinOf(Fingerprints.sha256(ca.certificate())));
            Users users = new Users(database, clock);
            ApiTokens apiTokens = new ApiTokens(database, clock, Duration.ofHours(settings.tokenLifetimeHours()));
            Commands commands = new Commands(database, clock, ApiJson.MAPPER);
            SshKeys sshKeys = new SshKeys(database, clock);
            AgentHub hub = new AgentHub(database, clients, commands, events, ApiJson.MAPPER, clock, serverId, timing);
            EventStream stream = new EventStream(events);
            ImageLibrary images = ImageLibrary.open(database, data.root().resolve("images"), clock);
            BootExports exports = new BootExports(database, clock);
            BootClients machines = new BootClients(database, exports, events, clock);
            aoe = AoeService.start(options.aoeLinks(), images, data.root().resolve("overlays"), clock);
            GridBlobs blobs =
                    GridBlobs.open(database, data.root().resolve("grid").resolve("blobs"), clock);
            GridAgents gridAgents = new GridAgents(database, events, clock);
            UnitJudge judge = new UnitJudge(gridAgents, events, clock);
            GridLoop grid = new GridLoop(
                    new GridDeadlines(database, judge, clock),
                    new CancelNotices(database, hub),
                    new GridScheduler(hub, gridAgents, new ReplicaIssuer(database, ApiJson.MAPPER, clock)),
                    blobs,
                    clock);
            hub.onGridStatus(grid::kick);
            aoe.sync(exports.list());

            ServerWebSocketContainer websockets = ServerWebSocketContainer.ensure(jetty);
            websockets.setMaxTextMessageSize(WireJson.MAX_MESSAGE_BYTES);
            websockets.setIdleTimeout(Duration.ofMinutes(5));

            AgentPathWarmup warmup = new AgentPathWarmup(websockets, ca, serverId);

            // The URL is known once the connector is bound; Peers learns it after start.
            String[] url = new String[1];
            Peers[] peers = new Peers[1];
            List<Route> routes = new ArrayList<>();
            routes.addAll(new UserRoutes(database, users, apiTokens, events, new LoginThrottle(clock)).routes());
            routes.addAll(new FleetRoutes(
                            database,
                            groups,
                            tokens,
                            clients,
                            new Enroller(database, ca, tokens, clients, events),
                            events,
                            hub,
                            () -> {
                                try {
                                    return peers[0].liveUrls();
                                } catch (SQLException e) {
                                    return List.of(url[0]);
                                }
                            })
                    .routes());
            routes.addAll(new SshKeyRoutes(database, users, sshKeys, events).routes());
            RemoteSessions remoteSessions = new RemoteSessions(database, clock);
            routes.addAll(new AgentSshRoutes(database, sshKeys, remoteSessions, events).routes());
            routes.addAll(new SessionRoutes(database, remoteSessions).routes());
            routes.addAll(new SshRoutes(hub::ssh, clients).routes());
            routes.addAll(new EventRoutes(events).routes());
            routes.addAll(new CaRoutes(ca, clients).routes());
            routes.addAll(new CommandRoutes(database, clients, commands, events).routes());
            routes.addAll(new BootRoutes(database, images, exports, machines, groups, aoe, events).routes());
            routes.addAll(new GridRoutes(
                            blobs,
                            new GridJobs(database, events, ApiJson.MAPPER, clock),
                            gridAgents,
                            hub,
                            grid::kick,
                            grid::collectSoon)
                    .routes());
            routes.addAll(new AgentGridRoutes(
                            database,
                            blobs,
                            new GridResults(database, blobs, gridAgents, judge, events, ApiJson.MAPPER, clock))
                    .routes());
            jetty.setHandler(new ApiHandler(
                    routes,
                    Map.of(
                            AgentUpgrade.PATH, new AgentUpgrade(websockets, hub),
                            ConsoleUpgrade.PATH, new ConsoleUpgrade(websockets, apiTokens, stream),
                            AgentPathWarmup.PATH, warmup),
                    apiTokens,
                    hub::authenticate,
                    events));
            if (options.bootHttpPort() != null) {
                bootHttp =
                        BootHttp.start(options.bindHost(), options.bootHttpPort(), new BootScripts(machines), events);
            }
            jetty.start();
            int sshPort = options.sshPort() != null ? options.sshPort() : settings.sshPort();
            if (sshPort >= 0) {
                boolean passwords = options.sshPasswords() != null ? options.sshPasswords() : settings.sshPasswords();
                bastion = SshBastion.start(
                        new SshBastion.Settings(options.bindHost(), sshPort, passwords),
                        HostKey.loadOrCreate(data.root().resolve("ssh")),
                        database,
                        clients,
                        users,
                        sshKeys,
                        events,
                        serverId,
                        clock,
                        fleetShell(database, events, clock));
                hub.advertiseSsh(new AgentHub.SshEndpoint(
                        bastion.port(), bastion.hostKey().openSsh()));
            }
            if (!options.warmup().isZero()) {
                String self = options.bindHost().equals("0.0.0.0")
                        ? "127.0.0.1"
                        : options.bindHost().equals("::") ? "::1" : options.bindHost();
                warmup.run(
                        settings.urlHost(),
                        new java.net.InetSocketAddress(self, connector.getLocalPort()),
                        options.warmup(),
                        database,
                        clients);
            }
            url[0] = "https://" + settings.urlHost() + ":" + connector.getLocalPort();
            peers[0] = new Peers(database, clock, serverId, url[0], SERVER_DEAD_AFTER);
            peers[0].stamp();
            FleetServer server = new FleetServer(
                    database,
                    jetty,
                    connector,
                    hub,
                    peers[0],
                    events,
                    stream,
                    settings,
                    new Boot(aoe, bootHttp, exports, machines),
                    grid,
                    bastion);
            events.append("server.started", "server:" + serverId, null, url[0]);
            server.startHousekeeping(clock);
            return server;
        } catch (Exception e) {
            if (bastion != null) {
                bastion.close();
            }
            if (bootHttp != null) {
                bootHttp.close();
            }
            if (aoe != null) {
                aoe.close();
            }
            database.close();
            throw e;
        }
    }

    private void startHousekeeping(Clock clock) {
        revocationsCheckedAt = clock.millis();
        housekeeping.scheduleWithFixedDelay(() -> tick(clock), 0, 250, TimeUnit.MILLISECONDS);
    }

    private long lastStamp;
    private long lastBootSync;

    private void tick(Clock clock) {
        try {
            long now = clock.millis();
            stream.poll(now);
            hub.detectFailures();
            hub.deliverCommands();
            if (now - lastBootSync >= BOOT_SYNC.toMillis()) {
                lastBootSync = now;
                boot.aoe().sync(boot.exports().list()); // changes made through other servers
                boot.machines().addActivity(boot.aoe().drainActivity());
            }
            if (now - lastStamp >= 1000) {
                lastStamp = now;
                peers.stamp();
                hub.adoptOrphans(peers.dead());
                long since = revocationsCheckedAt - 2_000; // overlap: a commit may land late
                revocationsCheckedAt = now;
                hub.enforceRevocations(since);
            }
            hub.flushIfDue();
            grid.kick(); // deadlines, cancel notices and scheduling, on the grid's own thread
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "housekeeping: {0}", e.toString());
        }
    }

    public int httpsPort() {
        return connector.getLocalPort();
    }

    public String url() {
        return "https://" + settings.urlHost() + ":" + httpsPort();
    }

    public String serverId() {
        return settings.serverId();
    }

    /** The boot script port, or -1 if boot scripts are not served. */
    public int bootHttpPort() {
        return boot.http() == null ? -1 : boot.http().port();
    }

    /** The links the AoE target serves, e.g. {@code [raw:eth1]}. */
    public List<String> aoeLinks() {
        return boot.aoe().describeLinks();
    }

    /** The SSH bastion's port, or -1 when this server runs none. */
    public int sshPort() {
        return bastion == null ? -1 : bastion.port();
    }

    /** The SSH bastion, or null when this server runs none. */
    public SshBastion bastion() {
        return bastion;
    }

    /** The fleet shell for technicians on the bastion, or null on a Java runtime without JShell. */
    private static SshBastion.Shell fleetShell(Database database, EventLog events, Clock clock) {
        try {
            FleetShellFactory shell = new FleetShellFactory(
                    new ServerFleetBackend(database, events, clock),
                    events,
                    SNIPPET_TIME_LIMIT,
                    session -> BastionSessions.technician(session).orElse(null));
            return new SshBastion.Shell(shell, shell);
        } catch (IllegalStateException e) {
            LOG.log(System.Logger.Level.WARNING, "ssh: no fleet shell: {0}", e.getMessage());
            return null;
        }
    }

    /**
     * The fleet shell over this server's fleet, for the SSH bastion's shell and exec channels;
     * {@code principalOf} names the technician a bastion session signed in as.
     */
    public FleetShellFactory fleetShell(Duration snippetTimeLimit, Function<ServerSession, Principal> principalOf) {
        return new FleetShellFactory(
                new ServerFleetBackend(database, events, Clock.systemUTC()), events, snippetTimeLimit, principalOf);
    }

    public int connectedAgents() {
        return hub.connected();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    /** Stops accepting, closes agent sockets (agents fail over), flushes heartbeats, closes the database. */
    @Override
    public void close() {
        housekeeping.shutdownNow();
        grid.close();
        if (bastion != null) {
            bastion.close();
        }
        hub.stop();
        if (boot.http() != null) {
            boot.http().close();
        }
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping HTTPS: {0}", e.toString());
        }
        try {
            boot.machines().addActivity(boot.aoe().drainActivity());
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "saving boot activity: {0}", e.toString());
        }
        boot.aoe().close();
        events.appendQuietly("server.stopped", "server:" + settings.serverId(), null, "");
        database.close();
    }

    private static X509Certificate[] readChain(DataDirectory data) throws IOException {
        try {
            return Pem.readCertificates(data.serverCertificate()).toArray(X509Certificate[]::new);
        } catch (PkiException e) {
            throw new IOException(data.serverCertificate() + ": " + e.getMessage(), e);
        }
    }
}
