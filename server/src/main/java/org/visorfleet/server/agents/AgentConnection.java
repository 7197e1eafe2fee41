package org.visorfleet.server.agents;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.Inventory;
import org.visorfleet.common.wire.ServerMessage;
import org.visorfleet.common.wire.WireJson;
import org.visorfleet.server.fleet.Clients;

/**
 * One agent's WebSocket. The certificate was checked before the upgrade; the first message must be
 * {@code hello}. Heartbeats only touch memory (the hub writes them behind); events go to the
 * database before they are acknowledged.
 */
public final class AgentConnection implements Session.Listener.AutoDemanding {

    private static final System.Logger LOG = System.getLogger(AgentConnection.class.getName());

    final Clients.Identity client;
    final String connectionId = UUID.randomUUID().toString();
    /** The public key of the certificate this connection was admitted with (base64 SubjectPublicKeyInfo). */
    final String publicKey;

    final String remote;
    private final AgentHub hub;
    private volatile Session session;
    private volatile boolean welcomed;
    private volatile boolean welcomeSent;
    private volatile boolean helloSeen;
    volatile long lastSeen;
    volatile Inventory inventory;
    private static final int MAX_BATCH = 500;
    private final ConcurrentLinkedQueue<AgentMessage.Event> pendingEvents = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    AgentConnection(AgentHub hub, Clients.Identity client, String publicKey, String remote, long now) {
        this.hub = hub;
        this.client = client;
        this.publicKey = publicKey;
        this.remote = remote;
        this.lastSeen = now;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        // The container's limit is for frames from the server's other sockets; an agent's command
        // results carry up to 2 MiB of process output.
        session.setMaxTextMessageSize(WireJson.MAX_AGENT_MESSAGE_BYTES);
        this.session = session;
    }

    @Override
    public void onWebSocketText(String text) {
        lastSeen = hub.now();
        switch (WireJson.decodeAgent(text)) {
            case WireJson.Decoded.Malformed<AgentMessage> m -> {
                LOG.log(System.Logger.Level.INFO, "{0}: malformed message: {1}", client.name(), m.reason());
                close(StatusCode.BAD_DATA, "malformed message");
            }
            case WireJson.Decoded.Ok<AgentMessage>(AgentMessage message) -> receive(message);
        }
    }

    /** The agent's latest grid state (idle, free slots); null until it sends one. */
    private volatile AgentMessage.GridStatus gridStatus;

    public AgentMessage.GridStatus gridStatus() {
        return gridStatus;
    }

    private void receive(AgentMessage message) {
        if (!welcomed && !(message instanceof AgentMessage.Hello)) {
            close(StatusCode.POLICY_VIOLATION, "hello first");
            return;
        }
        switch (message) {
            case AgentMessage.Hello hello -> {
                inventory = hello.inventory();
                if (helloSeen) {
                    close(StatusCode.POLICY_VIOLATION, "hello twice");
                    return;
                }
                helloSeen = true;
                hub.hello(this, hello)
                        .thenAccept(welcome -> welcome.ifPresentOrElse(
                                w -> {
                                    welcomed = true; // before the send: the agent may answer at once
                                    send(w);
                                    // Only now may commands go out: an agent ignores anything that
                                    // arrives before its welcome (deliverCommands checks this).
                                    welcomeSent = true;
                                },
                                () -> close(StatusCode.POLICY_VIOLATION, "client revoked or deleted")));
            }
            case AgentMessage.Heartbeat heartbeat -> {
                if (heartbeat.inventory() != null) {
                    inventory = heartbeat.inventory();
                }
                send(new ServerMessage.Pong(heartbeat.seq()));
            }
            case AgentMessage.Event event -> {
                if (hub.acceptable(this, event)) {
                    queueEvent(event);
                }
            }
            case AgentMessage.CommandResult result -> hub.commandResult(this, result);
            case AgentMessage.GridStatus status -> {
                gridStatus = status;
                hub.gridStatusChanged();
            }
        }
    }

    /**
     * Events are stored by one drainer per connection, off the socket's thread: whatever arrives
     * while a transaction commits goes into the next one. An agent flushing its outbox after a
     * failover (or a chatty one) costs one commit per batch, not one per event.
     */
    private void queueEvent(AgentMessage.Event event) {
        pendingEvents.add(event);
        if (draining.compareAndSet(false, true)) {
            Thread.ofVirtual().name("events-" + client.name()).start(this::drainEvents);
        }
    }

    private void drainEvents() {
        do {
            List<AgentMessage.Event> batch = new ArrayList<>();
            for (AgentMessage.Event e; batch.size() < MAX_BATCH && (e = pendingEvents.poll()) != null; ) {
                batch.add(e);
            }
            if (!batch.isEmpty()) {
                hub.events(this, batch).ifPresent(this::send);
            }
            draining.set(false);
        } while (!pendingEvents.isEmpty() && draining.compareAndSet(false, true));
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        hub.closed(this, statusCode, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", client.name(), cause.toString());
    }

    void send(ServerMessage message) {
        Session s = session;
        if (s != null && s.isOpen()) {
            s.sendText(WireJson.encode(message), Callback.NOOP);
        }
    }

    void close(int code, String reason) {
        Session s = session;
        if (s != null) {
            s.close(code, reason, Callback.NOOP);
        }
    }

    /** The welcome has been sent: commands and heartbeat write-behind may follow. */
    boolean welcomed() {
        return welcomeSent;
    }
}
