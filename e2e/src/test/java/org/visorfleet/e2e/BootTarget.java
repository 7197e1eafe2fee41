package org.visorfleet.e2e;

import java.io.Closeable;
import java.io.IOException;

/**
 * An AoE target serving one disk image for the length of a test: {@link VbladeTarget} (the
 * reference peer) or {@link VisorfleetTarget} (ours). Tests start one per scenario in
 * try-with-resources, next to the {@link QemuIpxeClient} that boots from it, so swapping
 * implementations is one line.
 *
 * <p>Contract: the target answers AoE requests by the time the factory returns; {@link #close}
 * stops it and only it (its own processes, by PID, and interfaces it created) and leaves every write
 * it acknowledged durable where that target keeps writes: the image file (vblade) or the client's
 * copy-on-write overlay (visorfleet with overlays).
 */
interface BootTarget extends Closeable {

    AoeAddress address();

    /** What the target logged, for failure messages. */
    String log();

    @Override
    void close() throws IOException;
}
