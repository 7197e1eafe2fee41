package org.visorfleet.aoe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A veth pair with unique names ({@code vft} + 6 hex digits + {@code a}/{@code b}), both ends up,
 * deleted on {@link #close()}. Frames sent on one end arrive on the other. Skips the test (fails it
 * in CI) when not running as root.
 *
 * <p>Both ends get {@code addrgenmode none}, so IPv6 stays silent and the link carries only what
 * the test sends. End {@code b} can live in a {@link NetworkNamespace} (for a peer such as the
 * Linux {@code aoe} driver or vblade); deleting {@code a} removes both ends wherever they are.
 */
public final class VethPair implements AutoCloseable {
    private static final int ATTEMPTS = 5;
    private static final long SETTLE_NANOS = 5_000_000_000L;

    private final String a;
    private final String b;
    private final NetworkNamespace namespaceOfB;
    private final AtomicBoolean closed = new AtomicBoolean();

    private VethPair(String a, String b, NetworkNamespace namespaceOfB) {
        this.a = a;
        this.b = b;
        this.namespaceOfB = namespaceOfB;
    }

    /** Both ends in this namespace, default MTU (1500). */
    public static VethPair create() throws IOException {
        return create(0, null);
    }

    /** Both ends in this namespace with {@code mtu}. */
    public static VethPair create(int mtu) throws IOException {
        return create(mtu, null);
    }

    /**
     * @param mtu MTU of both ends, or 0 for the default
     * @param namespaceOfB where end {@code b} lives, or null for this namespace
     */
    public static VethPair create(int mtu, NetworkNamespace namespaceOfB) throws IOException {
        Prerequisites.root();
        Prerequisites.tool("ip");
        if (mtu < 0) {
            throw new IllegalArgumentException("MTU " + mtu);
        }
        VethPair pair = add(namespaceOfB);
        try {
            pair.configure(mtu);
        } catch (IOException | RuntimeException e) {
            pair.closeQuietly(e);
            throw e;
        }
        return pair;
    }

    private static VethPair add(NetworkNamespace namespaceOfB) throws IOException {
        for (int attempt = 1; ; attempt++) {
            String base = IpCommand.uniqueName("vft");
            String a = base + "a";
            String b = base + "b";
            IpCommand.Result added = IpCommand.ip("link", "add", a, "type", "veth", "peer", "name", b);
            if (added.ok()) {
                VethPair pair = new VethPair(a, b, namespaceOfB);
                IpCommand.closeAtExit(pair);
                return pair;
            }
            if (!added.nameTaken() || attempt == ATTEMPTS) {
                throw added.failure("ip link add " + a + " type veth peer name " + b);
            }
        }
    }

    private void configure(int mtu) throws IOException {
        IpCommand.ipOrThrow("link", "set", a, "addrgenmode", "none");
        IpCommand.ipOrThrow("link", "set", b, "addrgenmode", "none");
        if (mtu > 0) {
            IpCommand.ipOrThrow("link", "set", a, "mtu", Integer.toString(mtu));
            IpCommand.ipOrThrow("link", "set", b, "mtu", Integer.toString(mtu));
        }
        if (namespaceOfB != null) {
            IpCommand.ipOrThrow("link", "set", b, "netns", namespaceOfB.name());
            namespaceOfB.ip("link", "set", b, "up");
        } else {
            IpCommand.ipOrThrow("link", "set", b, "up");
        }
        IpCommand.ipOrThrow("link", "set", a, "up");
        awaitUp();
    }

    /**
     * Carrier and operstate follow "link up" asynchronously (linkwatch); until then the queueing
     * discipline is noop and drops every frame sent through it (vblade, the kernel aoe driver).
     */
    private void awaitUp() throws IOException {
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (!(isUp(a, null) && isUp(b, namespaceOfB))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(this + " not operationally up after " + SETTLE_NANOS / 1_000_000 + " ms");
            }
            pause();
        }
    }

    private static boolean isUp(String end, NetworkNamespace namespace) throws IOException {
        if (namespace == null) {
            Path operstate = Path.of("/sys/class/net", end, "operstate");
            return Files.exists(operstate)
                    && Files.readString(operstate).strip().equals("up");
        }
        return namespace.ip("-o", "link", "show", end).contains("state UP");
    }

    private static void pause() throws IOException {
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for a veth pair", e);
        }
    }

    /** The end in this namespace. */
    public String a() {
        return a;
    }

    /** The other end, in {@link #namespaceOfB()} if one was given. */
    public String b() {
        return b;
    }

    public Optional<NetworkNamespace> namespaceOfB() {
        return Optional.ofNullable(namespaceOfB);
    }

    /**
     * Deletes the pair. Idempotent, and quiet if the pair is already gone (deleting the namespace
     * holding {@code b} destroys both ends).
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IpCommand.closed(this);
        IpCommand.Result deleted = IpCommand.ip("link", "delete", a);
        if (deleted.ok()) {
            return;
        }
        // Not an error if the pair is already going: a deleted namespace destroys its interfaces
        // (and their peers) asynchronously.
        long deadline = System.nanoTime() + SETTLE_NANOS;
        while (Files.exists(Path.of("/sys/class/net", a))) {
            if (System.nanoTime() - deadline > 0) {
                throw deleted.failure("ip link delete " + a);
            }
            pause();
        }
    }

    private void closeQuietly(Exception cause) {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "veth " + a + "/" + b + (namespaceOfB != null ? " (" + b + " in " + namespaceOfB.name() + ")" : "");
    }
}
