package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An overlay file exists but cannot serve as the overlay of the given golden image: it is corrupt,
 * truncated, of an unsupported format version, or was made for a different golden image. Nothing
 * was modified; resetting the overlay discards it and the client sees the golden image again.
 */
public final class OverlayFormatException extends IOException {
    public OverlayFormatException(Path file, String reason) {
        super(file + ": " + reason);
    }
}
