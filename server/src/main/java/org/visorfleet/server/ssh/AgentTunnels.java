package org.visorfleet.server.ssh;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.forward.PortForwardingEventListener;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.visorfleet.server.fleet.Clients;

/**
 * The tunnels agents keep to this bastion. An agent asks for a remote port forward to its own SSH
 * server; the bastion binds it on loopback only and remembers which client it leads to, so that a
 * technician's jump to {@code CLIENT-NAME:22} is routed there. One tunnel per client: a newer one
 * (the agent reconnected) replaces the older, whose session is closed.
 */
public final class AgentTunnels implements PortForwardingEventListener, SessionListener {

    private static final System.Logger LOG = System.getLogger(AgentTunnels.class.getName());

    /** A live tunnel: the loopback port that leads to the client's SSH server. */
    public record Tunnel(long clientId, String clientName, int port, Session session) {}

    private final Map<Long, Tunnel> byClient = new ConcurrentHashMap<>();
    private final Map<Integer, Tunnel> byPort = new ConcurrentHashMap<>();

    public Optional<Tunnel> of(long clientId) {
        return Optional.ofNullable(byClient.get(clientId));
    }

    /** Whether {@code port} on loopback is a live tunnel (the only places jumps may lead). */
    boolean isTunnel(int port) {
        return byPort.containsKey(port);
    }

    boolean hasTunnel(Session session) {
        return byPort.values().stream().anyMatch(t -> t.session() == session);
    }

    public int size() {
        return byClient.size();
    }

    @Override
    public void establishedExplicitTunnel(
            Session session,
            SshdSocketAddress local,
            SshdSocketAddress remote,
            boolean localForwarding,
            SshdSocketAddress boundAddress,
            Throwable reason)
            throws IOException {
        Optional<Clients.Identity> agent = BastionSessions.agent(session);
        if (reason != null || boundAddress == null || agent.isEmpty()) {
            return;
        }
        Tunnel tunnel = new Tunnel(agent.get().id(), agent.get().name(), boundAddress.getPort(), session);
        byPort.put(tunnel.port(), tunnel);
        Tunnel older = byClient.put(tunnel.clientId(), tunnel);
        LOG.log(
                System.Logger.Level.INFO,
                "ssh: tunnel of {0} on loopback port {1}",
                tunnel.clientName(),
                tunnel.port());
        if (older != null && older.session() != session) {
            byPort.remove(older.port(), older);
            older.session().close(true);
        }
    }

    @Override
    public void tornDownExplicitTunnel(
            Session session,
            SshdSocketAddress address,
            boolean localForwarding,
            SshdSocketAddress remoteAddress,
            Throwable reason) {
        forget(session);
    }

    @Override
    public void sessionClosed(Session session) {
        forget(session);
    }

    private void forget(Session session) {
        byPort.values().removeIf(t -> t.session() == session);
        byClient.values().removeIf(t -> t.session() == session);
    }
}
