package org.visorfleet.aoe.server;

import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import org.visorfleet.aoe.store.BlockStore;

/**
 * Copies a whole {@link BlockStore} into a new raw image file and hashes it on the way. It owns the
 * syncs of that file: {@code force(true)} of the image, then {@code fsync} of its directory, both
 * before {@link #write} returns, so a returned snapshot survives a power loss under its name.
 *
 * <p>The copy runs on a thread of its own that nobody interrupts: the source's file channels (an
 * overlay serving a live client) would be closed by an interrupt during their I/O. An interrupt of
 * the caller cancels the copy at the next chunk instead.
 */
final class SnapshotWriter {
    /** Bytes per read and write: bounded memory whatever the image size. */
    static final int CHUNK = 1 << 20;

    /** Last check before the image is made durable; throws to discard it. */
    @FunctionalInterface
    interface Check {
        void verify() throws IOException;
    }

    private SnapshotWriter() {}

    /**
     * Flushes {@code source}, then writes it to {@code destination} (created with CREATE_NEW).
     * On any failure the partial file is deleted before the exception propagates.
     */
    static OverlayStorage.Snapshot write(BlockStore source, Path destination, Check beforeSync) throws IOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted before the snapshot to " + destination + " started");
        }
        AtomicBoolean cancelled = new AtomicBoolean();
        FutureTask<OverlayStorage.Snapshot> copy =
                new FutureTask<>(() -> copy(source, destination, beforeSync, cancelled));
        Thread worker = Thread.ofVirtual().name("snapshot " + destination).start(copy);
        try {
            return copy.get();
        } catch (InterruptedException e) {
            cancelled.set(true);
            joinUninterruptibly(worker);
            if (copy.state() == FutureTask.State.SUCCESS) { // finished just before it could notice
                deleteQuietly(destination, e);
            }
            Thread.currentThread().interrupt();
            InterruptedIOException interrupted =
                    new InterruptedIOException("snapshot to " + destination + " interrupted; partial file deleted");
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                case Error err -> throw err;
                default -> throw new IOException(e.getCause());
            }
        }
    }

    private static OverlayStorage.Snapshot copy(
            BlockStore source, Path destination, Check beforeSync, AtomicBoolean cancelled) throws IOException {
        source.flush();
        MessageDigest sha256 = sha256();
        long sectors = source.sectorCount();
        FileChannel out = FileChannel.open(destination, CREATE_NEW, WRITE); // exists: thrown, nothing to delete
        try {
            ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, sectors * BlockStore.SECTOR_SIZE));
            int perChunk = chunk.capacity() / BlockStore.SECTOR_SIZE;
            for (long lba = 0; lba < sectors; lba += perChunk) {
                if (cancelled.get()) {
                    throw new InterruptedIOException("snapshot to " + destination + " cancelled");
                }
                int n = (int) Math.min(perChunk, sectors - lba);
                chunk.clear().limit(n * BlockStore.SECTOR_SIZE);
                source.read(lba, chunk);
                chunk.flip();
                sha256.update(chunk.array(), 0, chunk.limit());
                long position = lba * BlockStore.SECTOR_SIZE;
                while (chunk.hasRemaining()) {
                    position += out.write(chunk, position);
                }
            }
            beforeSync.verify();
            out.force(true);
            out.close();
            syncDirectory(destination.toAbsolutePath().getParent());
            return new OverlayStorage.Snapshot(
                    destination,
                    sectors * BlockStore.SECTOR_SIZE,
                    HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException | RuntimeException | Error e) {
            try {
                out.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            deleteQuietly(destination, e);
            throw e;
        }
    }

    private static void deleteQuietly(Path file, Throwable failure) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, READ)) {
            ch.force(true);
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
