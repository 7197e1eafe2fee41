package org.visorfleet.server.boot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.visorfleet.server.Names;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * Golden disk images: named, numbered versions of raw disk files kept in {@code DATA/images}.
 *
 * <p>An import streams into {@code DATA/images/.incoming/UUID.part} while hashing, checks size and
 * checksum, fsyncs, renames to {@code DATA/images/UUID.img} (fsyncing the directory) and only then
 * commits the version's row. So a version that is listed has its complete file on disk; a failed or
 * interrupted import leaves nothing behind that is listed (stray files are removed at the next start).
 * Version files are never modified: exports open them read-only and clients write to overlays.
 */
public final class ImageLibrary {

    /** One version of an image as the API shows it. */
    public record Version(
            long id,
            String image,
            int version,
            long sizeBytes,
            String sha256,
            String description,
            String source,
            String createdBy,
            long createdAt,
            boolean published,
            List<String> exports) {}

    /** An image and its versions, oldest first. */
    public record Image(String name, Integer publishedVersion, long createdAt, List<Version> versions) {}

    /** A complete, fsynced file waiting to become a version ({@link #add}); the caller deletes it if not added. */
    public record Staged(Path file, long sizeBytes, String sha256) {}

    private static final System.Logger LOG = System.getLogger(ImageLibrary.class.getName());
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final int CHUNK = 1 << 20;

    private final Database database;
    private final Path directory;
    private final Path incoming;
    private final Clock clock;

    private ImageLibrary(Database database, Path directory, Clock clock) {
        this.database = database;
        this.directory = directory;
        this.incoming = directory.resolve(".incoming");
        this.clock = clock;
    }

    /** Opens the library in {@code directory}, creating it, and removes leftovers of interrupted imports. */
    public static ImageLibrary open(Database database, Path directory, Clock clock) throws IOException, SQLException {
        ImageLibrary library = new ImageLibrary(database, directory, clock);
        Files.createDirectories(library.incoming);
        library.sweep();
        return library;
    }

    public Path directory() {
        return directory;
    }

    /** The file of a version. */
    public Path file(String fileName) {
        return directory.resolve(fileName);
    }

    /** A fresh path for a staged file (see {@link #stage}); nothing exists there yet. */
    public Path incomingPath() {
        return incoming.resolve(UUID.randomUUID() + ".part");
    }

    /**
     * Streams {@code in} into a staged file, hashing as it goes. Refuses (and deletes what it wrote)
     * an empty image, one whose size is not a multiple of 512, or one whose SHA-256 differs from
     * {@code expectedSha256} when given. A full disk is a 507 refusal.
     */
    public Staged stage(InputStream in, Optional<String> expectedSha256) throws IOException {
        expectedSha256.ifPresent(ImageLibrary::requireSha256);
        Path file = incomingPath();
        MessageDigest digest = sha256();
        long size = 0;
        boolean kept = false;
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[CHUNK];
            int n;
            while ((n = in.readNBytes(buffer, 0, buffer.length)) > 0) {
                digest.update(buffer, 0, n);
                ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
                while (b.hasRemaining()) {
                    out.write(b);
                }
                size += n;
            }
            out.force(true);
            String sha = HexFormat.of().formatHex(digest.digest());
            checkImage(size, sha, expectedSha256);
            kept = true;
            return new Staged(file, size, sha);
        } catch (IOException e) {
            throw diskFull(e);
        } finally {
            if (!kept) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Checks a staged file made elsewhere (an overlay snapshot) the way {@link #stage} checks uploads. */
    public static void checkImage(long size, String sha256, Optional<String> expectedSha256) {
        if (size == 0) {
            throw Refusal.invalid("the image is empty");
        }
        if (size % 512 != 0) {
            throw Refusal.invalid("image size " + size + " is not a multiple of 512 bytes (a disk has whole sectors)");
        }
        if (expectedSha256.isPresent() && !expectedSha256.get().equals(sha256)) {
            throw Refusal.invalid("checksum mismatch: the received image has SHA-256 " + sha256 + ", expected "
                    + expectedSha256.get() + "; nothing was stored");
        }
    }

    /** Work done in the transaction that adds a version, e.g. recording the event. */
    @FunctionalInterface
    public interface InSameTransaction {
        void run(Connection c, Version added) throws SQLException;
    }

    /**
     * Makes a staged file the next version of image {@code name} (created if new): moves it into the
     * library (fsyncing the directory), then commits the version's row together with
     * {@code alsoDo}. If the transaction fails, the file is removed again; if the process dies in
     * between, {@link #open}'s sweep removes it.
     */
    public Version add(
            Staged staged, String name, String description, String source, String actor, InSameTransaction alsoDo)
            throws SQLException, IOException {
        Names.requireLabel("image", name);
        String text = description == null ? "" : description;
        if (text.length() > 1024) {
            throw Refusal.invalid("description longer than 1024 characters");
        }
        String fileName = UUID.randomUUID() + ".img";
        Path target = directory.resolve(fileName);
        Files.move(staged.file(), target, StandardCopyOption.ATOMIC_MOVE);
        try {
            syncDirectory(directory);
            return database.transaction(c -> {
                Version added = insert(c, staged, name, text, fileName, source, actor);
                alsoDo.run(c, added);
                return added;
            });
        } catch (IOException | SQLException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private Version insert(
            Connection c, Staged staged, String name, String description, String fileName, String source, String actor)
            throws SQLException {
        long now = clock.millis();
        long imageId = findImageId(c, name).orElse(-1L);
        if (imageId < 0) {
            imageId = insertImage(c, name, now);
        }
        int version;
        try (PreparedStatement ps = Sql.prepare(
                        c,
                        "SELECT COALESCE(MAX(version), 0) FROM image_versions WHERE image_id = ?",
                        List.of(imageId));
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            version = rs.getInt(1) + 1;
        }
        long id;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO image_versions (image_id, version, size_bytes, sha256, description, file_name, source,"
                        + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                new String[] {"id"})) {
            ps.setLong(1, imageId);
            ps.setInt(2, version);
            ps.setLong(3, staged.sizeBytes());
            ps.setString(4, staged.sha256());
            ps.setString(5, description);
            ps.setString(6, fileName);
            ps.setString(7, source);
            ps.setString(8, actor);
            ps.setLong(9, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                id = keys.getLong(1);
            }
        }
        return new Version(
                id,
                name,
                version,
                staged.sizeBytes(),
                staged.sha256(),
                description,
                source,
                actor,
                now,
                false,
                List.of());
    }

    /** Removes the file of a version whose row was deleted (a failure is logged: the next start sweeps it). */
    public void discard(String fileName) {
        try {
            Files.deleteIfExists(directory.resolve(fileName));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove {0}: {1}", fileName, e.toString());
        }
    }

    public List<Image> list() throws SQLException {
        return database.query(c -> images(c, null));
    }

    public Image require(Connection c, String name) throws SQLException {
        List<Image> found = images(c, name);
        if (found.isEmpty()) {
            throw Refusal.notFound("no image " + name);
        }
        return found.getFirst();
    }

    /** A version of {@code name}; {@code version} null means the published one. */
    public VersionFile requireVersion(Connection c, String name, Integer version) throws SQLException {
        Image image = require(c, name);
        Integer wanted = version != null ? version : image.publishedVersion();
        if (wanted == null) {
            throw Refusal.conflict("image " + name + " has no published version; name one or publish one first");
        }
        for (Version v : image.versions()) {
            if (v.version() == wanted) {
                return new VersionFile(v, fileNameOf(c, v.id()));
            }
        }
        throw Refusal.notFound("image " + name + " has no version " + wanted);
    }

    /** A version and the name of its file in the library. */
    public record VersionFile(Version version, String fileName) {}

    public Version publish(Connection c, String name, int version) throws SQLException {
        VersionFile v = requireVersion(c, name, version);
        Sql.update(
                c,
                "UPDATE images SET published_version_id = ? WHERE name = ?",
                v.version().id(),
                name);
        return requireVersion(c, name, version).version();
    }

    /** Deletes a version no export uses and that is not published; returns its file name for {@link #discard}. */
    public String delete(Connection c, String name, int version) throws SQLException {
        VersionFile v = requireVersion(c, name, version);
        if (!v.version().exports().isEmpty()) {
            throw Refusal.conflict("image " + name + " v" + version + " is exported as "
                    + String.join(", ", v.version().exports()) + "; delete those exports first");
        }
        if (v.version().published()) {
            throw Refusal.conflict(
                    "image " + name + " v" + version + " is the published version; publish another first");
        }
        Sql.update(c, "DELETE FROM image_versions WHERE id = ?", v.version().id());
        return v.fileName();
    }

    private static String fileNameOf(Connection c, long versionId) throws SQLException {
        try (PreparedStatement ps =
                        Sql.prepare(c, "SELECT file_name FROM image_versions WHERE id = ?", List.of(versionId));
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    private List<Image> images(Connection c, String onlyName) throws SQLException {
        String sql = "SELECT i.name, i.created_at, i.published_version_id, v.id, v.version, v.size_bytes, v.sha256,"
                + " v.description, v.source, v.created_by, v.created_at,"
                + " (SELECT COUNT(*) FROM boot_exports e WHERE e.image_version_id = v.id)"
                + " FROM images i LEFT JOIN image_versions v ON v.image_id = i.id"
                + (onlyName == null ? "" : " WHERE i.name = ?")
                + " ORDER BY i.name, v.version";
        Map<String, List<Version>> versions = new LinkedHashMap<>();
        Map<String, long[]> heads = new LinkedHashMap<>();
        Set<Long> exported = new HashSet<>();
        try (PreparedStatement ps = Sql.prepare(c, sql, onlyName == null ? List.of() : List.of(onlyName));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                long published = rs.getLong(3);
                boolean hasPublished = !rs.wasNull();
                heads.putIfAbsent(name, new long[] {rs.getLong(2), hasPublished ? published : -1});
                List<Version> list = versions.computeIfAbsent(name, k -> new ArrayList<>());
                long id = rs.getLong(4);
                if (rs.wasNull()) {
                    continue;
                }
                if (rs.getLong(12) > 0) {
                    exported.add(id);
                }
                list.add(new Version(
                        id,
                        name,
                        rs.getInt(5),
                        rs.getLong(6),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9),
                        rs.getString(10),
                        rs.getLong(11),
                        hasPublished && published == id,
                        List.of()));
            }
        }
        Map<Long, List<String>> exportsByVersion = exported.isEmpty() ? Map.of() : exportsOf(c);
        List<Image> out = new ArrayList<>();
        for (var entry : versions.entrySet()) {
            long[] head = heads.get(entry.getKey());
            List<Version> list = entry.getValue().stream()
                    .map(v -> new Version(
                            v.id(),
                            v.image(),
                            v.version(),
                            v.sizeBytes(),
                            v.sha256(),
                            v.description(),
                            v.source(),
                            v.createdBy(),
                            v.createdAt(),
                            v.published(),
                            exportsByVersion.getOrDefault(v.id(), List.of())))
                    .toList();
            Integer published = list.stream()
                    .filter(Version::published)
                    .map(Version::version)
                    .findFirst()
                    .orElse(null);
            out.add(new Image(entry.getKey(), published, head[0], list));
        }
        return out;
    }

    private static Map<Long, List<String>> exportsOf(Connection c) throws SQLException {
        Map<Long, List<String>> out = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(
                        "SELECT image_version_id, shelf, slot FROM boot_exports ORDER BY shelf, slot");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                        .add(BootExports.format(rs.getInt(2), rs.getInt(3)));
            }
        }
        return out;
    }

    private static Optional<Long> findImageId(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(c, "SELECT id FROM images WHERE name = ?", List.of(name));
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        }
    }

    private static long insertImage(Connection c, String name, long now) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("INSERT INTO images (name, created_at) VALUES (?, ?)", new String[] {"id"})) {
            ps.setString(1, name);
            ps.setLong(2, now);
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /** Deletes staged leftovers and version files no row names (an import that died before its commit). */
    private void sweep() throws IOException, SQLException {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(incoming)) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
        Set<String> known = database.query(c -> {
            Set<String> names = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT file_name FROM image_versions");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.img")) {
            for (Path file : files) {
                if (!known.contains(file.getFileName().toString())) {
                    LOG.log(System.Logger.Level.WARNING, "removing {0}: no image version refers to it", file);
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    static void requireSha256(String sha) {
        if (!SHA256.matcher(sha).matches()) {
            throw Refusal.invalid("sha256 must be 64 lower-case hex digits, got "
                    + (sha.length() > 80 ? sha.substring(0, 80) + "..." : sha).replaceAll("\\p{Cntrl}", "?"));
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "No space left on device" as a refusal the user can act on; anything else unchanged. */
    public static IOException diskFull(IOException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
            throw new Refusal(Refusal.Kind.INSUFFICIENT_STORAGE, "the server's image disk is full; nothing was stored");
        }
        return e;
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
