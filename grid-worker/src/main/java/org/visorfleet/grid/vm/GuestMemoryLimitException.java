package org.visorfleet.grid.vm;

/**
 * Mapping more guest memory would exceed the configured cap of a {@link GuestMemory}. Nothing was
 * mapped. The syscall layer turns it into {@code -ENOMEM}; the loader into a rejected work unit.
 */
public final class GuestMemoryLimitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    GuestMemoryLimitException(long requested, long mapped, long limit) {
        super(
                "guest memory limit: mapping " + requested + " more bytes to " + mapped + " would exceed " + limit,
                null,
                false,
                false);
    }
}
