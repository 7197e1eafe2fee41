package org.visorfleet.server.agents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.api.AgentPrincipal;
import org.visorfleet.server.boot.BootClients;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.fleet.ClientStatus;
import org.visorfleet.server.fleet.Clients;
import org.visorfleet.server.fleet.Commands;
import org.visorfleet.server.fleet.LiveConnections;

/**
 * The agents connected to this server: admission by certificate, online/offline transitions,
 * failure detection and write-behind of heartbeats.
 *
 * <p>Failure detection is a timeout detector: a client that has sent nothing for {@code
 * unreachableAfter} (default three heartbeat intervals) is marked unreachable and its socket
 * closed; a clean close by the agent marks it offline; any other close marks it unreachable. Every
 * status write is conditional on the connection id, so a client that already reconnected to another
 * server is never marked down by the server it left.
 */
public final class AgentHub implements LiveConnections {

    /** Timing of heartbeats and failure detection. */
    public record Timing(Duration heartbeat, Duration unreachableAfter, Duration flushEvery) {
        public Timing {
            if (unreachableAfter.compareTo(heartbeat) <= 0) {
                throw new IllegalArgumentException("unreachableAfter must exceed the heartbeat interval");
            }
        }

        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(5), Duration.ofSeconds(16), Duration.ofSeconds(10));
        }
    }

    private static final System.Logger LOG = System.getLogger(AgentHub.class.getName());
    private static final java.util.regex.Pattern EVENT_NAME =
            java.util.regex.Pattern.compile("agent\\.[a-z0-9.-]{1,57}");

    private final Database database;
    private final Clients clients;
    private final Commands commands;
    private final EventLog events;
    private final ObjectMapper json;
    private final Clock clock;
    private final String serverId;
    private final Timing timing;
    private final ConcurrentHashMap<Long, AgentConnection> live = new ConcurrentHashMap<>();
    private final HelloCommitter helloCommitter;
    private volatile boolean stopping;
    private volatile SshEndpoint ssh = SshEndpoint.NONE;
    private long lastFlush;

    public AgentHub(
            Database database,
            Clients clients,
            Commands commands,
            EventLog events,
            ObjectMapper json,
            Clock clock,
            String serverId,
            Timing timing) {
        this.database = database;
        this.clients = clients;
        this.commands = commands;
        this.events = events;
        this.json = json;
        this.clock = clock;
        this.serverId = serverId;
        this.timing = timing;
        this.helloCommitter = new HelloCommitter(database);
    }

    long now() {
        return clock.millis();
    }

    public int connected() {
        return live.size();
    }

    /**
     * Admits an agent whose certificate chain the TLS layer already verified against the fleet CA.
     * Unknown and revoked certificates are refused (and recorded).
     */
    public AgentConnection admit(X509Certificate[] chain, String remote) throws SQLException {
        return new AgentConnection(this, identify(chain, remote), Clients.publicKeyOf(chain[0]), remote, now());
    }

    /**
     * The agent behind a TLS client certificate, for its HTTPS calls (grid blobs and results): the
     * same checks as {@link #admit}.
     */
    public AgentPrincipal authenticate(X509Certificate[] chain, String remote) throws SQLException {
        Clients.Identity identity = identify(chain, remote);
        return new AgentPrincipal(identity.id(), identity.name(), chain[0].getPublicKey());
    }

    private Clients.Identity identify(X509Certificate[] chain, String remote) throws SQLException {
        if (chain == null || chain.length == 0) {
            events.append("client.refused", "remote:" + remote, null, "no client certificate");
            throw Refusal.unauthorized("a client certificate is required").alreadyRecorded();
        }
        String serial = Clients.serialOf(chain[0]);
        Optional<Clients.Identity> identity = clients.byCertificateSerial(serial);
        if (identity.isEmpty()) {
            events.append("client.refused", "remote:" + remote, null, "unknown certificate serial " + serial);
            throw Refusal.forbidden("unknown client certificate").alreadyRecorded();
        }
        if (identity.get().revoked()) {
            events.append("client.refused", "remote:" + remote, identity.get().name(), "revoked certificate " + serial);
            throw Refusal.forbidden("client certificate revoked").alreadyRecorded();
        }
        return identity.get();
    }

    // ---- grid work

    /** A connected agent as the grid scheduler sees it; {@code status} is null until it sent one. */
    public record GridPeer(long clientId, String name, AgentMessage.GridStatus status) {}

    private volatile Runnable gridStatusListener = () -> {};

    /** Called (on the socket's thread; keep it short) whenever an agent reports a grid status. */
    public void onGridStatus(Runnable listener) {
        this.gridStatusListener = listener;
    }

    void gridStatusChanged() {
        gridStatusListener.run();
    }

    /** The agents connected here whose welcome was sent, with their latest grid status. */
    public List<GridPeer> gridPeers() {
        List<GridPeer> peers = new ArrayList<>();
        for (AgentConnection connection : live.values()) {
            if (connection.welcomed()) {
                peers.add(new GridPeer(connection.client.id(), connection.client.name(), connection.gridStatus()));
            }
        }
        return peers;
    }

    /** The latest grid status of a client connected here, if it is and sent one. */
    public Optional<AgentMessage.GridStatus> gridStatus(long clientId) {
        AgentConnection connection = live.get(clientId);
        return connection == null || !connection.welcomed()
                ? Optional.empty()
                : Optional.ofNullable(connection.gridStatus());
    }

    /** Sends a message to a client if it is connected (and welcomed) here; false if not. */
    public boolean sendTo(long clientId, ServerMessage message) {
        AgentConnection connection = live.get(clientId);
        if (connection == null || !connection.welcomed()) {
            return false;
        }
        connection.send(message);
        return true;
    }

    /**
     * Records the client online (in a group commit with other hellos) and completes with the welcome
     * to send, or empty when the client may not come online (revoked, deleted, database down: the
     * connection is then closed).
     */
    CompletableFuture<Optional<ServerMessage.Welcome>> hello(AgentConnection connection, AgentMessage.Hello hello) {
        Clients.Identity client = connection.client;
        String inventory;
        try {
            inventory = hello.inventory() == null ? null : json.writeValueAsString(hello.inventory());
        } catch (JsonProcessingException e) {
            inventory = null; // a record of strings and numbers always encodes
        }
        String inventoryJson = inventory;
        return helloCommitter
                .submit(client.id(), c -> {
                    Optional<ClientStatus> previous = clients.markOnline(
                            c, client.id(), serverId, connection.connectionId, inventoryJson, connection.publicKey);
                    if (previous.isEmpty()) {
                        return Optional.empty();
                    }
                    if (hello.inventory() != null && hello.inventory().macAddresses() != null) {
                        BootClients.tieToClient(
                                c, client.id(), hello.inventory().macAddresses());
                    }
                    events.append(
                            c,
                            previous.get() == ClientStatus.ONLINE ? "client.reconnected" : "client.online",
                            "client:" + client.name(),
                            client.name(),
                            "agent " + hello.agentVersion() + " from " + connection.remote + " on server " + serverId
                                    + " (was " + previous.get().wireName() + ")");
                    return Optional.of(clients.ackedEventSeq(c, client.id()));
                })
                .handle((acked, failure) -> {
                    if (failure != null) {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "{0}: hello not stored: {1}",
                                client.name(),
                                failure.toString());
                        connection.close(StatusCode.TRY_AGAIN_LATER, "server database unavailable");
                        return Optional.empty();
                    }
                    if (acked.isEmpty()) {
                        return Optional.empty();
                    }
                    AgentConnection replaced = live.put(client.id(), connection);
                    if (replaced != null && replaced != connection) {
                        replaced.close(StatusCode.POLICY_VIOLATION, "replaced by a newer connection");
                    }
                    return Optional.of(new ServerMessage.Welcome(
                            client.name(),
                            serverId,
                            timing.heartbeat().toMillis(),
                            acked.get(),
                            ssh.port(),
                            ssh.hostKey()));
                });
    }

    /** Where this server's SSH bastion listens and its host key, as told to agents in the welcome. */
    public record SshEndpoint(int port, String hostKey) {
        public static final SshEndpoint NONE = new SshEndpoint(0, null);
    }

    /** Where this server's SSH bastion listens, {@link SshEndpoint#NONE} if it has none. */
    public SshEndpoint ssh() {
        return ssh;
    }

    /** Tells agents that connect from now on where this server's SSH bastion is. */
    public void advertiseSsh(SshEndpoint endpoint) {
        ssh = endpoint;
    }

    /** Checks one event as it arrives; a malformed one ends the connection. */
    boolean acceptable(AgentConnection connection, AgentMessage.Event event) {
        if (event.seq() < 1
                || event.name() == null
                || !EVENT_NAME.matcher(event.name()).matches()) {
            LOG.log(System.Logger.Level.INFO, "{0}: event refused: {1}", connection.client.name(), event);
            connection.close(StatusCode.POLICY_VIOLATION, "event needs seq >= 1 and a name agent.[a-z0-9.-]+");
            return false;
        }
        return true;
    }

    /** Stores a batch of events in one transaction; the acknowledgement, or empty if not stored. */
    Optional<ServerMessage.EventAck> events(AgentConnection connection, List<AgentMessage.Event> batch) {
        List<AgentMessage.Event> clean = batch.stream()
                .map(e -> e.detail() != null ? e : new AgentMessage.Event(e.seq(), e.timeMillis(), e.name(), ""))
                .toList();
        try {
            long acked = events.appendAgentEvents(connection.client.id(), connection.client.name(), clean);
            return Optional.of(new ServerMessage.EventAck(acked));
        } catch (SQLException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0}: events not stored: {1}",
                    connection.client.name(),
                    e.getMessage());
            return Optional.empty(); // not acknowledged: the agent sends them again after reconnecting
        }
    }

    /**
     * Stores a command's result and records {@code command.done} or {@code command.failed} (e.g.
     * {@code "run on desk-01: exit 3"}); a result for an unknown or already answered command is
     * dropped (an agent resends results it could not confirm after a reconnect).
     */
    void commandResult(AgentConnection connection, AgentMessage.CommandResult result) {
        String name = connection.client.name();
        Optional<String> action;
        try {
            action = commands.finish(Long.parseLong(result.commandId()), connection.client.id(), result);
        } catch (NumberFormatException e) {
            action = Optional.empty();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: command result not stored: {1}", name, e.getMessage());
            return;
        }
        if (action.isEmpty()) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "{0}: result for unknown or answered command {1}",
                    name,
                    result.commandId());
            return;
        }
        String summary = result.output() == null
                ? ""
                : result.output().lines().findFirst().orElse("");
        events.appendQuietly(
                result.ok() ? "command.done" : "command.failed",
                "client:" + name,
                name,
                action.get() + " on " + name + ": " + (summary.length() > 200 ? summary.substring(0, 200) : summary)
                        + " (command " + result.commandId() + ")");
    }

    void closed(AgentConnection connection, int code, String reason) {
        if (!live.remove(connection.client.id(), connection) || stopping) {
            return;
        }
        ClientStatus status = code == StatusCode.NORMAL ? ClientStatus.OFFLINE : ClientStatus.UNREACHABLE;
        markDown(
                connection.client.id(),
                connection.client.name(),
                connection.connectionId,
                status,
                "connection closed (" + code + (reason == null || reason.isEmpty() ? "" : " " + reason) + ")");
    }

    @Override
    public void disconnect(String clientName, String reason) {
        for (AgentConnection connection : live.values()) {
            if (connection.client.name().equals(clientName)) {
                live.remove(connection.client.id(), connection);
                connection.close(StatusCode.POLICY_VIOLATION, reason);
            }
        }
    }

    /** Marks silent clients unreachable; called about twice a second. */
    public void detectFailures() {
        long now = now();
        for (AgentConnection connection : live.values()) {
            if (now - connection.lastSeen > timing.unreachableAfter().toMillis()) {
                if (live.remove(connection.client.id(), connection)) {
                    markDown(
                            connection.client.id(),
                            connection.client.name(),
                            connection.connectionId,
                            ClientStatus.UNREACHABLE,
                            "no heartbeat for " + (now - connection.lastSeen) + " ms");
                    connection.close(StatusCode.SHUTDOWN, "missed heartbeats");
                }
            }
        }
    }

    /** Writes last-seen times and changed inventories behind, when the flush interval has passed. */
    public void flushIfDue() {
        long now = now();
        if (now - lastFlush < timing.flushEvery().toMillis()) {
            return;
        }
        lastFlush = now;
        List<Clients.Seen> batch = new ArrayList<>();
        for (AgentConnection connection : live.values()) {
            if (!connection.welcomed()) {
                continue;
            }
            String inventory = null;
            try {
                inventory = connection.inventory == null ? null : json.writeValueAsString(connection.inventory);
            } catch (JsonProcessingException e) {
                // A record of strings and numbers always encodes; keep the stored one if not.
            }
            batch.add(
                    new Clients.Seen(connection.client.id(), connection.connectionId, connection.lastSeen, inventory));
        }
        try {
            clients.flushSeen(batch);
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "heartbeat flush failed: {0}", e.getMessage());
        }
    }

    /** Sends the commands waiting for clients connected here; called a few times a second. */
    public void deliverCommands() {
        try {
            for (Commands.Outgoing command : commands.claim(serverId)) {
                AgentConnection connection = live.get(command.clientId());
                if (connection == null || !connection.welcomed()) {
                    commands.unclaim(command.id());
                    continue;
                }
                connection.send(
                        new ServerMessage.Command(Long.toString(command.id()), command.action(), command.args()));
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "command delivery failed: {0}", e.getMessage());
        }
    }

    /** Marks clients down whose connection was on a server that stopped stamping its liveness row. */
    public void adoptOrphans(List<String> deadServers) {
        if (deadServers.isEmpty()) {
            return;
        }
        try {
            List<Clients.Orphan> orphans = database.query(c -> clients.onlineOn(c, deadServers));
            for (Clients.Orphan orphan : orphans) {
                markDown(
                        orphan.id(),
                        orphan.name(),
                        orphan.connectionId(),
                        ClientStatus.UNREACHABLE,
                        "its server stopped answering");
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "orphan sweep failed: {0}", e.getMessage());
        }
    }

    /** Closes connections of clients revoked (on any server) since {@code since}. */
    public void enforceRevocations(long since) {
        try {
            for (String name : clients.revokedSince(since)) {
                disconnect(name, "certificate revoked");
            }
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "revocation check failed: {0}", e.getMessage());
        }
    }

    /** Stops without marking anyone down: agents fail over to another server on their own. */
    public void stop() {
        stopping = true;
        for (AgentConnection connection : live.values()) {
            connection.close(StatusCode.SHUTDOWN, "server shutting down");
        }
        live.clear();
    }

    private void markDown(long id, String name, String connectionId, ClientStatus status, String why) {
        try {
            database.transaction(c -> {
                if (clients.markDisconnected(c, id, connectionId, status)) {
                    events.append(c, "client." + status.wireName(), "server:" + serverId, name, why);
                }
                return null;
            });
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: status not stored: {1}", name, e.getMessage());
        }
    }
}
