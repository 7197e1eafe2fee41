package org.visorfleet.agent;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.visorfleet.agent.grid.GridSettings;
import org.visorfleet.agent.grid.GridWorker;
import org.visorfleet.agent.grid.WorkRunner;
import org.visorfleet.agent.inventory.InventoryCollector;
import org.visorfleet.agent.link.FleetTls;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.agent.outbox.EventOutbox;
import org.visorfleet.agent.remote.AgentSshServer;
import org.visorfleet.agent.remote.RemoteActions;
import org.visorfleet.agent.remote.RemoteSettings;
import org.visorfleet.agent.remote.RemoteShell;

/**
 * {@code agent run}: the desktop agent. Connects to its servers (failover in list order), reports
 * inventory with every heartbeat and its own events (started, server lost, failed over) through the
 * durable outbox, carries out remote commands and runs grid work when the desktop is idle.
 */
public final class Agent implements AutoCloseable {

    public static final String VERSION = "0.1.0";
    private static final System.Logger LOG = System.getLogger(Agent.class.getName());

    private final AgentData data;
    private final WebSocketClient client;
    private final EventOutbox outbox;
    private final ServerLink link;
    private final String name;
    private final GridWorker grid;
    private final RemoteActions actions;
    private final RemoteShell remote;
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

    private Agent(
            AgentData data,
            WebSocketClient client,
            EventOutbox outbox,
            ServerLink link,
            String name,
            GridWorker grid,
            RemoteActions actions,
            RemoteShell remote) {
        this.actions = actions;
        this.data = data;
        this.client = client;
        this.outbox = outbox;
        this.link = link;
        this.name = name;
        this.grid = grid;
        this.remote = remote;
    }

    /**
     * Opens an enrolled data directory.
     *
     * @param servers server URLs overriding the enrolled list, or empty
     * @param timing link timing
     * @param listener told about online/offline transitions (besides the agent's own events)
     */
    public static Agent open(AgentData data, List<URI> servers, ServerLink.Timing timing, LinkListener listener)
            throws Exception {
        return open(data, servers, timing, listener, GridSettings.load(data.gridSettings()), WorkRunner.SANDBOX);
    }

    /** Like the full {@link #open}, with the remote settings of {@code DATA/remote.json}. */
    public static Agent open(
            AgentData data,
            List<URI> servers,
            ServerLink.Timing timing,
            LinkListener listener,
            GridSettings gridSettings,
            WorkRunner runner)
            throws Exception {
        return open(data, servers, timing, listener, gridSettings, RemoteSettings.load(data.remoteSettings()), runner);
    }

    /**
     * Opens an enrolled data directory with explicit grid settings (normally {@code DATA/grid.json}
     * with {@code agent run}'s overrides), remote settings (normally {@code DATA/remote.json}) and
     * work runner (normally the sandbox).
     */
    public static Agent open(
            AgentData data,
            List<URI> servers,
            ServerLink.Timing timing,
            LinkListener listener,
            GridSettings gridSettings,
            RemoteSettings remoteSettings,
            WorkRunner runner)
            throws Exception {
        AgentData.Settings settings = data.settings();
        AgentData.Identity identity = data.identity();
        List<URI> urls =
                servers.isEmpty() ? settings.servers().stream().map(URI::create).toList() : servers;
        EventOutbox outbox = EventOutbox.open(data.outbox());
        WebSocketClient client = FleetTls.webSocketClient(identity, timing.connectTimeout());
        InventoryCollector inventory = new InventoryCollector(data.root(), VERSION);
        AtomicReference<ServerLink> self = new AtomicReference<>();
        LinkListener events = new LinkListener() {
            private String lastServer;
            private String lostReason;

            @Override
            public void online(String serverUrl, String serverId) {
                LOG.log(System.Logger.Level.DEBUG, "online on {0} ({1})", serverUrl, serverId);
                if (lastServer != null && !lastServer.equals(serverUrl)) {
                    report(
                            self.get(),
                            "agent.failover",
                            "from " + lastServer + " to " + serverUrl + " after " + lostReason);
                }
                lastServer = serverUrl;
                listener.online(serverUrl, serverId);
            }

            @Override
            public void offline(String serverUrl, String reason) {
                LOG.log(System.Logger.Level.DEBUG, "lost {0}: {1}", serverUrl, reason);
                lostReason = reason;
                listener.offline(serverUrl, reason);
            }
        };
        ServerLink link = new ServerLink(client, urls, outbox, inventory::collect, VERSION, timing, events);
        self.set(link);
        GridWorker grid = new GridWorker(
                gridSettings,
                GridWorker.desktopSignals(inventory, gridSettings),
                runner,
                data.root(),
                identity.key(),
                client.getHttpClient(),
                link::currentServer,
                link::wake);
        link.attachGrid(grid);
        RemoteActions actions = new RemoteActions(remoteSettings, link::commandFinished);
        link.attachRemote(actions);
        RemoteShell remote = remoteSettings.ssh()
                ? RemoteShell.start(
                        identity,
                        client.getHttpClient(),
                        link,
                        new AgentSshServer.Options(
                                remoteSettings.shell(),
                                remoteSettings.consentCommand(),
                                java.time.Duration.ofSeconds(remoteSettings.consentTimeoutSeconds()),
                                data.root().resolve("remote").resolve("recordings")))
                : null;
        link.report(
                "agent.started",
                "agent " + VERSION + " on " + inventory.collect().hostname());
        return new Agent(data, client, outbox, link, settings.name(), grid, actions, remote);
    }

    private static void report(ServerLink link, String name, String detail) {
        try {
            link.report(name, detail);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "event {0} not queued: {1}", name, e.getMessage());
        }
    }

    public String name() {
        return name;
    }

    public java.nio.file.Path dataDirectory() {
        return data.root();
    }

    public ServerLink link() {
        return link;
    }

    public GridWorker grid() {
        return grid;
    }

    /** Remote control over SSH (the desktop's SSH server and its tunnel), or null when turned off. */
    public RemoteShell remote() {
        return remote;
    }

    /** Runs the link until {@link #close} (from another thread) or interruption. */
    public void run() throws InterruptedException {
        try {
            link.run();
        } finally {
            stopped.countDown();
        }
    }

    /** Stops the link (closing the socket normally, so the server records the client offline). */
    @Override
    public void close() throws Exception {
        if (remote != null) {
            remote.close();
        }
        grid.close();
        actions.close();
        link.stop();
        stopped.await(3, java.util.concurrent.TimeUnit.SECONDS);
        try {
            client.stop();
        } finally {
            outbox.close();
        }
    }

    @Override
    public String toString() {
        return "agent " + name + " in " + data.root();
    }
}
