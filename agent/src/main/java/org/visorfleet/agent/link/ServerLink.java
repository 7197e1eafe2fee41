package org.visorfleet.agent.link;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.visorfleet.agent.outbox.EventOutbox;
import org.visorfleet.agent.remote.RemoteActions;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.Inventory;
import org.visorfleet.common.wire.ServerMessage;

/**
 * The agent's one connection to the fleet: a WebSocket over mutual TLS to the first server in its
 * list that answers, with heartbeats, event delivery and failover.
 *
 * <p>Failover: when the socket closes or errors (a dead server's kernel resets it at once), or when no
 * pong arrives within {@code pongTimeout} of a heartbeat (a hung server), the link moves to the next
 * server in the list without waiting. Only after every server has failed in a row does it back off
 * (exponentially with jitter, up to 10 s). Events are appended to the durable outbox and resent
 * from the server's acknowledgement after every (re)connect, so none is lost; the server stores each
 * sequence number once, so none is duplicated.
 *
 * <p>Commands are handed to {@link RemoteActions}, which runs them off this loop. Their results are
 * kept in memory until written on a connection that is up: a result that finishes while the agent is
 * between servers, or whose write fails, is sent on the next connection (the server records the
 * first answer to a command and ignores repeats). They are not written to disk: a command is tied to
 * the connection's life only loosely, but an agent that restarts has lost its running processes, so
 * it has no result to report.
 *
 * <p>Threading: {@link #run} owns the loop on the caller's thread; {@link #report} and {@link #stop}
 * may be called from any thread.
 */
public final class ServerLink {

    /** Timing knobs; the server's welcome overrides the heartbeat interval. */
    public record Timing(Duration connectTimeout, Duration welcomeTimeout, Duration pongTimeout) {
        public static Timing defaults() {
            return new Timing(Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(3));
        }
    }

    private static final System.Logger LOG = System.getLogger(ServerLink.class.getName());
    private static final Object WAKE = new Object();

    private final WebSocketClient client;
    private final List<URI> servers;
    private final EventOutbox outbox;
    private final Supplier<Inventory> inventory;
    private final String agentVersion;
    private final Timing timing;
    private final LinkListener listener;
    private volatile LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private volatile boolean running = true;
    private volatile String refusal;
    private volatile GridPort grid;
    private volatile RemoteActions remote;
    private final ConcurrentLinkedQueue<AgentMessage.CommandResult> results = new ConcurrentLinkedQueue<>();
    private volatile URI current;
    private volatile ServerMessage.Welcome currentWelcome;

    public ServerLink(
            WebSocketClient client,
            List<URI> servers,
            EventOutbox outbox,
            Supplier<Inventory> inventory,
            String agentVersion,
            Timing timing,
            LinkListener listener) {
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one server URL is required");
        }
        this.client = client;
        this.servers = List.copyOf(servers);
        this.outbox = outbox;
        this.inventory = inventory;
        this.agentVersion = agentVersion;
        this.timing = timing;
        this.listener = listener;
    }

    /** Queues an event durably and wakes the loop to send it. */
    public AgentMessage.Event report(String name, String detail) throws IOException {
        AgentMessage.Event event = outbox.append(name, detail);
        inbox.add(WAKE);
        return event;
    }

    /** Connects the grid worker; call before {@link #run}. */
    public void attachGrid(GridPort port) {
        this.grid = port;
    }

    /** Connects the remote actions that carry out commands; call before {@link #run}. */
    public void attachRemote(RemoteActions actions) {
        this.remote = actions;
    }

    /**
     * Queues a finished command's result to send on the current connection, or the next one if
     * there is none up; callable from any thread.
     */
    public void commandFinished(AgentMessage.CommandResult result) {
        results.add(result);
        inbox.add(WAKE);
    }

    /** Wakes the loop (the grid worker's status changed). */
    public void wake() {
        inbox.add(WAKE);
    }

    /** The server this link is connected to and welcomed by, if any. */
    public java.util.Optional<URI> currentServer() {
        return java.util.Optional.ofNullable(current);
    }

    /** The welcome of the server this link is connected to, if any (it names the SSH bastion). */
    public java.util.Optional<ServerMessage.Welcome> currentWelcome() {
        return java.util.Optional.ofNullable(currentWelcome);
    }

    /** Ends {@link #run}: the socket is closed normally, so the server marks the client offline. */
    public void stop() {
        running = false;
        inbox.add(WAKE);
    }

    /** Runs until {@link #stop}. */
    public void run() throws InterruptedException {
        int index = 0;
        int failuresInARow = 0;
        while (running) {
            URI server = servers.get(index);
            String outcome = session(server);
            if (!running) {
                break;
            }
            if (outcome == null) {
                failuresInARow = 0; // it was up: fail over at once
            } else {
                failuresInARow++;
                LOG.log(System.Logger.Level.DEBUG, "{0}: {1}", server, outcome);
            }
            index = (index + 1) % servers.size();
            if (failuresInARow > 0 && failuresInARow % servers.size() == 0) {
                long backoff = Math.min(10_000, 250L << Math.min(6, failuresInARow / servers.size()));
                Thread.sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            }
        }
    }

    /** One connection; returns null if it was established (and later ended), else why it failed. */
    private String session(URI server) throws InterruptedException {
        LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        inbox = queue;
        AgentSocket socket = new AgentSocket(queue);
        URI endpoint = server.resolve("/agent/v1/connect").normalize();
        URI ws = URI.create(endpoint.toString().replaceFirst("^https:", "wss:").replaceFirst("^http:", "ws:"));
        try {
            client.connect(socket, ws).get(timing.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | IOException e) {
            socket.abort();
            if (statusOf(e) == 403) {
                // The fleet refused this certificate (revoked, or the client was deleted): every
                // server shares that verdict, and retrying would only fill the audit log.
                refusal = "server " + server + " refused this agent's certificate (revoked or deleted);"
                        + " enroll again with a new token";
                running = false;
            }
            return "connect failed: " + rootMessage(e);
        }
        socket.send(new AgentMessage.Hello(agentVersion, inventory.get()));
        ServerMessage.Welcome welcome = awaitWelcome(queue);
        if (welcome == null) {
            socket.abort();
            return "no welcome";
        }
        listener.online(server.toString(), welcome.serverId());
        current = server;
        currentWelcome = welcome;
        String reason;
        try {
            reason = connected(socket, queue, welcome);
        } finally {
            current = null;
            currentWelcome = null;
        }
        listener.offline(server.toString(), reason);
        return null;
    }

    private ServerMessage.Welcome awaitWelcome(LinkedBlockingQueue<Object> queue) throws InterruptedException {
        long deadline = System.nanoTime() + timing.welcomeTimeout().toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Object item = queue.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            switch (item) {
                case null -> {
                    return null;
                }
                case ServerMessage.Welcome welcome -> {
                    return welcome;
                }
                case AgentSocket.Closed closed -> {
                    return null;
                }
                default -> {
                    // WAKE or an early message: nothing to do before the welcome
                }
            }
        }
    }

    /** Serves a welcomed connection until it ends; returns why it ended. */
    private String connected(AgentSocket socket, LinkedBlockingQueue<Object> queue, ServerMessage.Welcome welcome)
            throws InterruptedException {
        long heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(100, welcome.heartbeatMillis()));
        long pongTimeoutNanos = timing.pongTimeout().toNanos();
        long seq = 0;
        long nextHeartbeat = System.nanoTime() + heartbeatNanos;
        long awaitingPongSince = 0; // 0 = no heartbeat outstanding
        long lastHeartbeatSent = 0;
        long lastSent = acknowledge(welcome.ackedEventSeq());
        boolean newSession = true;
        while (running) {
            lastSent = sendPending(socket, lastSent);
            sendResults(socket);
            GridPort port = grid;
            if (port != null) {
                AgentMessage.GridStatus status = port.statusDue(newSession);
                newSession = false;
                if (status != null) {
                    socket.send(status);
                }
            }
            long now = System.nanoTime();
            if (awaitingPongSince != 0 && now - awaitingPongSince > pongTimeoutNanos) {
                socket.abort();
                return "no pong for " + TimeUnit.NANOSECONDS.toMillis(now - awaitingPongSince) + " ms";
            }
            if (now >= nextHeartbeat) {
                AgentMessage.Heartbeat heartbeat = new AgentMessage.Heartbeat(++seq, inventory.get());
                lastHeartbeatSent = System.nanoTime();
                socket.send(heartbeat);
                if (awaitingPongSince == 0) {
                    awaitingPongSince = now;
                }
                nextHeartbeat = now + heartbeatNanos;
            }
            long wait = nextHeartbeat - now;
            if (awaitingPongSince != 0) {
                wait = Math.min(wait, awaitingPongSince + pongTimeoutNanos - now);
            }
            if (port != null) {
                wait = Math.min(wait, TimeUnit.SECONDS.toNanos(1));
            }
            Object item = queue.poll(Math.max(1, wait), TimeUnit.NANOSECONDS);
            switch (item) {
                case null -> {}
                case ServerMessage.Pong pong -> {
                    if (pong.seq() == seq) {
                        awaitingPongSince = 0;
                        listener.heartbeatAnswered(seq, System.nanoTime() - lastHeartbeatSent);
                    }
                }
                case ServerMessage.EventAck ack -> acknowledge(ack.seq());
                case ServerMessage.Command command -> execute(command);
                case ServerMessage.Work work -> {
                    if (port != null) {
                        port.accept(work);
                    }
                }
                case ServerMessage.WorkCancel cancel -> {
                    if (port != null) {
                        port.cancel(cancel);
                    }
                }
                case ServerMessage.Welcome ignored -> {}
                case AgentSocket.Closed closed -> {
                    return "closed (" + closed.code() + " " + closed.reason() + ")";
                }
                default -> {} // WAKE: pending events are sent at the top of the loop
            }
        }
        socket.close(StatusCode.NORMAL, "agent stopping");
        return "stopped";
    }

    private long acknowledge(long seq) {
        try {
            outbox.acknowledge(seq);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot record acknowledgement: {0}", e.getMessage());
        }
        return Math.max(seq, outbox.acknowledged());
    }

    /** Sends every pending event above {@code lastSent}; returns the new high-water mark. */
    private long sendPending(AgentSocket socket, long lastSent) {
        long high = lastSent;
        for (AgentMessage.Event event : outbox.pending()) {
            if (event.seq() > high) {
                socket.send(event);
                high = event.seq();
            }
        }
        return high;
    }

    /**
     * Writes the finished results; one whose write fails goes back in the queue without waking the
     * loop (the connection is going down; the next one sends it).
     */
    private void sendResults(AgentSocket socket) {
        List<AgentMessage.CommandResult> batch = new java.util.ArrayList<>();
        for (AgentMessage.CommandResult r; (r = results.poll()) != null; ) {
            batch.add(r);
        }
        for (AgentMessage.CommandResult result : batch) {
            socket.send(result, () -> results.add(result));
        }
    }

    private void execute(ServerMessage.Command command) {
        RemoteActions actions = remote;
        if (actions == null) {
            commandFinished(AgentMessage.CommandResult.of(command.id(), false, "this agent takes no commands"));
        } else {
            actions.submit(command);
        }
    }

    private static int statusOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UpgradeException upgrade) {
                return upgrade.getResponseStatusCode();
            }
        }
        return 0;
    }

    /** Why the fleet refused this agent for good, if it did ({@link #run} then returns). */
    public java.util.Optional<String> refusal() {
        return java.util.Optional.ofNullable(refusal);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
