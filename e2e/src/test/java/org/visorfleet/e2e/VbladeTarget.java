package org.visorfleet.e2e;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * The reference AoE target: Debian's {@code vblade SHELF SLOT IFACE IMAGE}, serving raw AoE on one
 * host interface (one frame per syscall, single thread, writes with plain {@code pwrite}).
 *
 * <p>Ready when vblade prints {@code pid N: eS.L, K sectors O_RDWR}, which it does after binding its
 * packet socket. {@link #close} kills vblade by its PID, then closes what this target created for
 * itself (relay, tap) in reverse order.
 */
final class VbladeTarget implements BootTarget {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern READY = Pattern.compile("^pid \\d+: e\\d+\\.\\d+, \\d+ sectors O_RDWR");

    private final AoeAddress address;
    private final Process process;
    private final StringBuilder log = new StringBuilder();
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread reader;
    private final Deque<Closeable> owned = new ArrayDeque<>();

    private VbladeTarget(AoeAddress address, Process process) {
        this.address = address;
        this.process = process;
        this.reader = Thread.ofVirtual().name("vblade-" + process.pid()).start(this::drain);
    }

    /** vblade on an existing interface (tap, veth end, bridge port). */
    static VbladeTarget onInterface(String ifname, AoeAddress address, Path image)
            throws IOException, InterruptedException {
        return onInterface(List.of(), ifname, address, image);
    }

    /**
     * vblade run through {@code commandPrefix}, e.g. on a {@link NetNamespace}'s bridge with its
     * {@link NetNamespace#commandPrefix()}. The prefix must exec vblade in place ({@code ip netns
     * exec} does), so that {@link #close} kills vblade itself.
     */
    static VbladeTarget onInterface(List<String> commandPrefix, String ifname, AoeAddress address, Path image)
            throws IOException, InterruptedException {
        Path vblade = Prerequisites.tool("vblade");
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(List.of(
                vblade.toString(),
                Integer.toString(address.shelf()),
                Integer.toString(address.slot()),
                ifname,
                image.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        VbladeTarget target = new VbladeTarget(address, process);
        try {
            target.awaitReady();
            return target;
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeAfterFailure(target, e);
            throw e;
        }
    }

    /**
     * vblade behind Ethernet-in-UDP: a fresh tap, vblade on it, and a {@link DgramTapRelay} joining
     * the tap to {@code link.target()}. A client on {@code link.clientLink()} sees an AoE target at
     * the other end of its UDP link, exactly where a native UDP target would listen.
     */
    static VbladeTarget overDgram(Path workDir, DgramLink link, AoeAddress address, Path image)
            throws IOException, InterruptedException {
        TapInterface tap = TapInterface.create();
        VbladeTarget target;
        try {
            target = onInterface(tap.name(), address, image);
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeAfterFailure(tap, e);
            throw e;
        }
        target.owned.push(tap);
        try {
            target.owned.push(DgramTapRelay.start(workDir, tap.name(), link));
            return target;
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeAfterFailure(target, e);
            throw e;
        }
    }

    private static void closeAfterFailure(Closeable resource, Exception failure) {
        try {
            resource.close();
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void drain() {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (log) {
                    log.append(line).append('\n');
                }
                if (READY.matcher(line).find()) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // The pipe breaks when close() kills vblade; the log so far is kept.
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!ready.await(50, TimeUnit.MILLISECONDS)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                reader.join(Duration.ofSeconds(1));
                throw new IOException("vblade not ready ("
                        + (process.isAlive() ? "timeout" : "exit " + process.exitValue()) + "): " + log());
            }
        }
    }

    @Override
    public AoeAddress address() {
        return address;
    }

    @Override
    public String log() {
        synchronized (log) {
            return "vblade pid " + process.pid() + (process.isAlive() ? "" : " exit " + process.exitValue()) + ":\n"
                    + log;
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        Commands.terminate(process);
        Commands.join(reader);
        while (!owned.isEmpty()) {
            try {
                owned.pop().close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
