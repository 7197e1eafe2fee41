package org.visorfleet.aoe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A network namespace with a unique name ({@code vftns} + 6 hex digits) and its loopback up,
 * deleted on {@link #close()}. Skips the test (fails it in CI) when not running as root.
 *
 * <p>Processes started inside it ({@link #command}) belong to the caller, who must stop them
 * before closing the namespace.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final int ATTEMPTS = 5;

    private final String name;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NetworkNamespace(String name) {
        this.name = name;
    }

    public static NetworkNamespace create() throws IOException {
        Prerequisites.root();
        Prerequisites.tool("ip");
        for (int attempt = 1; ; attempt++) {
            String name = IpCommand.uniqueName("vftns");
            IpCommand.Result added = IpCommand.ip("netns", "add", name);
            if (added.ok()) {
                NetworkNamespace namespace = new NetworkNamespace(name);
                IpCommand.closeAtExit(namespace);
                try {
                    namespace.ip("link", "set", "lo", "up");
                } catch (IOException | RuntimeException e) {
                    namespace.closeQuietly(e);
                    throw e;
                }
                return namespace;
            }
            if (!added.nameTaken() || attempt == ATTEMPTS) {
                throw added.failure("ip netns add " + name);
            }
        }
    }

    public String name() {
        return name;
    }

    /** {@code ip -n NAME ARGS...}; throws with the output on failure, else returns the output. */
    public String ip(String... args) throws IOException {
        List<String> full = new ArrayList<>(List.of("-n", name));
        full.addAll(List.of(args));
        return IpCommand.ipOrThrow(full.toArray(String[]::new));
    }

    /**
     * Runs {@code command} inside the namespace to completion (at most 20 s) and returns its
     * output (stdout and stderr merged); throws with the output on a non-zero exit.
     */
    public String exec(String... command) throws IOException {
        IpCommand.Result result = IpCommand.run(command(command).command());
        if (!result.ok()) {
            throw result.failure(String.join(" ", command) + " in " + name);
        }
        return result.output();
    }

    /** A builder for {@code ip netns exec NAME COMMAND...}, for long-running processes. */
    public ProcessBuilder command(String... command) {
        List<String> full = new ArrayList<>(List.of(Prerequisites.tool("ip").toString(), "netns", "exec", name));
        full.addAll(List.of(command));
        return new ProcessBuilder(full);
    }

    /** Deletes the namespace (and any interface still in it). Idempotent. */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        IpCommand.closed(this);
        IpCommand.Result deleted = IpCommand.ip("netns", "delete", name);
        if (!deleted.ok() && Files.exists(Path.of("/run/netns", name))) {
            throw deleted.failure("ip netns delete " + name);
        }
    }

    void closeQuietly(Exception cause) {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "netns " + name;
    }
}
