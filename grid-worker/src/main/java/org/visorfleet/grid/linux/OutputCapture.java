package org.visorfleet.grid.linux;

import java.util.Arrays;

/**
 * Bounded in-memory files: stdout, stderr and declared outputs share one byte budget. A write that
 * does not fit is cut at the budget and the caller stops the run.
 */
final class OutputCapture {
    private long remaining;

    OutputCapture(long maxBytes) {
        this.remaining = maxBytes;
    }

    /** A growable file whose growth is charged to the shared budget. */
    final class Buffer {
        private byte[] bytes = new byte[0];
        private int size;

        int size() {
            return size;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(bytes, size);
        }

        /** Writes at {@code position}, zero-filling a gap; returns how many bytes fit the budget. */
        int write(long position, byte[] src, int off, int len) {
            long room = size + remaining; // the furthest end this buffer may reach
            if (position >= room) {
                return 0;
            }
            len = (int) Math.min(len, room - position);
            long end = position + len;
            long growth = Math.max(0, end - size);
            if (end > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(room, Math.max(end, bytes.length * 2L)));
            }
            size = (int) Math.max(size, end);
            System.arraycopy(src, off, bytes, (int) position, len);
            remaining -= growth;
            return len;
        }

        void truncate() {
            remaining += size;
            bytes = new byte[0];
            size = 0;
        }

        /** Copies up to {@code len} bytes from {@code position}; returns the count (0 at end). */
        int read(long position, byte[] dst, int len) {
            int n = (int) Math.max(0, Math.min(len, size - position));
            System.arraycopy(bytes, (int) Math.min(position, size), dst, 0, n);
            return n;
        }
    }

    Buffer newBuffer() {
        return new Buffer();
    }

    long remaining() {
        return remaining;
    }
}
