package org.visorfleet.server.ssh;

import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.server.forward.ForwardingFilter;

/**
 * The only forwarding the bastion allows: an agent's one remote forward, bound on loopback, and a
 * technician's jump ({@code direct-tcpip}) into such a tunnel (the jump channel has already turned
 * the client's name into the tunnel's port). No agent or X11 forwarding, no technician listeners, no
 * connections anywhere else.
 */
final class BastionFilter implements ForwardingFilter {

    private final AgentTunnels tunnels;

    BastionFilter(AgentTunnels tunnels) {
        this.tunnels = tunnels;
    }

    @Override
    public boolean canListen(SshdSocketAddress address, Session session) {
        return BastionSessions.agent(session).isPresent()
                && SshdSocketAddress.isLoopback(address.getHostName())
                && address.getPort() == 0
                && !tunnels.hasTunnel(session);
    }

    @Override
    public boolean canConnect(Type type, SshdSocketAddress address, Session session) {
        return type == Type.Direct
                && BastionSessions.technician(session).isPresent()
                && JumpChannel.TUNNEL_HOST.equals(address.getHostName())
                && tunnels.isTunnel(address.getPort());
    }

    @Override
    public boolean canForwardAgent(Session session, String requestType) {
        return false;
    }

    @Override
    public boolean canForwardX11(Session session, String requestType) {
        return false;
    }
}
