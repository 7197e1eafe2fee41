package org.visorfleet.agent.remote;

import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.apache.sshd.core.CoreModuleProperties;
import org.visorfleet.common.wire.ServerMessage;

/**
 * The agent's outbound SSH connection to the bastion of the server it is connected to, through
 * which technicians reach this desktop's own SSH server even behind NAT. It signs in as {@code
 * agent:CERT-SERIAL} with the enrolled key, pins the bastion's host key that the server announced
 * over mutual TLS, and asks for a remote port forward to the local SSH server. It follows the
 * WebSocket link: when the agent fails over to another server, the tunnel moves with it; when the
 * bastion goes away it reconnects with backoff.
 */
public final class SshTunnel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(SshTunnel.class.getName());
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    /** Where the tunnel should be: the bastion of the current server. */
    record Target(String host, int port, PublicKey hostKey) {}

    private final SshClient client;
    private final KeyPair identity;
    private final String user;
    private final int localPort;
    private final Supplier<Optional<URI>> server;
    private final Supplier<Optional<ServerMessage.Welcome>> welcome;
    private final Thread keeper;
    private volatile boolean running = true;
    private volatile ClientSession session;
    private volatile int remotePort;

    /**
     * @param identity the agent's enrolled key pair
     * @param certificateSerial the serial of its certificate (hex, as the fleet stores it)
     * @param localPort the loopback port of the agent's SSH server
     */
    public SshTunnel(
            KeyPair identity,
            String certificateSerial,
            int localPort,
            Supplier<Optional<URI>> server,
            Supplier<Optional<ServerMessage.Welcome>> welcome) {
        this.identity = identity;
        this.user = "agent:" + certificateSerial;
        this.localPort = localPort;
        this.server = server;
        this.welcome = welcome;
        this.client = SshClient.setUpDefaultClient();
        Ciphers.aesGcmOnly(client);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, HEARTBEAT);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
        client.setServerKeyVerifier((clientSession, address, key) -> clientSession.getAttribute(PINNED) != null
                && KeyUtils.compareKeys(clientSession.getAttribute(PINNED), key));
        // The one thing the bastion may open towards this agent: its own forward, to the SSH server.
        client.setForwardingFilter(new org.apache.sshd.server.forward.StaticDecisionForwardingFilter(false) {
            @Override
            public boolean canConnect(Type type, SshdSocketAddress address, org.apache.sshd.common.session.Session s) {
                return type == Type.Forwarded
                        && "127.0.0.1".equals(address.getHostName())
                        && address.getPort() == localPort;
            }
        });
        client.start();
        keeper = Thread.ofPlatform().daemon().name("ssh-tunnel").start(this::keep);
    }

    private static final org.apache.sshd.common.AttributeRepository.AttributeKey<PublicKey> PINNED =
            new org.apache.sshd.common.AttributeRepository.AttributeKey<>();

    /** Whether the tunnel is up (for tests and status). */
    public boolean isUp() {
        ClientSession s = session;
        return s != null && s.isOpen() && remotePort > 0;
    }

    private void keep() {
        long backoff = 500;
        while (running) {
            Optional<Target> target = target();
            if (target.isEmpty()) {
                sleep(500);
                continue;
            }
            try {
                serve(target.get());
                backoff = 500;
            } catch (IOException | RuntimeException e) {
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "ssh tunnel to {0}:{1}: {2}",
                        target.get().host(),
                        target.get().port(),
                        e.toString());
                backoff = Math.min(30_000, backoff * 2);
                sleep(backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1));
            }
        }
    }

    /** Connects, forwards, and returns when the session ends or the target changes. */
    private void serve(Target target) throws IOException {
        try (ClientSession s = client.connect(user, target.host(), target.port())
                .verify(CONNECT_TIMEOUT)
                .getSession()) {
            s.setAttribute(PINNED, target.hostKey());
            s.addPublicKeyIdentity(identity);
            s.auth().verify(CONNECT_TIMEOUT);
            SshdSocketAddress bound = s.startRemotePortForwarding(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress("127.0.0.1", localPort));
            session = s;
            remotePort = bound.getPort();
            LOG.log(System.Logger.Level.INFO, "ssh tunnel up through {0}:{1,number,#}", target.host(), target.port());
            while (running && s.isOpen() && target().filter(target::equals).isPresent()) {
                s.waitFor(EnumSet.of(ClientSession.ClientSessionEvent.CLOSED), Duration.ofMillis(500));
            }
        } finally {
            session = null;
            remotePort = 0;
        }
    }

    private Optional<Target> target() {
        Optional<URI> url = server.get();
        Optional<ServerMessage.Welcome> w = welcome.get();
        if (url.isEmpty() || w.isEmpty() || w.get().sshPort() <= 0 || w.get().sshHostKey() == null) {
            return Optional.empty();
        }
        try {
            PublicKey key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(w.get().sshHostKey())
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
            return Optional.of(new Target(url.get().getHost(), w.get().sshPort(), key));
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "unusable bastion host key from the server: {0}", e.toString());
            return Optional.empty();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        keeper.interrupt();
        ClientSession s = session;
        if (s != null) {
            s.close(true);
        }
        try {
            client.stop();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "stopping the ssh client: {0}", e.toString());
        }
    }
}
