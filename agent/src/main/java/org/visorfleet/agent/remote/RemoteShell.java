package org.visorfleet.agent.remote;

import java.io.IOException;
import java.security.KeyPair;
import java.util.Locale;
import org.eclipse.jetty.client.HttpClient;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.link.ServerLink;

/**
 * Remote control of this desktop over SSH: its own SSH server on loopback, and the tunnel that
 * makes it reachable through the bastion of whichever server the agent is connected to.
 */
public final class RemoteShell implements AutoCloseable {

    private final AgentSshServer server;
    private final SshTunnel tunnel;

    private RemoteShell(AgentSshServer server, SshTunnel tunnel) {
        this.server = server;
        this.tunnel = tunnel;
    }

    public static RemoteShell start(
            AgentData.Identity identity, HttpClient http, ServerLink link, AgentSshServer.Options options)
            throws IOException {
        KeyPair keys = new KeyPair(identity.certificate().getPublicKey(), identity.key());
        AgentSshServer server = AgentSshServer.start(keys, new FleetGate(http, link::currentServer), options);
        String serial = identity.certificate().getSerialNumber().toString(16).toLowerCase(Locale.ROOT);
        SshTunnel tunnel = new SshTunnel(keys, serial, server.port(), link::currentServer, link::currentWelcome);
        return new RemoteShell(server, tunnel);
    }

    /** Whether technicians can reach this desktop right now (the tunnel is up). */
    public boolean reachable() {
        return tunnel.isUp();
    }

    public int localPort() {
        return server.port();
    }

    @Override
    public void close() {
        tunnel.close();
        server.close();
    }
}
