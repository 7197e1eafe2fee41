package org.visorfleet.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.testing.Prerequisites;

/**
 * What an administrator does with the real {@code visorfleet} command: {@code aoe serve} an image
 * with per-client overlays, watch a PXE client boot from it, list the overlays, try to reset one
 * while it is served (refused, one clear line, non-zero status), stop the server with SIGTERM (exit 0,
 * final counters logged), then reset the overlay and see it gone.
 */
@Tag("e2e")
class VisorfleetCliBootTest {
    private static final AoeAddress TARGET = new AoeAddress(1, 0);
    private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** A stack trace line, which a user should never see for an expected error. */
    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at \\S+\\(.*\\)$");

    @TempDir
    Path dir;

    @BeforeEach
    void prerequisites() {
        Prerequisites.tool("nasm");
        Prerequisites.tool(QemuGuest.QEMU);
        Prerequisites.file(QemuIpxeClient.IPXE_LKRN.toString());
    }

    @Test
    void serveBootListRefuseResetStopThenReset() throws Exception {
        BootDisk disk = BootDisk.create(
                dir, BootDisk.Layout.DEFAULT, ThreadLocalRandom.current().nextLong());
        String overlays = dir.resolve("overlays").toString();
        DgramLink link = DgramLink.allocate();
        String udp = "127.0.0.1:" + link.target().getPort();
        MacAddress client = QemuIpxeClient.DEFAULT_MAC;
        String[] reset = {"aoe", "reset", "--overlays", overlays, "--export", "1.0", "--client", client.toString()};

        try (CliProcess server = CliProcess.start(
                dir, "aoe", "serve", "--udp", udp, "--export", "1.0=" + disk.image(), "--overlays", overlays)) {
            server.await(
                    Pattern.compile("(?m) INFO AoE target on udp:" + Pattern.quote(udp) + " .*exports \\[e1\\.0\\]$"),
                    COMMAND_TIMEOUT);

            Duration took;
            try (QemuIpxeClient qemu =
                    QemuIpxeClient.sanboot(dir, link.clientLink(), QemuIpxeClient.NicModel.VIRTIO, TARGET)) {
                took = BootProbe.assertBooted(qemu.guest(), disk, BOOT_TIMEOUT);
            }
            assertEquals(
                    List.of("client " + client + " discovered e1.0 on udp:" + udp),
                    server.linesContaining(" discovered ").stream()
                            .map(l -> l.substring(l.indexOf("client ")))
                            .toList(),
                    server::toString);

            CliProcess.Result listed = CliProcess.run(dir, COMMAND_TIMEOUT, "aoe", "overlays", "--overlays", overlays);
            assertEquals(0, listed.exit(), listed::toString);
            assertTrue(
                    Pattern.compile("(?m)^e1\\.0\\s+" + Pattern.quote(client.toString()) + "\\s+512\\s")
                            .matcher(listed.stdout())
                            .find(),
                    () -> "overlay of " + client + " with 512 bytes allocated\n" + listed);

            CliProcess.Result refused = CliProcess.run(dir, COMMAND_TIMEOUT, reset);
            assertEquals(1, refused.exit(), () -> "reset while served\n" + refused);
            assertEquals(
                    List.of("visorfleet aoe reset: "
                            + dir.resolve("overlays")
                                    .toRealPath()
                                    .resolve("e1.0")
                                    .resolve(client.fileName() + ".overlay")
                            + ": overlay in use by a running target"),
                    refused.stderr().lines().toList(),
                    () -> "one clear line, no stack trace\n" + refused);

            int status = server.terminate(STOP_TIMEOUT);
            assertEquals(0, status, server::toString);
            assertTrue(
                    Pattern.compile("(?m) INFO stopped: \\d+ requests, \\d+ sectors read, 1 written$")
                            .matcher(server.output())
                            .find(),
                    () -> "final counters: one sector written\n" + server);
            assertFalse(STACK_FRAME.matcher(server.output()).find(), server::toString);
            System.out.println(
                    "iPXE boot from 'visorfleet aoe serve' over dgram: " + took.toMillis() + " ms\n" + server.output());
        }

        CliProcess.Result done = CliProcess.run(dir, COMMAND_TIMEOUT, reset);
        assertEquals(0, done.exit(), done::toString);
        assertEquals(
                "reset e1.0 for " + client + ": the client sees the golden image again\n",
                done.stdout(),
                done::toString);
        CliProcess.Result after = CliProcess.run(dir, COMMAND_TIMEOUT, "aoe", "overlays", "--overlays", overlays);
        assertEquals(0, after.exit(), after::toString);
        assertFalse(after.stdout().contains(client.toString()), () -> "overlay still listed after reset\n" + after);
        assertEquals(List.of(), disk.changedSectors(), "sectors changed on the golden image");
    }
}
