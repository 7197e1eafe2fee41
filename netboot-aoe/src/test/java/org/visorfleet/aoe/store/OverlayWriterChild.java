package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Child JVM for the kill -9 test: writes {@link CrashOps} ops to an overlay forever, printing
 * {@code ACK <index>} after each write returns. Args: overlay golden tag seed maxSectors regions...
 */
public final class OverlayWriterChild {
    private OverlayWriterChild() {}

    public static void main(String[] args) throws IOException {
        Path overlayFile = Path.of(args[0]);
        Path goldenFile = Path.of(args[1]);
        long seed = Long.parseLong(args[3]);
        int maxSectors = Integer.parseInt(args[4]);
        long[] regions = new long[args.length - 5];
        for (int i = 0; i < regions.length; i++) {
            regions[i] = Long.parseLong(args[5 + i]);
        }
        CrashOps ops = new CrashOps(seed, maxSectors, regions);
        long deadline = System.nanoTime() + 30_000_000_000L; // never outlive a lost parent for long
        try (RawFileStore golden = RawFileStore.open(goldenFile, true);
                CowOverlayStore overlay = CowOverlayStore.open(overlayFile, golden, args[2])) {
            for (int i = 0; System.nanoTime() < deadline; i++) {
                CrashOps.Op op = ops.op(i);
                TestDisks.write(overlay, op.lba(), op.data());
                System.out.println("ACK " + i);
                System.out.flush();
                if (System.out.checkError()) {
                    return; // parent gone
                }
                if (i % 100 == 99) {
                    overlay.flush();
                }
            }
        }
    }
}
