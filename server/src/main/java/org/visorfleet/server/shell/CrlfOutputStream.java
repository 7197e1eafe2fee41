package org.visorfleet.server.shell;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** A terminal in raw mode needs {@code \r\n}: turns each lone {@code \n} into {@code \r\n}. */
final class CrlfOutputStream extends FilterOutputStream {

    private int last = -1;

    CrlfOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        if (b == '\n' && last != '\r') {
            out.write('\r');
        }
        out.write(b);
        last = b;
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n' && (i > off ? b[i - 1] : last) != '\r') {
                out.write(b, start, i - start);
                out.write('\r');
                start = i;
            }
        }
        out.write(b, start, off + len - start);
        if (len > 0) {
            last = b[off + len - 1];
        }
    }

    @Override
    public synchronized void flush() throws IOException {
        out.flush();
    }
}
