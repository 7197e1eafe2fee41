package org.visorfleet.grid.linux;

import java.nio.charset.StandardCharsets;

/** Reads and writes of C data in guest memory on behalf of system calls. */
final class GuestData {
    /** PATH_MAX including the terminating NUL. */
    static final int PATH_MAX = 4096;

    private GuestData() {}

    /** Outcome of reading a C string: the string, or the errno explaining why there is none. */
    record CString(String value, int errno) {}

    /** Reads a NUL-terminated string of at most {@code max - 1} bytes (EFAULT, ENAMETOOLONG). */
    static CString readCString(GuestAccess mem, long addr, int max) {
        byte[] buf = new byte[max];
        byte[] one = new byte[1];
        for (int i = 0; i < max; i++) {
            if (!mem.read(addr + i, one, 0, 1)) {
                return new CString(null, Errno.EFAULT);
            }
            if (one[0] == 0) {
                return new CString(new String(buf, 0, i, StandardCharsets.UTF_8), 0);
            }
            buf[i] = one[0];
        }
        return new CString(null, Errno.ENAMETOOLONG);
    }

    static boolean readU64s(GuestAccess mem, long addr, long[] out) {
        byte[] b = new byte[out.length * 8];
        if (!mem.read(addr, b, 0, b.length)) {
            return false;
        }
        for (int i = 0; i < out.length; i++) {
            out[i] = getU64(b, i * 8);
        }
        return true;
    }

    static boolean writeU64s(GuestAccess mem, long addr, long... values) {
        byte[] b = new byte[values.length * 8];
        for (int i = 0; i < values.length; i++) {
            putU64(b, i * 8, values[i]);
        }
        return mem.write(addr, b, 0, b.length);
    }

    static void putU64(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static void putU32(byte[] b, int off, long v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static long getU64(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = v << 8 | (b[off + i] & 0xff);
        }
        return v;
    }

    /** Copies {@code s} into {@code b} at {@code off}, NUL-padded to {@code width} (truncated to width - 1). */
    static void putString(byte[] b, int off, int width, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, b, off, Math.min(bytes.length, width - 1));
    }
}
