package org.visorfleet.console.api;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The server certificates the user chose to trust, like ssh's known_hosts: one SHA-256 fingerprint
 * (lower-case hex of the DER of the server's own certificate) per {@code host:port}.
 *
 * <p>File format: a JSON object {@code {"host:port": "sha256hex", ...}}, rewritten whole through a
 * temporary file and an atomic rename so a crash leaves the old or the new file, never half of one.
 * Thread-safe; call from a background thread (it does disk I/O).
 */
public final class KnownServers {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;

    /** Known servers kept in {@code file} (created on the first {@link #remember}). */
    public KnownServers(Path file) {
        this.file = file;
    }

    /** The file this store reads and writes. */
    public Path file() {
        return file;
    }

    /** The fingerprint remembered for {@code server} ({@code host:port}), if any. */
    public synchronized Optional<String> fingerprintOf(String server) throws IOException {
        return Optional.ofNullable(read().get(key(server)));
    }

    /** Remembers {@code sha256} for {@code server}, replacing any earlier fingerprint. */
    public synchronized void remember(String server, String sha256) throws IOException {
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a SHA-256 fingerprint in lower-case hex: " + sha256);
        }
        TreeMap<String, String> all = read();
        all.put(key(server), sha256);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), all);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private TreeMap<String, String> read() throws IOException {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<TreeMap<String, String>>() {});
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String key(String server) {
        return server.toLowerCase(Locale.ROOT);
    }
}
