package org.visorfleet.server.ssh;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.ServerBuilder;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.forward.DirectTcpipFactory;
import org.apache.sshd.server.shell.ShellFactory;
import org.visorfleet.server.auth.LoginThrottle;
import org.visorfleet.server.auth.Users;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.fleet.Clients;

/**
 * The server's SSH endpoint (MINA SSHD): agents keep their reverse tunnels here, technicians jump
 * through it to clients ({@code ssh -J tech@server:2222 user@CLIENT-NAME}) and open the fleet shell
 * ({@code ssh -p 2222 tech@server}). Nothing else: no SFTP, no forwarding other than into tunnels.
 */
public final class SshBastion implements AutoCloseable {

    /**
     * @param bindHost the address to listen on
     * @param port the port (0 picks a free one)
     * @param passwords whether technicians may sign in with their password (keys always work)
     */
    public record Settings(String bindHost, int port, boolean passwords) {}

    /** What technicians get on a shell or exec channel: the fleet shell. */
    public record Shell(ShellFactory shells, CommandFactory commands) {}

    private static final System.Logger LOG = System.getLogger(SshBastion.class.getName());
    private static final int MAX_AUTH_TRIES = 6;
    private static final Duration AUTH_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofHours(1);

    private final SshServer server;
    private final HostKey hostKey;
    private final AgentTunnels tunnels;

    private SshBastion(SshServer server, HostKey hostKey, AgentTunnels tunnels) {
        this.server = server;
        this.hostKey = hostKey;
        this.tunnels = tunnels;
    }

    public static SshBastion start(
            Settings settings,
            HostKey hostKey,
            Database database,
            Clients clients,
            Users users,
            SshKeys keys,
            EventLog events,
            String serverId,
            Clock clock,
            Shell shell)
            throws IOException {
        AgentTunnels tunnels = new AgentTunnels();
        BastionAuth auth = new BastionAuth(database, keys, users, new LoginThrottle(clock), events);
        SshServer server = ServerBuilder.builder().build();
        server.setHost(settings.bindHost());
        server.setPort(settings.port());
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey.keyPair()));
        Ciphers.aesGcmOnly(server);
        server.setPublickeyAuthenticator(auth);
        server.setPasswordAuthenticator(settings.passwords() ? auth : null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setGSSAuthenticator(null);
        server.setHostBasedAuthenticator(null);
        server.setForwardingFilter(new BastionFilter(tunnels));
        List<ChannelFactory> channels = new ArrayList<>();
        for (ChannelFactory factory : ServerBuilder.DEFAULT_CHANNEL_FACTORIES) {
            channels.add(
                    factory instanceof DirectTcpipFactory
                            ? new JumpChannel.Factory(
                                    new JumpResolver(database, clients, tunnels, serverId), events, clock)
                            : factory);
        }
        server.setChannelFactories(channels);
        if (shell != null) {
            server.setShellFactory(shell.shells());
            server.setCommandFactory(shell.commands());
        }
        server.setServiceFactories(List.of(
                org.apache.sshd.server.session.ServerUserAuthServiceFactory.INSTANCE, new BastionConnections()));
        server.addPortForwardingEventListener(tunnels);
        server.addSessionListener(tunnels);
        server.addSessionListener(auth);
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, MAX_AUTH_TRIES);
        CoreModuleProperties.AUTH_TIMEOUT.set(server, AUTH_TIMEOUT);
        CoreModuleProperties.IDLE_TIMEOUT.set(server, IDLE_TIMEOUT);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "visorfleet");
        server.start();
        LOG.log(
                System.Logger.Level.DEBUG,
                "ssh: bastion on {0}:{1,number,#}, host key {2}",
                settings.bindHost(),
                server.getPort(),
                hostKey.fingerprint());
        return new SshBastion(server, hostKey, tunnels);
    }

    public int port() {
        return server.getPort();
    }

    public HostKey hostKey() {
        return hostKey;
    }

    public AgentTunnels tunnels() {
        return tunnels;
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ssh: stopping the bastion: {0}", e.toString());
        }
    }
}
