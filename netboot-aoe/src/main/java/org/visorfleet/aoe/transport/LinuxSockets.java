package org.visorfleet.aoe.transport;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The few libc socket calls the JDK lacks, bound with the FFM API, plus the struct layouts and
 * constants they need.
 *
 * <p>Layouts and constants are those of Linux on LP64 architectures with the generic socket ABI
 * (x86_64, aarch64, riscv64); {@link #checkSupported()} refuses anything else rather than guess.
 * Every call captures {@code errno} into a caller-supplied {@link #ERRNO_STATE}-sized segment, so
 * hot paths can reuse one segment per batch instead of allocating per call.
 */
final class LinuxSockets {
    private LinuxSockets() {}

    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 0x80000;

    static final int SOL_SOCKET = 1;
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_RCVTIMEO = 20;
    static final int SO_SNDTIMEO = 21;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;

    static final int SOL_PACKET = 263;
    static final int PACKET_QDISC_BYPASS = 20;
    static final int PACKET_IGNORE_OUTGOING = 23;

    /** {@code sll_pkttype} values (linux/if_packet.h). */
    static final int PACKET_OTHERHOST = 3;

    static final int PACKET_OUTGOING = 4;

    static final int MSG_TRUNC = 0x20;
    static final int MSG_WAITFORONE = 0x10000;

    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int ENXIO = 6;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int ENOBUFS = 105;

    private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(
            Map.entry(1, "EPERM"),
            Map.entry(2, "ENOENT"),
            Map.entry(4, "EINTR"),
            Map.entry(6, "ENXIO"),
            Map.entry(9, "EBADF"),
            Map.entry(11, "EAGAIN"),
            Map.entry(12, "ENOMEM"),
            Map.entry(13, "EACCES"),
            Map.entry(14, "EFAULT"),
            Map.entry(19, "ENODEV"),
            Map.entry(22, "EINVAL"),
            Map.entry(24, "EMFILE"),
            Map.entry(90, "EMSGSIZE"),
            Map.entry(92, "ENOPROTOOPT"),
            Map.entry(93, "EPROTONOSUPPORT"),
            Map.entry(95, "EOPNOTSUPP"),
            Map.entry(97, "EAFNOSUPPORT"),
            Map.entry(100, "ENETDOWN"),
            Map.entry(105, "ENOBUFS"));

    /**
     * {@code struct sockaddr_ll} (linux/if_packet.h), 20 bytes.
     *
     * <pre>
     * offset size field
     *      0    2 sll_family    AF_PACKET, native order
     *      2    2 sll_protocol  EtherType, network (big-endian) order
     *      4    4 sll_ifindex   native order
     *      8    2 sll_hatype    ARPHRD_*
     *     10    1 sll_pkttype   PACKET_HOST, PACKET_BROADCAST, ... PACKET_OUTGOING
     *     11    1 sll_halen
     *     12    8 sll_addr      link-layer source address (first sll_halen bytes)
     * </pre>
     */
    static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            JAVA_SHORT.withName("sll_family"),
            JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN).withName("sll_protocol"),
            JAVA_INT.withName("sll_ifindex"),
            JAVA_SHORT.withName("sll_hatype"),
            JAVA_BYTE.withName("sll_pkttype"),
            JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sll_addr"));

    /** {@code struct iovec}: base pointer, then length (size_t). 16 bytes. */
    static final StructLayout IOVEC =
            MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

    /**
     * {@code struct mmsghdr}: a {@code struct msghdr} (56 bytes on LP64) followed by
     * {@code unsigned int msg_len}, padded to 64 bytes.
     *
     * <pre>
     * offset size field
     *      0    8 msg_name        sockaddr buffer, or NULL
     *      8    4 msg_namelen     in: buffer size; out: address length
     *     16    8 msg_iov
     *     24    8 msg_iovlen
     *     32    8 msg_control
     *     40    8 msg_controllen
     *     48    4 msg_flags       out (receive): MSG_TRUNC, ...
     *     56    4 msg_len         out: bytes received or sent
     * </pre>
     */
    static final StructLayout MMSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4),
            JAVA_INT.withName("msg_len"),
            MemoryLayout.paddingLayout(4));

    static final long MSG_NAME = MMSGHDR.byteOffset(groupElement("msg_name"));
    static final long MSG_NAMELEN = MMSGHDR.byteOffset(groupElement("msg_namelen"));
    static final long MSG_IOV = MMSGHDR.byteOffset(groupElement("msg_iov"));
    static final long MSG_IOVLEN = MMSGHDR.byteOffset(groupElement("msg_iovlen"));
    static final long MSG_FLAGS = MMSGHDR.byteOffset(groupElement("msg_flags"));
    static final long MSG_LEN = MMSGHDR.byteOffset(groupElement("msg_len"));
    static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
    static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
    static final long SLL_FAMILY = SOCKADDR_LL.byteOffset(groupElement("sll_family"));
    static final long SLL_PROTOCOL = SOCKADDR_LL.byteOffset(groupElement("sll_protocol"));
    static final long SLL_IFINDEX = SOCKADDR_LL.byteOffset(groupElement("sll_ifindex"));
    static final long SLL_PKTTYPE = SOCKADDR_LL.byteOffset(groupElement("sll_pkttype"));

    /** {@code struct timeval}: seconds, microseconds (both long on LP64). */
    static final StructLayout TIMEVAL =
            MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(groupElement("errno")).withInvokeExactBehavior();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** Size and alignment of the segment every call writes {@code errno} into. */
    static final MemoryLayout ERRNO_STATE = CALL_STATE;

    private static final String UNSUPPORTED = unsupportedReason();

    // Resolved lazily so merely loading this class on an unsupported platform does not fail.
    private static final class Calls {
        static final MethodHandle SOCKET =
                bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SETSOCKOPT =
                bind("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle IF_NAMETOINDEX = bind("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle RECVMMSG =
                bind("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle SENDMMSG =
                bind("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

        // Restricted: the descriptors above are checked against the libc prototypes by hand.
        @SuppressWarnings("restricted")
        private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
            MemorySegment symbol =
                    LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc lacks " + name));
            return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
        }
    }

    private static String unsupportedReason() {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        if (!os.equals("Linux")) {
            return "raw Ethernet needs Linux, not " + os;
        }
        // These use the generic socket ABI with LP64 struct layouts; mips, sparc, alpha and parisc
        // number SOL_SOCKET options differently and are not worth guessing at.
        if (!(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64") || arch.equals("riscv64"))) {
            return "raw Ethernet is implemented for Linux on amd64, aarch64 and riscv64, not " + arch;
        }
        return null;
    }

    /** Throws IOException when this platform's layouts or constants are not the ones above. */
    static void checkSupported() throws IOException {
        if (UNSUPPORTED != null) {
            throw new IOException(UNSUPPORTED);
        }
    }

    /** {@code errno} as captured by the last call that used {@code state}. */
    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** {@code ENODEV (19)}, or {@code errno 123} for numbers outside the small table. */
    static String errnoName(int errno) {
        String name = ERRNO_NAMES.get(errno);
        return name != null ? name + " (" + errno + ")" : "errno " + errno;
    }

    /** An IOException naming the call, errno and interface, with a hint for missing privileges. */
    static IOException failure(String call, int errno, String iface) {
        String message = call + " failed on " + iface + ": " + errnoName(errno);
        if (errno == EPERM || errno == EACCES) {
            message += " (raw Ethernet needs CAP_NET_RAW, e.g. run as root)";
        }
        return new IOException(message);
    }

    static int ifNameToIndex(MemorySegment state, MemorySegment name) {
        try {
            return (int) Calls.IF_NAMETOINDEX.invokeExact(state, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int socket(MemorySegment state, int domain, int type, int protocol) {
        try {
            return (int) Calls.SOCKET.invokeExact(state, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(MemorySegment state, int fd, MemorySegment address) {
        try {
            return (int) Calls.BIND.invokeExact(state, fd, address, (int) address.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(MemorySegment state, int fd, int level, int name, MemorySegment value) {
        try {
            return (int) Calls.SETSOCKOPT.invokeExact(state, fd, level, name, value, (int) value.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(MemorySegment state, int fd) {
        try {
            return (int) Calls.CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code recvmmsg(fd, vector, count, flags, NULL)}: no timeout beyond SO_RCVTIMEO. */
    static int recvmmsg(MemorySegment state, int fd, MemorySegment vector, int count, int flags) {
        try {
            return (int) Calls.RECVMMSG.invokeExact(state, fd, vector, count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int sendmmsg(MemorySegment state, int fd, MemorySegment vector, int count, int flags) {
        try {
            return (int) Calls.SENDMMSG.invokeExact(state, fd, vector, count, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** An int-valued option; returns 0 or the errno. */
    static int setIntOption(Arena arena, MemorySegment state, int fd, int level, int name, int value) {
        MemorySegment v = arena.allocateFrom(JAVA_INT, value);
        return setsockopt(state, fd, level, name, v) == 0 ? 0 : errno(state);
    }

    /** SO_RCVTIMEO / SO_SNDTIMEO; returns 0 or the errno. */
    static int setTimeout(Arena arena, MemorySegment state, int fd, int name, long millis) {
        MemorySegment tv = arena.allocate(TIMEVAL);
        tv.set(JAVA_LONG, 0, millis / 1000);
        tv.set(JAVA_LONG, 8, (millis % 1000) * 1000);
        return setsockopt(state, fd, SOL_SOCKET, name, tv) == 0 ? 0 : errno(state);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        // Downcall handles declare Throwable but native code cannot throw checked exceptions.
        return new IllegalStateException(t);
    }
}
