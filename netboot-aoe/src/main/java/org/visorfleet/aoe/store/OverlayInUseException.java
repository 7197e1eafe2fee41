package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.file.Path;

/** Another holder (a running target, in this or another process) has the overlay file open and locked. */
public final class OverlayInUseException extends IOException {
    public OverlayInUseException(Path file, String detail) {
        super(file + ": " + detail);
    }
}
