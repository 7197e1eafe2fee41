package org.visorfleet.aoe.codec;

/** The ATA command, status and error register values this target speaks (ATA/ATAPI-7 names). */
public final class AtaCommands {
    public static final int READ_SECTORS = 0x20;
    public static final int READ_SECTORS_EXT = 0x24;
    public static final int WRITE_SECTORS = 0x30;
    public static final int WRITE_SECTORS_EXT = 0x34;
    public static final int CHECK_POWER_MODE = 0xE5;
    public static final int FLUSH_CACHE = 0xE7;
    public static final int FLUSH_CACHE_EXT = 0xEA;
    public static final int IDENTIFY_DEVICE = 0xEC;

    /** Status DRDY: device ready, command complete. */
    public static final int STATUS_READY = 0x40;
    /** Status DRDY | ERR: the error register says why. */
    public static final int STATUS_ERROR = 0x41;

    /** Error ABRT: command aborted (unknown command, write to a read-only disk, write failure). */
    public static final int ERROR_ABRT = 0x04;
    /** Error IDNF: the addressed sectors do not exist. */
    public static final int ERROR_IDNF = 0x10;
    /** Error UNC: uncorrectable data error (the store failed to read). */
    public static final int ERROR_UNC = 0x40;

    /** CHECK POWER MODE's sector count in the reply: active or idle. */
    public static final int POWER_ACTIVE = 0xFF;

    private AtaCommands() {}

    /** True for the 48-bit (EXT) read/write commands. */
    public static boolean isExtended(int command) {
        return command == READ_SECTORS_EXT || command == WRITE_SECTORS_EXT;
    }

    /**
     * The LBA a command addresses: all 48 bits for EXT commands; for LBA28 commands LBA0-2 plus the
     * low nibble of LBA3 (the high nibble of the device register is not address).
     */
    public static long effectiveLba(int command, long lba) {
        return isExtended(command) ? lba : lba & 0x0FFF_FFFFL;
    }

    /** A sector count register of 0 means 256 sectors (LBA28) or 65536 (EXT) in ATA. */
    public static int effectiveCount(int command, int count) {
        if (count != 0) {
            return count;
        }
        return isExtended(command) ? 65536 : 256;
    }
}
