package org.visorfleet.server.grid;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This server's cache of grid blobs, {@code DATA/grid/blobs}, one file per blob named by its
 * SHA-256; the database holds the durable copy. New files are staged in {@code .incoming},
 * fsynced, and renamed to their name (the directory fsynced), so a cache file is always complete.
 *
 * <p>A cache file is served only if it is the blob's size and its hash was verified by this process
 * since the file was last written: files this process installed were hashed as they were written;
 * any other (left by an earlier run, or replaced behind our back: a different size, modification
 * time or inode) is hashed in full before its first use. A file that fails the check is deleted, so
 * the caller materializes the blob again from the database. Bit rot that keeps size, time and inode
 * is not detected after the first check (the agents check the hash of what they download anyway).
 */
final class BlobCache {

    private static final System.Logger LOG = System.getLogger(BlobCache.class.getName());

    /** What identifies the file whose hash was verified. */
    private record Stamp(long size, FileTime modified, Object key) {}

    private final Path directory;
    private final Path incoming;
    private final Map<String, Stamp> verified = new ConcurrentHashMap<>();

    BlobCache(Path directory) {
        this.directory = directory;
        this.incoming = directory.resolve(".incoming");
    }

    /** Creates the directories and removes staged leftovers of interrupted writes. */
    void open() throws IOException {
        Files.createDirectories(incoming);
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(incoming)) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
    }

    Path directory() {
        return directory;
    }

    /** Forgets a blob: its cache file, if any, is deleted. */
    void remove(String sha) throws IOException {
        verified.remove(sha);
        Files.deleteIfExists(path(sha));
    }

    /** A new staging file name (the file does not exist yet; the directories do). */
    Path stage() throws IOException {
        Files.createDirectories(incoming); // the cache may have been deleted while running
        return incoming.resolve(UUID.randomUUID() + ".part");
    }

    /** The cache file of a blob, whether or not it exists. */
    Path path(String sha) {
        return directory.resolve(GridBlobs.requireSha256("sha256", sha));
    }

    /**
     * Renames a complete, fsynced staged file whose hash is {@code sha} to the blob's name and
     * remembers it as verified. Replacing an existing file writes the same bytes.
     */
    void install(Path part, String sha) throws IOException {
        Path file = path(sha);
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(directory);
        stamp(file).ifPresent(s -> verified.put(sha, s));
    }

    /** The cache file of a blob if it is there, {@code size} bytes long and hashes to {@code sha}. */
    Optional<Path> get(String sha, long size) throws IOException {
        Path file = path(sha);
        Optional<Stamp> stamp = stamp(file);
        if (stamp.isEmpty()) {
            return Optional.empty();
        }
        if (stamp.get().equals(verified.get(sha))) {
            return Optional.of(file);
        }
        if (stamp.get().size() == size && sha.equals(hash(file))) {
            verified.put(sha, stamp.get());
            return Optional.of(file);
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "grid blob cache: " + sha + " is damaged ("
                        + (stamp.get().size() == size
                                ? "its bytes hash to another name"
                                : stamp.get().size() + " bytes, want " + size)
                        + "); removed, to be fetched again from the database");
        verified.remove(sha);
        Files.deleteIfExists(file);
        return Optional.empty();
    }

    private static Optional<Stamp> stamp(Path file) throws IOException {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return a.isRegularFile()
                    ? Optional.of(
                            new Stamp(a.size(), a.lastModifiedTime(), Objects.requireNonNullElse(a.fileKey(), "")))
                    : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /** The SHA-256 of a file, as lower-case hex. */
    static String hash(Path file) throws IOException {
        MessageDigest digest = GridBlobs.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
