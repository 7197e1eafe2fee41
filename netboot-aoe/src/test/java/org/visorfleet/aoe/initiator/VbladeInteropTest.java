package org.visorfleet.aoe.initiator;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.aoe.testing.VethPair;
import org.visorfleet.aoe.transport.RawEthernetTransport;

/** Our initiator against the reference target, vblade, on a veth pair: discovery, IDENTIFY, read, write. */
@Tag("interop")
class VbladeInteropTest {
    @TempDir
    Path dir;

    @Test
    void identifyReadWriteAgainstVblade() throws Exception {
        Path vblade = Prerequisites.tool("vblade");
        Prerequisites.root();
        Path image = dir.resolve("disk.img");
        byte[] content = new byte[8 << 20];
        new Random(42).nextBytes(content);
        Files.write(image, content);

        try (VethPair veth = VethPair.create()) {
            Process target = new ProcessBuilder(vblade.toString(), "3", "7", veth.b(), image.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("vblade.log").toFile())
                    .start();
            try (AoeInitiator initiator = new AoeInitiator(RawEthernetTransport.open(veth.a()), null)) {
                List<AoeInitiator.Discovered> found = List.of();
                for (int i = 0; i < 20 && found.isEmpty(); i++) {
                    found = initiator.discover(3, 7, Duration.ofMillis(250));
                }
                assertEquals(
                        1, found.size(), "vblade answers discovery: " + Files.readString(dir.resolve("vblade.log")));
                AoeDisk disk = initiator.open(found.getFirst());
                assertEquals(content.length / 512, disk.sectorCount(), "IDENTIFY capacity");
                assertTrue(disk.identity().lba48());

                ByteBuffer all = ByteBuffer.allocate(content.length);
                disk.read(0, all, 16);
                assertArrayEquals(content, all.array(), "whole image read through vblade");

                byte[] patch = new byte[1 << 20];
                new Random(43).nextBytes(patch);
                disk.write(1000, ByteBuffer.wrap(patch), 16);
                disk.flush();
                ByteBuffer back = ByteBuffer.allocate(patch.length);
                disk.read(1000, back, 16);
                assertArrayEquals(patch, back.array(), "read back what we wrote");
                byte[] onDisk = Files.readAllBytes(image);
                assertEquals(
                        ByteBuffer.wrap(patch),
                        ByteBuffer.wrap(onDisk, 1000 * 512, patch.length),
                        "vblade wrote the file");
            } finally {
                target.destroy();
                target.waitFor();
            }
        }
    }
}
