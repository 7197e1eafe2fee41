package org.visorfleet.agent.grid;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.InputStreamResponseListener;
import org.eclipse.jetty.client.Response;

/**
 * Programs and input files of work units, kept by SHA-256 under {@code DATA/grid/blobs/} and fetched
 * over mutual TLS from {@code GET /agent/v1/grid/blobs/{sha256}} when missing. A download is written
 * to a temporary file, hashed on the way, and kept only when the hash matches the name. The cache is
 * pruned to {@link #MAX_CACHE_BYTES}, least recently used first.
 */
final class BlobCache {
    private static final System.Logger LOG = System.getLogger(BlobCache.class.getName());
    static final long MAX_BLOB_BYTES = 256L << 20;
    static final long MAX_CACHE_BYTES = 2L << 30;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final Path dir;
    private final HttpClient http;

    BlobCache(Path dir, HttpClient http) throws IOException {
        this.dir = dir;
        this.http = http;
        Files.createDirectories(dir);
        try (Stream<Path> temps = Files.list(dir)) {
            for (Path p : temps.filter(p -> p.getFileName().toString().endsWith(".part"))
                    .toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The file with this hash, fetched from {@code server} if not cached. */
    byte[] read(String sha256, URI server) throws IOException, InterruptedException {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IOException("not a SHA-256: " + sha256);
        }
        Path file = dir.resolve(sha256);
        if (!Files.exists(file)) {
            fetch(sha256, file, server);
            prune();
        }
        Files.setLastModifiedTime(file, FileTime.from(Instant.now())); // recently used
        byte[] bytes = Files.readAllBytes(file);
        if (!sha256.equals(hex(bytes))) {
            Files.deleteIfExists(file); // damaged on disk: fetch again next time
            throw new IOException("cached file " + sha256 + " is damaged; discarded");
        }
        return bytes;
    }

    private void fetch(String sha256, Path file, URI server) throws IOException, InterruptedException {
        URI uri = server.resolve("/agent/v1/grid/blobs/" + sha256);
        InputStreamResponseListener listener = new InputStreamResponseListener();
        http.newRequest(uri).timeout(10, TimeUnit.MINUTES).send(listener);
        Response response;
        try {
            response = listener.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            throw new IOException("GET " + uri + ": " + e.getMessage(), e);
        }
        Path temp = dir.resolve(sha256 + ".part");
        try (InputStream in = listener.getInputStream()) {
            if (response.getStatus() != 200) {
                throw new IOException("GET " + uri + " answered " + response.getStatus());
            }
            MessageDigest sha = newSha256();
            long size = 0;
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(temp), sha)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    size += n;
                    if (size > MAX_BLOB_BYTES) {
                        throw new IOException("GET " + uri + ": larger than " + MAX_BLOB_BYTES + " bytes");
                    }
                    out.write(buffer, 0, n);
                }
            }
            String got = HexFormat.of().formatHex(sha.digest());
            if (!got.equals(sha256)) {
                throw new IOException("GET " + uri + " sent a file whose SHA-256 is " + got);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            LOG.log(System.Logger.Level.DEBUG, "fetched {0} ({1} bytes)", sha256, size);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Deletes least recently used files until the cache fits. */
    private void prune() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> all = Files.list(dir)) {
            all.filter(p -> SHA256.matcher(p.getFileName().toString()).matches())
                    .forEach(files::add);
        }
        long total = 0;
        for (Path p : files) {
            total += Files.size(p);
        }
        if (total <= MAX_CACHE_BYTES) {
            return;
        }
        files.sort((a, b) -> {
            try {
                return Files.getLastModifiedTime(a).compareTo(Files.getLastModifiedTime(b));
            } catch (IOException e) {
                return 0;
            }
        });
        for (Path p : files) {
            if (total <= MAX_CACHE_BYTES) {
                break;
            }
            total -= Files.size(p);
            Files.deleteIfExists(p);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
