package org.visorfleet.console.terminal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.channel.ChannelDirectTcpip;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.channel.exception.SshChannelOpenException;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.net.SshdSocketAddress;
import org.visorfleet.console.api.Session;

/**
 * An interactive shell on a client, the way {@code ssh -J} reaches it: signs in to the server's
 * bastion with the technician's {@link ConsoleKey}, opens a {@code direct-tcpip} channel to {@code
 * CLIENT:22} (the bastion routes it through the agent's tunnel), and runs a second SSH session over
 * that channel to the desktop's own SSH server, with an {@code xterm-256color} pseudo-terminal. Both
 * host keys are checked against what the server's API says ({@code GET /api/v1/ssh} and {@code
 * /api/v1/ssh/clients/NAME}); no key is ever trusted on sight. {@link #open} blocks: call it off the
 * application thread.
 */
public final class TerminalConnection implements AutoCloseable {

    /** What the remote side does: output (on an SSH thread) and, once, the end with its reason. */
    public interface Listener {
        void output(byte[] data, int offset, int length);

        void closed(String reason);
    }

    /** Why a connection could not be made, in words fit for the status line. */
    public static final class Refused extends IOException {
        public Refused(String reason) {
            super(reason);
        }

        Refused(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static final System.Logger LOG = System.getLogger(TerminalConnection.class.getName());

    /** The host key a session must present, carried in its connection context. */
    private static final AttributeRepository.AttributeKey<PublicKey> EXPECTED_HOST_KEY =
            new AttributeRepository.AttributeKey<>();

    /** Where the verifier notes a host key that was not the expected one, in the connection context. */
    private static final AttributeRepository.AttributeKey<AtomicReference<PublicKey>> UNEXPECTED_HOST_KEY =
            new AttributeRepository.AttributeKey<>();

    private static final String REFUSAL_PREFIX = "visorfleet: ";

    private final SshClient client;
    private final ClientSession bastion;
    private final ChannelDirectTcpip jump;
    private final Socket bridge;
    private final ClientSession desktop;
    private final ChannelShell shell;
    private final OutputStream input;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LinkedBlockingQueue<byte[]> typed = new LinkedBlockingQueue<>();
    private final Thread writer;
    /** The desktop's last "visorfleet: REASON" line on standard error (a refusal), if any. */
    private final AtomicReference<String> refusal;

    private TerminalConnection(
            SshClient client,
            ClientSession bastion,
            ChannelDirectTcpip jump,
            Socket bridge,
            ClientSession desktop,
            ChannelShell shell,
            AtomicReference<String> refusal) {
        this.client = client;
        this.bastion = bastion;
        this.jump = jump;
        this.bridge = bridge;
        this.desktop = desktop;
        this.shell = shell;
        this.input = shell.getInvertedIn();
        this.refusal = refusal;
        this.writer = Thread.ofVirtual().name("terminal-input").unstarted(this::write);
    }

    /**
     * Connects to {@code clientName} as the signed-in technician and starts a shell of {@code
     * columns} x {@code rows}; {@code listener} hears its output and its end.
     *
     * @throws Refused with the bastion's or the desktop's reason when either says no
     */
    public static TerminalConnection open(
            Session session, ConsoleKey key, String clientName, int columns, int rows, Listener listener)
            throws IOException, InterruptedException {
        JsonNode endpoint = session.get("/api/v1/ssh");
        int port = endpoint.path("port").asInt(0);
        if (port <= 0 || !endpoint.path("hostKey").isTextual()) {
            throw new Refused("the server runs no SSH bastion");
        }
        PublicKey bastionKey = parseKey(endpoint.path("hostKey").asText(), "the bastion's");
        key.register(session);

        SshClient client = newClient();
        ClientSession bastion = null;
        ChannelDirectTcpip jump = null;
        Socket bridge = null;
        ClientSession desktop = null;
        try {
            bastion = signIn(client, session.username(), host(session), port, bastionKey, key, "the bastion");
            jump = bastion.createDirectTcpipChannel(
                    new SshdSocketAddress("127.0.0.1", 0), new SshdSocketAddress(clientName, 22));
            try {
                jump.open().verify(TIMEOUT);
            } catch (IOException e) {
                throw new Refused(channelRefusal(e), e);
            }
            PublicKey desktopKey = parseKey(
                    session.get("/api/v1/ssh/clients/" + URLEncoder.encode(clientName, StandardCharsets.UTF_8))
                            .path("hostKey")
                            .asText(),
                    clientName + "'s");
            ConnectedBridge connected = bridge(client, session.username(), jump, desktopKey);
            bridge = connected.socket();
            desktop = connected.session();
            authenticate(desktop, key, clientName);
            ChannelShell shell = desktop.createShellChannel();
            shell.setPtyType("xterm-256color");
            shell.setPtyColumns(columns);
            shell.setPtyLines(rows);
            AtomicReference<String> refusal = new AtomicReference<>();
            shell.setOut(new ListenerStream(listener, null));
            shell.setErr(new ListenerStream(listener, line -> {
                if (line.startsWith(REFUSAL_PREFIX)) {
                    refusal.set(line.substring(REFUSAL_PREFIX.length()));
                }
            }));
            shell.open().verify(TIMEOUT);
            TerminalConnection connection =
                    new TerminalConnection(client, bastion, jump, bridge, desktop, shell, refusal);
            connection.writer.start();
            Thread.ofVirtual().name("terminal-" + clientName).start(() -> connection.watch(listener));
            return connection;
        } catch (IOException | RuntimeException e) {
            closeQuietly(desktop, bridge, jump, bastion);
            client.stop();
            throw e;
        }
    }

    /** Queues typed bytes for the shell; any thread, never blocks (the SSH window may be full). */
    public void send(byte[] bytes) {
        if (!closed.get()) {
            typed.add(bytes);
        }
    }

    /** Writes queued input to the shell, in order, until the connection closes. */
    private void write() {
        try {
            while (!closed.get()) {
                byte[] bytes = typed.take();
                input.write(bytes);
                input.flush();
            }
        } catch (InterruptedException e) {
            // closed
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "terminal input not sent: {0}", e.getMessage());
        }
    }

    /** Tells the remote pseudo-terminal its new size (an SSH window-change); any thread. */
    public void resize(int columns, int rows) {
        if (closed.get()) {
            return;
        }
        try {
            shell.sendWindowChange(columns, rows);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "window change not sent: {0}", e.getMessage());
        }
    }

    /** Ends the shell and both SSH sessions. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            writer.interrupt();
            closeQuietly(shell, desktop, bridge, jump, bastion);
            client.stop();
        }
    }

    /** Waits for the shell to end, then closes everything and tells the listener why. */
    private void watch(Listener listener) {
        shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
        boolean byUs = closed.get();
        Integer status = shell.getExitStatus();
        close();
        String refused = refusal.get();
        String reason;
        if (byUs) {
            reason = "closed";
        } else if (refused != null) {
            reason = refused;
        } else if (status != null) {
            reason = "the shell exited with status " + status;
        } else {
            reason = "the connection was lost";
        }
        listener.closed(reason);
    }

    /** A MINA client that uses nothing from ~/.ssh and accepts only the host key each connection expects. */
    static SshClient newClient() {
        SshClient client = SshClient.setUpDefaultClient();
        // Nothing from ~/.ssh: no config (ProxyJump and the like), no default identities.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(KeyIdentityProvider.EMPTY_KEYS_PROVIDER);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        client.setServerKeyVerifier((session, address, presented) -> {
            AttributeRepository context = session.getConnectionContext();
            PublicKey expected = context == null ? null : context.getAttribute(EXPECTED_HOST_KEY);
            boolean matches = expected != null && KeyUtils.compareKeys(expected, presented);
            if (!matches) {
                if (context != null && context.getAttribute(UNEXPECTED_HOST_KEY) != null) {
                    context.getAttribute(UNEXPECTED_HOST_KEY).set(presented);
                }
                LOG.log(
                        System.Logger.Level.WARNING,
                        "terminal: {0} presented host key {1}, not the one the server named",
                        address,
                        KeyUtils.getFingerPrint(presented));
            }
            return matches;
        });
        client.start();
        return client;
    }

    /** Connects to {@code host:port}, which must present {@code hostKey}, and signs in with {@code key}. */
    static ClientSession signIn(
            SshClient client, String user, String host, int port, PublicKey hostKey, ConsoleKey key, String what)
            throws IOException {
        ClientSession session;
        try {
            session = client.connect(user, host, port, expecting(hostKey), null)
                    .verify(TIMEOUT)
                    .getSession();
        } catch (IOException e) {
            throw new Refused("cannot reach " + what + " at " + host + ":" + port + ": " + e.getMessage(), e);
        }
        authenticate(session, key, what);
        return session;
    }

    /** A connection context: the host key the server must present, and room to note another. */
    private static AttributeRepository expecting(PublicKey hostKey) {
        return AttributeRepository.ofAttributesMap(
                Map.of(EXPECTED_HOST_KEY, hostKey, UNEXPECTED_HOST_KEY, new AtomicReference<PublicKey>()));
    }

    /** Signs in with {@code key}; a host key other than the expected one ends it first. */
    private static void authenticate(ClientSession session, ConsoleKey key, String what) throws Refused {
        session.addPublicKeyIdentity(key.keyPair());
        try {
            session.auth().verify(TIMEOUT);
        } catch (IOException e) {
            session.close(true);
            PublicKey presented = session.getConnectionContext()
                    .getAttribute(UNEXPECTED_HOST_KEY)
                    .get();
            if (presented != null) {
                throw new Refused(
                        what + " presented host key " + KeyUtils.getFingerPrint(presented)
                                + ", not the one the server named: not connecting",
                        e);
            }
            throw new Refused(what + " refused the key of " + session.getUsername(), e);
        }
    }

    private record ConnectedBridge(Socket socket, ClientSession session) {}

    /**
     * Carries a second SSH connection over the jump channel: MINA's client speaks only TCP, so the
     * channel is joined to a loopback socket that accepts exactly the one connection the client
     * makes (checked by its port) and nothing else.
     */
    private static ConnectedBridge bridge(SshClient client, String user, ChannelDirectTcpip jump, PublicKey hostKey)
            throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout((int) TIMEOUT.toMillis());
            ConnectFuture connecting = client.connect(
                    user,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()),
                    expecting(hostKey),
                    null);
            Socket socket;
            try {
                socket = listener.accept();
            } catch (SocketTimeoutException e) {
                connecting.cancel();
                throw new Refused("the connection to the desktop did not start", e);
            }
            ClientSession session;
            try {
                session = connecting.verify(TIMEOUT).getSession();
            } catch (IOException e) {
                socket.close();
                throw e;
            }
            InetSocketAddress ours = (InetSocketAddress) session.getIoSession().getLocalAddress();
            if (ours.getPort() != socket.getPort()) {
                socket.close();
                session.close(true);
                throw new Refused("another program connected to the terminal's loopback bridge");
            }
            pump("terminal-bridge-out", socket.getInputStream(), jump.getInvertedIn());
            pump("terminal-bridge-in", jump.getInvertedOut(), socket.getOutputStream());
            return new ConnectedBridge(socket, session);
        }
    }

    private static void pump(String name, InputStream from, OutputStream to) {
        Thread.ofVirtual().name(name).start(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (from;
                    to) {
                for (int n = from.read(buffer); n >= 0; n = from.read(buffer)) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "{0} ended: {1}", name, e.getMessage());
            }
        });
    }

    /** The reason the bastion gave for refusing a jump (MINA wraps it). */
    static String channelRefusal(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SshChannelOpenException open && open.getMessage() != null) {
                return open.getMessage();
            }
        }
        return e.getMessage() != null ? e.getMessage() : "the bastion refused the jump";
    }

    private static PublicKey parseKey(String openSsh, String whose) throws Refused {
        try {
            return AuthorizedKeyEntry.parseAuthorizedKeyEntry(openSsh)
                    .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new Refused("the server named no usable host key for " + whose + " SSH server", e);
        }
    }

    /** The server's host name, as the console reaches its API (brackets of an IPv6 literal removed). */
    static String host(Session session) {
        String host = URI.create(session.url()).getHost();
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    private static void closeQuietly(AutoCloseable... resources) {
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                if (resource instanceof org.apache.sshd.common.Closeable sshd) {
                    sshd.close(true);
                } else {
                    resource.close();
                }
            } catch (Exception e) {
                LOG.log(System.Logger.Level.DEBUG, "closing {0}: {1}", resource, e.toString());
            }
        }
    }

    /** Hands the shell's output to the listener; for stderr also notes each line (refusals). */
    private static final class ListenerStream extends OutputStream {
        private final Listener listener;
        private final java.util.function.Consumer<String> lines;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        ListenerStream(Listener listener, java.util.function.Consumer<String> lines) {
            this.listener = listener;
            this.lines = lines;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] data, int offset, int length) {
            listener.output(data, offset, length);
            if (lines == null) {
                return;
            }
            for (int i = offset; i < offset + length; i++) {
                if (data[i] == '\n' || data[i] == '\r') {
                    if (line.size() > 0) {
                        lines.accept(line.toString(StandardCharsets.UTF_8));
                    }
                    line.reset();
                } else if (line.size() < 1024) {
                    line.write(data[i]);
                }
            }
        }
    }
}
