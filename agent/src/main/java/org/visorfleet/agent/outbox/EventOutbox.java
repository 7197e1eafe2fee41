package org.visorfleet.agent.outbox;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.visorfleet.agent.outbox.OutboxCodec.Decoded;
import org.visorfleet.agent.outbox.OutboxCodec.State;
import org.visorfleet.common.wire.AgentMessage;

/**
 * A durable queue of the agent's events, sent to the server until it acknowledges them.
 *
 * <p>Contract: an event {@link #append} returned is on disk (fsync) and survives kill -9 and power
 * loss until the server acknowledges it; sequence numbers grow by one per append and are never
 * reused, not even after compaction, a crash or a corrupt file. Bad bytes found on {@link #open}
 * are truncated away with a WARNING log line naming the reason and offset. The file format is in
 * {@code FORMAT.md} beside this class.
 *
 * <p>When {@link Limits#maxPending} events are pending, the oldest hundredth is dropped and the next
 * appended event's detail starts with {@code [agent.events-dropped: N ...]}.
 *
 * <p>Thread-safe: every method is synchronized. One process at a time: {@link #open} takes a file
 * lock. After an I/O error while appending, every later call throws {@link IOException}: what
 * reached the disk is unknown until the outbox is reopened (which recovers from the disk).
 */
public final class EventOutbox implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventOutbox.class.getName());

    static final String LOG_FILE = "outbox.log";
    static final String STATE_FILE = "outbox.state";
    static final String LOCK_FILE = "outbox.lock";

    /** Size bounds; {@link #DEFAULT} unless a test needs small ones. */
    record Limits(int maxPending, long compactBytes) {
        static final Limits DEFAULT = new Limits(100_000, 1024 * 1024);
    }

    private final Path dir;
    private final Limits limits;
    private final FileChannel lockChannel;
    private final ArrayDeque<AgentMessage.Event> pending = new ArrayDeque<>();
    private FileChannel log;
    private long logSize;
    private long liveBytes;
    private long lastSeq;
    private State state;
    private boolean failed;
    private boolean closed;

    private EventOutbox(Path dir, Limits limits, FileChannel lockChannel) {
        this.dir = dir;
        this.limits = limits;
        this.lockChannel = lockChannel;
    }

    /** Opens (creating if missing) the outbox in {@code directory}, recovering after a crash. */
    public static EventOutbox open(Path directory) throws IOException {
        return open(directory, Limits.DEFAULT);
    }

    static EventOutbox open(Path directory, Limits limits) throws IOException {
        Files.createDirectories(directory);
        FileChannel lock =
                FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock held = lock.tryLock();
            if (held == null) {
                throw new IOException(directory + " is in use by another process");
            }
        } catch (IOException | RuntimeException e) {
            lock.close();
            if (e instanceof OverlappingFileLockException) {
                throw new IOException(directory + " is already open in this process", e);
            }
            throw e;
        }
        EventOutbox outbox = new EventOutbox(directory, limits, lock);
        try {
            outbox.recover();
            return outbox;
        } catch (IOException | RuntimeException e) {
            outbox.close();
            throw e;
        }
    }

    /**
     * Appends an event with the next seq and the current time; returns once it is on disk.
     *
     * @param name event name, 1 to 128 characters, not blank
     * @param detail detail text; null means empty; longer than 4096 characters is truncated
     * @throws IllegalArgumentException if the name is null, blank or too long
     * @throws IOException if the event could not be made durable (the outbox is then failed)
     */
    public synchronized AgentMessage.Event append(String name, String detail) throws IOException {
        if (name == null || name.isBlank() || name.length() > OutboxCodec.MAX_NAME_CHARS) {
            throw new IllegalArgumentException(
                    "event name must be 1 to " + OutboxCodec.MAX_NAME_CHARS + " characters and not blank: " + name);
        }
        checkUsable();
        if (pending.size() >= limits.maxPending()) {
            dropOldest(Math.max(1, limits.maxPending() / 100));
        }
        String text = detail == null ? "" : detail;
        if (state.droppedUnreported() > 0) {
            text = "[agent.events-dropped: " + state.droppedUnreported() + " older events dropped, outbox full] "
                    + text;
        }
        AgentMessage.Event event =
                new AgentMessage.Event(lastSeq + 1, System.currentTimeMillis(), clean(name), clean(truncate(text)));
        byte[] record = OutboxCodec.encodeRecord(event);
        try {
            DurableFiles.writeFully(log, ByteBuffer.wrap(record), logSize);
            DurableFiles.force(log);
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw e;
        }
        logSize += record.length;
        liveBytes += record.length;
        lastSeq = event.seq();
        pending.addLast(event);
        if (state.droppedUnreported() > 0) {
            // After the event: a crash in between reports the drop twice rather than never.
            writeState(new State(state.acknowledged(), state.droppedThrough(), 0));
        }
        maybeCompact();
        return event;
    }

    /** Events above the acknowledgement (and not dropped), oldest first; a copy. */
    public synchronized List<AgentMessage.Event> pending() {
        return List.copyOf(pending);
    }

    /**
     * Records that the server holds every event up to {@code seq}; lower values than the current
     * acknowledgement are ignored. Durable once this returns. An acknowledgement above {@link
     * #lastSeq} (the server holds events this directory lost) moves the next seq above it.
     */
    public synchronized void acknowledge(long seq) throws IOException {
        checkUsable();
        if (seq <= state.acknowledged()) {
            return;
        }
        if (seq > lastSeq) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "server acknowledged seq {0,number,#} but the outbox in {1} only reached {2,number,#}; continuing above it",
                    seq,
                    dir,
                    lastSeq);
        }
        writeState(new State(seq, state.droppedThrough(), state.droppedUnreported()));
        lastSeq = Math.max(lastSeq, seq);
        removeSettled();
        maybeCompact();
    }

    public synchronized long acknowledged() {
        return state.acknowledged();
    }

    /** The highest seq used (or skipped); the next append gets {@code lastSeq() + 1}. */
    public synchronized long lastSeq() {
        return lastSeq;
    }

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (lockChannel) {
            if (log != null) {
                log.close();
            }
        }
    }

    private void recover() throws IOException {
        Files.deleteIfExists(dir.resolve(LOG_FILE + ".tmp"));
        Files.deleteIfExists(dir.resolve(STATE_FILE + ".tmp"));
        state = readState();
        Path logFile = dir.resolve(LOG_FILE);
        if (!Files.exists(logFile)) {
            DurableFiles.replace(logFile, OutboxCodec.encodeHeader(state.settled()));
        }
        log = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = log.size();
        Optional<Long> floor = OutboxCodec.decodeHeader(readHeader());
        if (floor.isEmpty()) {
            long skip = size / OutboxCodec.MIN_RECORD_BYTES + 1;
            Path aside = dir.resolve(LOG_FILE + ".corrupt-" + System.currentTimeMillis());
            LOG.log(
                    System.Logger.Level.WARNING,
                    "outbox log {0} has no valid header; moved to {1}, skipping {2,number,#} seqs",
                    logFile,
                    aside,
                    skip);
            log.close();
            Files.move(logFile, aside, StandardCopyOption.ATOMIC_MOVE);
            lastSeq = state.settled() + skip;
            DurableFiles.replace(logFile, OutboxCodec.encodeHeader(lastSeq));
            log = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
            logSize = OutboxCodec.HEADER_BYTES;
            return;
        }
        lastSeq = Math.max(floor.get(), state.settled());
        scanRecords(size);
    }

    private ByteBuffer readHeader() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(OutboxCodec.HEADER_BYTES);
        while (header.hasRemaining() && log.read(header, header.position()) > 0) {}
        return header.flip();
    }

    /** Reads records after the header; truncates at the first bad one (see FORMAT.md, Recovery). */
    private void scanRecords(long size) throws IOException {
        long good = OutboxCodec.HEADER_BYTES;
        long previous = 0;
        Decoded stop = null;
        InputStream raw = Channels.newInputStream(log.position(good));
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 64 * 1024));
        while (good < size) {
            Decoded d = readRecord(in, size - good, previous);
            if (!(d instanceof Decoded.Ok(AgentMessage.Event event, int recordSize))) {
                stop = d;
                break;
            }
            good += recordSize;
            previous = event.seq();
            lastSeq = Math.max(lastSeq, previous);
            if (event.seq() > state.settled()) {
                pending.addLast(event);
                liveBytes += recordSize;
            }
        }
        logSize = good;
        if (stop == null) {
            return;
        }
        String reason = stop instanceof Decoded.Incomplete(String r) ? r : ((Decoded.Corrupt) stop).reason();
        if (isTornTail(stop, good, size, previous)) {
            // A write append() never returned from: nothing the server can have, nothing to skip.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "outbox log {0}: torn record at offset {1,number,#} ({2}); truncating {3,number,#} bytes",
                    dir.resolve(LOG_FILE),
                    good,
                    reason,
                    size - good);
            log.truncate(good);
            DurableFiles.force(log);
            return;
        }
        // The dropped bytes may hold acknowledged events the server already has: never reuse their
        // seqs. Each record is at least MIN_RECORD_BYTES, which bounds how many there were.
        long skip = (size - good + OutboxCodec.MIN_RECORD_BYTES - 1) / OutboxCodec.MIN_RECORD_BYTES;
        LOG.log(
                System.Logger.Level.WARNING,
                "outbox log {0}: corrupt record at offset {1,number,#} ({2}); dropping it and the rest, {3,number,#} bytes,"
                        + " and skipping {4,number,#} seqs",
                dir.resolve(LOG_FILE),
                good,
                reason,
                size - good,
                skip);
        lastSeq += skip;
        compact(); // Persists the new floor in the header and drops the bad bytes.
    }

    /**
     * Whether the bytes from {@code good} to the end are an unfinished append rather than damage: too
     * short for the record their length field announces, no longer than one record, and holding no
     * valid record at any offset (a flipped bit in a length field also looks "too short", but then
     * intact records follow).
     */
    private boolean isTornTail(Decoded stop, long good, long size, long previous) throws IOException {
        long rest = size - good;
        if (!(stop instanceof Decoded.Incomplete) || rest > OutboxCodec.MAX_RECORD_BYTES) {
            return false;
        }
        ByteBuffer tail = ByteBuffer.allocate((int) rest);
        while (tail.hasRemaining() && log.read(tail, good + tail.position()) > 0) {}
        byte[] bytes = tail.array();
        for (int at = 1; at + OutboxCodec.MIN_RECORD_BYTES <= bytes.length; at++) {
            int body = OutboxCodec.bodyLength(ByteBuffer.wrap(bytes).getInt(at));
            if (body >= 0 && at + 8 + body <= bytes.length) {
                byte[] record = java.util.Arrays.copyOfRange(bytes, at, at + 8 + body);
                if (OutboxCodec.decodeRecord(record, previous) instanceof Decoded.Ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Decoded readRecord(DataInputStream in, long remaining, long previous) throws IOException {
        if (remaining < 4) {
            return new Decoded.Incomplete(remaining + " bytes left, less than a length field");
        }
        int lengthField = in.readInt();
        int body = OutboxCodec.bodyLength(lengthField);
        if (body < 0) {
            return new Decoded.Corrupt("impossible record length " + lengthField);
        }
        if (remaining < 4L + body + 4) {
            return new Decoded.Incomplete("record of " + (body + 8) + " bytes, " + remaining + " left");
        }
        byte[] record = new byte[4 + body + 4];
        ByteBuffer.wrap(record).putInt(lengthField);
        try {
            in.readFully(record, 4, body + 4);
        } catch (EOFException e) {
            // The file shrank while being read: only another writer could do that, and the lock forbids one.
            return new Decoded.Incomplete("end of file inside the record");
        }
        return OutboxCodec.decodeRecord(record, previous);
    }

    private State readState() throws IOException {
        Path file = dir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return State.EMPTY;
        }
        Optional<State> s = OutboxCodec.decodeState(Files.readAllBytes(file));
        if (s.isEmpty()) {
            // Only media corruption gets here (the file is replaced atomically). Forgetting the ack
            // resends events the server dedups by seq: safe.
            LOG.log(System.Logger.Level.WARNING, "outbox state {0} is corrupt; acknowledgement reset to 0", file);
            return State.EMPTY;
        }
        return s.get();
    }

    private void writeState(State next) throws IOException {
        DurableFiles.replace(dir.resolve(STATE_FILE), ByteBuffer.wrap(OutboxCodec.encodeState(next)));
        state = next;
    }

    private void dropOldest(int count) throws IOException {
        int n = Math.min(count, pending.size());
        long through = 0;
        int i = 0;
        for (AgentMessage.Event e : pending) {
            if (++i == n) {
                through = e.seq();
                break;
            }
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "outbox full: dropping {0,number,#} oldest events, through seq {1,number,#}",
                n,
                through);
        writeState(new State(state.acknowledged(), through, state.droppedUnreported() + n));
        removeSettled();
    }

    private void removeSettled() {
        long settled = state.settled();
        while (!pending.isEmpty() && pending.peekFirst().seq() <= settled) {
            liveBytes -= OutboxCodec.encodeRecord(pending.removeFirst()).length;
        }
    }

    /** Rewrites the log once it is large and mostly settled, so it does not grow without bound. */
    private void maybeCompact() throws IOException {
        if (logSize > limits.compactBytes() && liveBytes < logSize / 2) {
            compact();
        }
    }

    /** Replaces the log with one holding only pending events and the current {@link #lastSeq} floor. */
    private void compact() throws IOException {
        List<ByteBuffer> parts = new ArrayList<>();
        parts.add(OutboxCodec.encodeHeader(lastSeq));
        long size = OutboxCodec.HEADER_BYTES;
        for (AgentMessage.Event e : pending) {
            byte[] r = OutboxCodec.encodeRecord(e);
            parts.add(ByteBuffer.wrap(r));
            size += r.length;
        }
        Path logFile = dir.resolve(LOG_FILE);
        try {
            DurableFiles.replace(logFile, parts.toArray(ByteBuffer[]::new));
        } catch (IOException e) {
            // Up to the rename the old log is intact and still ours; after it we cannot tell which
            // file the name holds, so stop until reopened.
            failed = true;
            throw e;
        }
        log.close();
        log = FileChannel.open(logFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
        logSize = size;
        liveBytes = size - OutboxCodec.HEADER_BYTES;
    }

    private void checkUsable() throws IOException {
        if (closed) {
            throw new IllegalStateException("outbox closed");
        }
        if (failed) {
            throw new IOException("outbox in " + dir + " failed earlier; reopen it");
        }
    }

    private static String truncate(String s) {
        if (s.length() <= OutboxCodec.MAX_DETAIL_CHARS) {
            return s;
        }
        int end = OutboxCodec.MAX_DETAIL_CHARS;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--; // Do not split a surrogate pair.
        }
        return s.substring(0, end);
    }

    /** What the string reads back as from UTF-8 (a lone surrogate becomes '?'), so pending() == reopened. */
    private static String clean(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
