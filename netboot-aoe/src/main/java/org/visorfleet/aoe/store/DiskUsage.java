package org.visorfleet.aoe.store;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * Bytes a file occupies on disk ({@code st_blocks * 512}), which the JDK does not expose; for sparse
 * overlays this is far below the logical size. Linux {@code statx(2)} via the FFM API; elsewhere
 * the answer is -1 ("unknown").
 */
final class DiskUsage {
    private static final System.Logger LOG = System.getLogger(DiskUsage.class.getName());
    private static final int AT_FDCWD = -100;
    private static final int STATX_BLOCKS = 0x400;
    private static final int STATX_SIZE = 256;
    /** {@code struct statx}: {@code __u32 stx_mask} at 0, {@code __u64 stx_blocks} at 48 (all architectures). */
    private static final long MASK_OFFSET = 0;

    private static final long BLOCKS_OFFSET = 48;
    private static final MethodHandle STATX = lookup();

    private DiskUsage() {}

    /** Allocated bytes of {@code file}, or -1 if the platform cannot tell. */
    static long allocatedBytes(Path file) {
        if (STATX == null) {
            return -1;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATX_SIZE, 8);
            int rc = (int) STATX.invokeExact(
                    AT_FDCWD, arena.allocateFrom(file.toAbsolutePath().toString()), 0, STATX_BLOCKS, buf);
            if (rc != 0 || (buf.get(ValueLayout.JAVA_INT, MASK_OFFSET) & STATX_BLOCKS) == 0) {
                return -1;
            }
            return buf.get(ValueLayout.JAVA_LONG, BLOCKS_OFFSET) * 512;
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "statx failed for " + file + ": " + e);
            return -1;
        }
    }

    @SuppressWarnings("restricted") // the one native call of this package; see the class comment
    private static MethodHandle lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup()
                    .find("statx")
                    .map(symbol -> linker.downcallHandle(
                            symbol,
                            FunctionDescriptor.of(
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.ADDRESS,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.JAVA_INT,
                                    ValueLayout.ADDRESS)))
                    .orElse(null);
        } catch (RuntimeException e) {
            // e.g. native access denied (--enable-native-access not granted with =deny): report unknown.
            LOG.log(System.Logger.Level.WARNING, "statx unavailable, disk usage unknown: " + e);
            return null;
        }
    }
}
