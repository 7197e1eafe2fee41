package org.visorfleet.grid.linux;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * File descriptors over the job's declared files: fd 0 reads {@link JobFiles#stdin()}, fds 1 and 2
 * are captured, inputs open read-only, outputs open write-only (or read-write) and are captured.
 * Every method returns the syscall result: a count or descriptor, or -errno. Single-threaded.
 */
final class FileSyscalls {
    static final int AT_FDCWD = -100;
    static final int AT_EMPTY_PATH = 0x1000;
    static final int O_ACCMODE = 3;
    static final int O_RDONLY = 0;
    static final int O_CREAT = 0x40;
    static final int O_EXCL = 0x80;
    static final int O_TRUNC = 0x200;
    static final int O_APPEND = 0x400;
    static final int O_DIRECTORY = 0x10000;

    /** Largest transfer one read/write call performs; shorter counts are legal POSIX results. */
    static final int MAX_TRANSFER = 1 << 20;

    static final int STAT_SIZE = 128;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFREG = 0100000;

    private enum Kind {
        STDIN,
        CAPTURE,
        INPUT,
        OUTPUT
    }

    /** One open description: a file and a position. */
    private static final class Open {
        final Kind kind;
        final String name;
        final int flags;
        final byte[] content; // STDIN and INPUT
        final OutputCapture.Buffer buffer; // CAPTURE and OUTPUT
        final int inode;
        long position;

        Open(Kind kind, String name, int flags, byte[] content, OutputCapture.Buffer buffer, int inode) {
            this.kind = kind;
            this.name = name;
            this.flags = flags;
            this.content = content;
            this.buffer = buffer;
            this.inode = inode;
        }

        boolean readable() {
            return kind == Kind.STDIN || kind == Kind.INPUT || (kind == Kind.OUTPUT && (flags & O_ACCMODE) == 2);
        }

        boolean writable() {
            return kind == Kind.CAPTURE || kind == Kind.OUTPUT;
        }

        long size() {
            return content != null ? content.length : buffer.size();
        }
    }

    private final GuestAccess mem;
    private final JobFiles files;
    private final OutputCapture capture;
    private final int maxOpen;
    private final List<Open> table = new ArrayList<>();
    private final Map<String, OutputCapture.Buffer> outputs = new LinkedHashMap<>();
    private final OutputCapture.Buffer stdout;
    private final OutputCapture.Buffer stderr;
    private boolean outputFull;

    FileSyscalls(GuestAccess mem, JobFiles files, OutputCapture capture, int maxOpen) {
        this.mem = mem;
        this.files = files;
        this.capture = capture;
        this.maxOpen = maxOpen;
        this.stdout = capture.newBuffer();
        this.stderr = capture.newBuffer();
        table.add(new Open(Kind.STDIN, "stdin", O_RDONLY, files.stdin(), null, 1));
        table.add(new Open(Kind.CAPTURE, "stdout", 1, null, stdout, 2));
        table.add(new Open(Kind.CAPTURE, "stderr", 1, null, stderr, 3));
    }

    byte[] stdout() {
        return stdout.toByteArray();
    }

    byte[] stderr() {
        return stderr.toByteArray();
    }

    /** Output files the guest created, in creation order. */
    Map<String, byte[]> outputs() {
        Map<String, byte[]> copy = new LinkedHashMap<>();
        outputs.forEach((name, buffer) -> copy.put(name, buffer.toByteArray()));
        return Collections.unmodifiableMap(copy);
    }

    /** True once a write was cut short by the output cap. */
    boolean outputFull() {
        return outputFull;
    }

    long openat(long dirfd, long pathAddr, long flags) {
        GuestData.CString path = GuestData.readCString(mem, pathAddr, GuestData.PATH_MAX);
        if (path.value() == null) {
            return -path.errno();
        }
        String name = resolve(dirfd, path.value());
        if (name == null) {
            return relativeError(dirfd);
        }
        int f = (int) flags;
        boolean writing = (f & O_ACCMODE) != O_RDONLY;
        if (name.isEmpty()) {
            return writing ? -Errno.EISDIR : -Errno.EACCES; // the working directory cannot be listed
        }
        Open open;
        if (files.inputs().containsKey(name)) {
            if (writing || (f & O_TRUNC) != 0) {
                return -Errno.EACCES;
            }
            if ((f & O_CREAT) != 0 && (f & O_EXCL) != 0) {
                return -Errno.EEXIST;
            }
            open = new Open(Kind.INPUT, name, f, files.inputs().get(name), null, inode(name));
        } else if (files.outputs().contains(name)) {
            OutputCapture.Buffer existing = outputs.get(name);
            if (!writing) {
                return existing == null ? -Errno.ENOENT : -Errno.EACCES;
            }
            if (existing == null && (f & O_CREAT) == 0) {
                return -Errno.ENOENT;
            }
            if (existing != null && (f & O_CREAT) != 0 && (f & O_EXCL) != 0) {
                return -Errno.EEXIST;
            }
            OutputCapture.Buffer buffer = existing != null ? existing : capture.newBuffer();
            if ((f & O_TRUNC) != 0) {
                buffer.truncate();
            }
            outputs.put(name, buffer);
            open = new Open(Kind.OUTPUT, name, f, null, buffer, inode(name));
        } else {
            return (f & O_CREAT) != 0 ? -Errno.EACCES : -Errno.ENOENT;
        }
        if ((f & O_DIRECTORY) != 0) {
            return -Errno.ENOTDIR;
        }
        return install(open);
    }

    long close(long fd) {
        if (get(fd) == null) {
            return -Errno.EBADF;
        }
        table.set((int) fd, null);
        return 0;
    }

    long read(long fd, long buf, long count) {
        Open o = get(fd);
        if (o == null || !o.readable()) {
            return -Errno.EBADF;
        }
        if (count < 0) {
            return -Errno.EINVAL;
        }
        int n = (int) Math.min(Math.min(count, MAX_TRANSFER), Math.max(0, o.size() - o.position));
        byte[] chunk = new byte[n];
        if (o.content != null) {
            System.arraycopy(o.content, (int) o.position, chunk, 0, n);
        } else {
            o.buffer.read(o.position, chunk, n);
        }
        if (n > 0 && !mem.write(buf, chunk, 0, n)) {
            return -Errno.EFAULT;
        }
        o.position += n;
        return n;
    }

    long write(long fd, long buf, long count) {
        Open o = get(fd);
        if (o == null || !o.writable()) {
            return -Errno.EBADF;
        }
        if (count < 0) {
            return -Errno.EINVAL;
        }
        int n = (int) Math.min(count, MAX_TRANSFER);
        byte[] chunk = new byte[n];
        if (n > 0 && !mem.read(buf, chunk, 0, n)) {
            return -Errno.EFAULT;
        }
        long position = o.kind == Kind.CAPTURE || (o.flags & O_APPEND) != 0 ? o.size() : o.position;
        int written = o.buffer.write(position, chunk, 0, n);
        if (written < n) {
            outputFull = true;
        }
        o.position = position + written;
        return written;
    }

    /** readv (write = false) and writev: iovec is {base u64, len u64}; stops at the first short transfer. */
    long vector(long fd, long iov, long iovcnt, boolean write) {
        if (iovcnt < 0 || iovcnt > 1024) {
            return -Errno.EINVAL;
        }
        if (get(fd) == null) {
            return -Errno.EBADF;
        }
        long[] vec = new long[(int) iovcnt * 2];
        if (!GuestData.readU64s(mem, iov, vec)) {
            return -Errno.EFAULT;
        }
        long total = 0;
        for (int i = 0; i < vec.length; i += 2) {
            long n = write ? write(fd, vec[i], vec[i + 1]) : read(fd, vec[i], vec[i + 1]);
            if (n < 0) {
                return total > 0 ? total : n;
            }
            total += n;
            if (n < vec[i + 1] || outputFull) {
                break;
            }
        }
        return total;
    }

    long lseek(long fd, long offset, long whence) {
        Open o = get(fd);
        if (o == null) {
            return -Errno.EBADF;
        }
        if (o.kind == Kind.STDIN || o.kind == Kind.CAPTURE) {
            return -Errno.ESPIPE;
        }
        long base =
                switch ((int) whence) {
                    case 0 -> 0;
                    case 1 -> o.position;
                    case 2 -> o.size();
                    default -> -1;
                };
        if (base < 0 || whence != (int) whence || offset > Integer.MAX_VALUE || base + offset < 0) {
            return -Errno.EINVAL;
        }
        o.position = base + offset;
        return o.position;
    }

    long fstat(long fd, long statAddr) {
        Open o = get(fd);
        if (o == null) {
            return -Errno.EBADF;
        }
        return mem.write(statAddr, stat(o), 0, STAT_SIZE) ? 0 : -Errno.EFAULT;
    }

    long newfstatat(long dirfd, long pathAddr, long statAddr, long flags) {
        GuestData.CString path = GuestData.readCString(mem, pathAddr, GuestData.PATH_MAX);
        if (path.value() == null) {
            return -path.errno();
        }
        if (path.value().isEmpty()) {
            return (flags & AT_EMPTY_PATH) != 0 ? fstat(dirfd, statAddr) : -Errno.ENOENT;
        }
        String name = resolve(dirfd, path.value());
        if (name == null) {
            return relativeError(dirfd);
        }
        Open o;
        if (files.inputs().containsKey(name)) {
            o = new Open(Kind.INPUT, name, O_RDONLY, files.inputs().get(name), null, inode(name));
        } else if (outputs.containsKey(name)) {
            o = new Open(Kind.OUTPUT, name, 1, null, outputs.get(name), inode(name));
        } else {
            return -Errno.ENOENT;
        }
        return mem.write(statAddr, stat(o), 0, STAT_SIZE) ? 0 : -Errno.EFAULT;
    }

    /** faccessat: inputs are readable, created outputs writable; everything else is absent. */
    long faccessat(long dirfd, long pathAddr, long mode) {
        GuestData.CString path = GuestData.readCString(mem, pathAddr, GuestData.PATH_MAX);
        if (path.value() == null) {
            return -path.errno();
        }
        String name = resolve(dirfd, path.value());
        if (name == null) {
            return relativeError(dirfd);
        }
        int wanted = (int) mode & 7; // R_OK 4, W_OK 2, X_OK 1
        if (files.inputs().containsKey(name)) {
            return (wanted & 3) == 0 ? 0 : -Errno.EACCES;
        }
        if (outputs.containsKey(name)) {
            return (wanted & 5) == 0 ? 0 : -Errno.EACCES;
        }
        return -Errno.ENOENT;
    }

    /** readlinkat: only /proc/self/exe is a link, to /work/PROGRAM; the result is not NUL-terminated. */
    long readlinkat(long pathAddr, long buf, long size) {
        GuestData.CString path = GuestData.readCString(mem, pathAddr, GuestData.PATH_MAX);
        if (path.value() == null) {
            return -path.errno();
        }
        if (size <= 0) {
            return -Errno.EINVAL;
        }
        if (!path.value().equals("/proc/self/exe")) {
            String name = resolve(AT_FDCWD, path.value());
            boolean exists = files.inputs().containsKey(name) || outputs.containsKey(name) || "".equals(name);
            return exists ? -Errno.EINVAL : -Errno.ENOENT; // existing files are not symbolic links
        }
        byte[] target = (JobFiles.CWD + "/" + files.programName()).getBytes(StandardCharsets.UTF_8);
        int n = (int) Math.min(size, target.length);
        return mem.write(buf, target, 0, n) ? n : -Errno.EFAULT;
    }

    long getcwd(long buf, long size) {
        byte[] cwd = (JobFiles.CWD + "\0").getBytes(StandardCharsets.UTF_8);
        if (size < cwd.length) {
            return -Errno.ERANGE;
        }
        return mem.write(buf, cwd, 0, cwd.length) ? cwd.length : -Errno.EFAULT;
    }

    /** No descriptor is a terminal, so every ioctl (TCGETS from isatty) fails with ENOTTY. */
    long ioctl(long fd) {
        return get(fd) == null ? -Errno.EBADF : -Errno.ENOTTY;
    }

    /** fcntl: F_GETFD/F_SETFD (no close-on-exec state matters without exec) and F_GETFL. */
    long fcntl(long fd, long cmd) {
        Open o = get(fd);
        if (o == null) {
            return -Errno.EBADF;
        }
        return switch ((int) cmd) {
            case 1, 2 -> 0;
            case 3 -> o.flags & (O_ACCMODE | O_APPEND);
            default -> -Errno.EINVAL;
        };
    }

    boolean isOpen(long fd) {
        return get(fd) != null;
    }

    private Open get(long fd) {
        return fd >= 0 && fd < table.size() ? table.get((int) fd) : null;
    }

    private long install(Open open) {
        int fd = table.indexOf(null);
        if (fd < 0) {
            if (table.size() >= maxOpen) {
                return -Errno.EMFILE;
            }
            table.add(open);
            return table.size() - 1;
        }
        table.set(fd, open);
        return fd;
    }

    private long relativeError(long dirfd) {
        return get(dirfd) == null ? -Errno.EBADF : -Errno.ENOTDIR;
    }

    /**
     * Maps a guest path to a declared file name: "" for the working directory itself, the name for
     * a file directly in /work, null when relative to a descriptor other than AT_FDCWD. Anything
     * else resolves to a name no job declares (so ENOENT), e.g. "/etc/passwd" → "/etc/passwd".
     */
    private static String resolve(long dirfd, String path) {
        if (!path.startsWith("/") && dirfd != AT_FDCWD) {
            return null;
        }
        String absolute = path.startsWith("/") ? path : JobFiles.CWD + "/" + path;
        List<String> parts = new ArrayList<>();
        for (String part : absolute.split("/")) {
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.size() == 1 && parts.getFirst().equals("work")) {
            return "";
        }
        if (parts.size() == 2 && parts.getFirst().equals("work")) {
            return parts.get(1);
        }
        return "/" + String.join("/", parts);
    }

    private int inode(String name) {
        return 16 + (name.hashCode() & 0xffff);
    }

    /**
     * struct stat of asm-generic (128 bytes): 0 dev, 8 ino, 16 mode u32, 20 nlink u32, 24 uid, 28
     * gid, 32 rdev, 48 size, 56 blksize i32, 64 blocks, 72/88/104 atime/mtime/ctime seconds (each
     * followed by nanoseconds). Times are the sandbox epoch; owner is the sandbox user.
     */
    private static byte[] stat(Open o) {
        byte[] s = new byte[STAT_SIZE];
        boolean device = o.kind == Kind.STDIN || o.kind == Kind.CAPTURE;
        GuestData.putU64(s, 0, device ? 0x5 : 0x801);
        GuestData.putU64(s, 8, o.inode);
        GuestData.putU32(s, 16, device ? S_IFCHR | 0620 : S_IFREG | (o.kind == Kind.INPUT ? 0444 : 0644));
        GuestData.putU32(s, 20, 1);
        GuestData.putU32(s, 24, ProcessSyscalls.UID);
        GuestData.putU32(s, 28, ProcessSyscalls.GID);
        GuestData.putU64(s, 32, device ? (136L << 8) : 0);
        GuestData.putU64(s, 48, device ? 0 : o.size());
        GuestData.putU32(s, 56, 4096);
        GuestData.putU64(s, 64, device ? 0 : (o.size() + 511) / 512);
        for (int t = 72; t <= 104; t += 16) {
            GuestData.putU64(s, t, GuestClock.EPOCH_SECONDS);
        }
        return s;
    }
}
