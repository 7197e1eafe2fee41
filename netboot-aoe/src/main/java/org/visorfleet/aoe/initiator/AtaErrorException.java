package org.visorfleet.aoe.initiator;

import java.io.IOException;

/** The target executed an ATA command and reported an error status (e.g. IDNF for a missing sector). */
public final class AtaErrorException extends IOException {
    private final int status;
    private final int error;

    public AtaErrorException(int command, int status, int error, long lba) {
        super(String.format(
                "ATA command 0x%02X at LBA %d failed: status 0x%02X, error 0x%02X", command, lba, status, error));
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public int error() {
        return error;
    }
}
