package org.visorfleet.e2e;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * Joins the target end of a {@link DgramLink} to a tap interface, so a raw-Ethernet target such as
 * vblade can serve a QEMU client that speaks Ethernet-in-UDP. It is a second QEMU with no machine
 * ({@code -machine none}) whose only job is an emulated hub between a {@code dgram} and a
 * {@code tap} netdev: every frame from one side is forwarded unchanged to the other.
 *
 * <p>{@link #close} kills that QEMU by its PID.
 */
final class DgramTapRelay implements Closeable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private final Process process;
    private final Path log;

    private DgramTapRelay(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static DgramTapRelay start(Path workDir, String tap, DgramLink link) throws IOException, InterruptedException {
        Path qemu = Prerequisites.tool(QemuGuest.QEMU);
        Path log = Files.createTempFile(workDir, "relay-", ".log");
        List<String> command = List.of(
                qemu.toString(),
                "-nodefaults",
                "-machine",
                "none",
                "-display",
                "none",
                "-netdev",
                new ClientLink.Tap(tap).netdev("t"),
                "-netdev",
                link.targetLink().netdev("d"),
                "-netdev",
                "hubport,id=h0,hubid=0,netdev=t",
                "-netdev",
                "hubport,id=h1,hubid=0,netdev=d");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        DgramTapRelay relay = new DgramTapRelay(process, log);
        try {
            relay.awaitBound(link);
            return relay;
        } catch (IOException | RuntimeException | InterruptedException e) {
            relay.close();
            throw e;
        }
    }

    /**
     * Ready once QEMU holds the target UDP port. Watched passively in /proc/net/udp: probing with a
     * bind of our own could take the port at the moment QEMU binds it and make QEMU fail.
     */
    private void awaitBound(DgramLink link) throws IOException, InterruptedException {
        String local = String.format(":%04X", link.target().getPort());
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("relay QEMU exited " + process.exitValue() + ": " + log());
            }
            // Lines look like "12: 0100007F:9C41 00000000:0000 07 ..."; field 1 is the local address.
            try (Stream<String> lines = Files.lines(Path.of("/proc/net/udp"))) {
                if (lines.map(l -> l.trim().split("\\s+")).anyMatch(f -> f.length > 1 && f[1].endsWith(local))) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new IOException("relay QEMU did not bind " + link.target() + " within " + READY_TIMEOUT + ": " + log());
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        Commands.terminate(process);
    }
}
