package org.visorfleet.aoe.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.store.BlockStore;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.store.OverlayDirectory;
import org.visorfleet.aoe.store.RawFileStore;

class OverlayStorageTest {
    static final ExportAddress E = new ExportAddress(1, 0);
    static final MacAddress A = MacAddress.of("52:54:00:00:00:0a");
    static final MacAddress B = MacAddress.of("52:54:00:00:00:0b");

    @TempDir
    Path dir;

    OverlayStorage open(Path golden) throws Exception {
        return new OverlayStorage(
                new OverlayDirectory(dir.resolve("overlays")), E, RawFileStore.open(golden, true), "t");
    }

    @Test
    void clientsSeeTheirOwnWritesReadersLeaveNoFileAndWritesSurviveARestart() throws Exception {
        Path golden = dir.resolve("golden.img");
        byte[] original = new byte[64 * 512];
        Arrays.fill(original, (byte) 7);
        Files.write(golden, original);
        byte[] mine = new byte[512];
        Arrays.fill(mine, (byte) 1);

        try (OverlayStorage storage = open(golden)) {
            ByteBuffer sector = ByteBuffer.allocate(512);
            storage.storeFor(B).read(3, sector);
            assertEquals(7, sector.get(0), "a reader sees the golden image");
            assertEquals(
                    0, new OverlayDirectory(dir.resolve("overlays")).list().size(), "and leaves no overlay behind");

            storage.storeFor(A).write(3, ByteBuffer.wrap(mine));
            storage.storeFor(A).flush();
            ByteBuffer a = ByteBuffer.allocate(512);
            storage.storeFor(A).read(3, a);
            assertEquals(1, a.get(0), "the writer sees its write");
            ByteBuffer b = ByteBuffer.allocate(512);
            storage.storeFor(B).read(3, b);
            assertEquals(7, b.get(0), "nobody else does");
            assertEquals(1, new OverlayDirectory(dir.resolve("overlays")).list().size());
        }
        try (OverlayStorage restarted = open(golden)) {
            BlockStore a = restarted.storeFor(A);
            ByteBuffer sector = ByteBuffer.allocate(512);
            a.read(3, sector);
            assertEquals(1, sector.get(0), "an existing overlay is used from the first read after a restart");
        }
        assertArrayEquals(original, Files.readAllBytes(golden), "golden image unchanged");
    }
}
