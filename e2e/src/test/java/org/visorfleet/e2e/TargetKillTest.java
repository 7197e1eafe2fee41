package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.initiator.AoeDisk;
import org.visorfleet.aoe.initiator.AoeInitiator;
import org.visorfleet.aoe.transport.UdpEthernetTransport;

/**
 * Nothing acknowledged is lost: a client writes through {@code visorfleet aoe serve} (flushing some
 * writes, not others), the target is killed with SIGKILL mid-run, and after a restart the same client
 * reads back every write it was acknowledged, while the golden image is unchanged.
 */
@Tag("e2e")
class TargetKillTest {
    private static final Duration START = Duration.ofSeconds(20);
    private static final MacAddress CLIENT = MacAddress.of("52:54:00:de:ad:01");

    @TempDir
    Path dir;

    @Test
    void acknowledgedWritesSurviveKillNine() throws Exception {
        Path golden = dir.resolve("golden.img");
        byte[] original = new byte[16 << 20];
        long seed = System.nanoTime();
        System.out.println("TargetKillTest seed " + seed);
        Random rnd = new Random(seed);
        rnd.nextBytes(original);
        Files.write(golden, original);
        String overlays = dir.resolve("overlays").toString();
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort(); // a port free for TCP is very likely free for UDP too
        }
        String udp = "127.0.0.1:" + port;
        String[] serve = {"aoe", "serve", "--udp", udp, "--export", "1.0=" + golden, "--overlays", overlays};
        Pattern ready = Pattern.compile("(?m) INFO AoE target on udp:");

        byte[] expected = original.clone();
        try (CliProcess server = CliProcess.start(dir, serve)) {
            server.await(ready, START);
            try (AoeInitiator initiator = initiator(port)) {
                AoeDisk disk = open(initiator);
                for (int i = 0; i < 40; i++) {
                    int sectors = 1 + rnd.nextInt(64);
                    long lba = rnd.nextInt(original.length / 512 - sectors);
                    byte[] data = new byte[sectors * 512];
                    rnd.nextBytes(data);
                    disk.write(lba, ByteBuffer.wrap(data), 16); // returns once every sector is acknowledged
                    System.arraycopy(data, 0, expected, (int) lba * 512, data.length);
                    if (i % 10 == 9) {
                        disk.flush();
                    }
                }
            }
            assertEquals(137, server.kill(), "killed by SIGKILL");
        }

        try (CliProcess server = CliProcess.start(dir, serve)) {
            server.await(ready, START);
            try (AoeInitiator initiator = initiator(port)) {
                ByteBuffer back = ByteBuffer.allocate(original.length);
                open(initiator).read(0, back, 32);
                assertArrayEquals(
                        expected, back.array(), "the client sees all its acknowledged writes (seed " + seed + ")");
            }
            assertEquals(0, server.terminate(Duration.ofSeconds(5)), server::toString);
        }
        assertArrayEquals(original, Files.readAllBytes(golden), "golden image unchanged");
    }

    private static AoeInitiator initiator(int port) throws Exception {
        UdpEthernetTransport link = UdpEthernetTransport.open(new InetSocketAddress("127.0.0.1", 0), CLIENT);
        return new AoeInitiator(link, new InetSocketAddress("127.0.0.1", port));
    }

    private static AoeDisk open(AoeInitiator initiator) throws Exception {
        for (int i = 0; i < 20; i++) {
            var found = initiator.discover(1, 0, Duration.ofMillis(200));
            if (!found.isEmpty()) {
                return initiator.open(found.getFirst());
            }
        }
        throw new AssertionError("target did not answer discovery");
    }
}
