package org.visorfleet.aoe.store;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.visorfleet.aoe.codec.MacAddress;

/**
 * The per-export, per-client overlays under one directory:
 * <pre>
 * DIR/e&lt;shelf&gt;.&lt;slot&gt;/&lt;mac&gt;.overlay      e.g. DIR/e1.0/52-54-00-12-34-56.overlay
 * </pre>
 * Thread-safe. Open overlays are locked against other processes; {@link #reset} and
 * {@link #discardAll} refuse them. Listing reads the counts of overlays this JVM has open from the
 * open stores, so it never disturbs their locks.
 */
public final class OverlayDirectory {
    private static final System.Logger LOG = System.getLogger(OverlayDirectory.class.getName());
    private static final String SUFFIX = ".overlay";

    private final Path root;

    /** Uses {@code root}, creating it (durably) if missing. */
    public OverlayDirectory(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
            OverlayFile.syncDirectory(root.toAbsolutePath().getParent());
        }
        this.root = root.toRealPath();
    }

    public Path root() {
        return root;
    }

    public Path pathOf(ExportAddress export, MacAddress client) {
        return root.resolve(export.directoryName()).resolve(client.fileName() + SUFFIX);
    }

    /**
     * Opens the client's overlay of {@code export}, creating it (and the export's directory) if
     * missing. See {@link CowOverlayStore#open} for the checks and exceptions.
     */
    public CowOverlayStore open(ExportAddress export, MacAddress client, BlockStore golden, String goldenTag)
            throws IOException {
        Path file = pathOf(export, client);
        Path dir = file.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            OverlayFile.syncDirectory(root);
        }
        return CowOverlayStore.open(file, golden, goldenTag);
    }

    /**
     * Discards the client's overlay so it sees the golden image again. Returns whether one existed.
     *
     * @throws OverlayInUseException if a target (in this or another process) has it open
     */
    public boolean reset(ExportAddress export, MacAddress client) throws IOException {
        Path file = pathOf(export, client);
        if (!Files.isDirectory(file.getParent())) {
            return false;
        }
        return delete(file);
    }

    /** Deletes one overlay durably unless it is open here or locked elsewhere; false if it did not exist. */
    private static boolean delete(Path file) throws IOException {
        return OpenOverlays.withFile(OpenOverlays.key(file), openHere -> {
            if (openHere != null) {
                throw new OverlayInUseException(file, "overlay in use by a running target (in this process)");
            }
            return OverlayFile.deleteUnlessLocked(file);
        });
    }

    /**
     * Deletes every overlay of {@code export}, for an export that is being deleted: its target must
     * have stopped serving it (removed and closed). Each deletion is durable before this returns;
     * then the export's directory is removed too, unless something other than overlays is left in it.
     * Thread-safe.
     *
     * <p>Nothing is deleted if this JVM has any of the overlays open. Another process holding one is
     * found only when its turn comes: the overlays before it are deleted already.
     *
     * @return the clients whose overlays were deleted, sorted
     * @throws OverlayInUseException if a target (in this or another process) has one of them open
     */
    public List<MacAddress> discardAll(ExportAddress export) throws IOException {
        Path dir = root.resolve(export.directoryName());
        List<MacAddress> clients = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                clientOf(file).ifPresent(clients::add);
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        clients.sort(null);
        for (MacAddress client : clients) {
            Path file = pathOf(export, client);
            if (OpenOverlays.withFile(OpenOverlays.key(file), openHere -> openHere != null)) {
                throw new OverlayInUseException(
                        file, "overlay in use by a running target (in this process); remove the export first");
            }
        }
        List<MacAddress> deleted = new ArrayList<>();
        for (MacAddress client : clients) {
            if (delete(pathOf(export, client))) {
                deleted.add(client);
            }
        }
        try {
            Files.deleteIfExists(dir);
            OverlayFile.syncDirectory(root);
        } catch (DirectoryNotEmptyException e) {
            LOG.log(System.Logger.Level.INFO, "overlay directory: " + dir + " keeps files that are not overlays");
        }
        LOG.log(System.Logger.Level.INFO, "overlay directory: discarded " + deleted.size() + " overlays of e" + export);
        return deleted;
    }

    /**
     * The overlays of one export, sorted by client; see {@link #list()}. Empty if the export never
     * had any.
     */
    public List<OverlaySummary> list(ExportAddress export) throws IOException {
        List<OverlaySummary> out = new ArrayList<>();
        try {
            listExport(export, root.resolve(export.directoryName()), out);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        out.sort(null);
        return out;
    }

    /**
     * All overlays, sorted by export then client. Entries that are not overlays (unexpected names,
     * unreadable or corrupt files) are skipped with a warning.
     */
    public List<OverlaySummary> list() throws IOException {
        List<OverlaySummary> out = new ArrayList<>();
        try (DirectoryStream<Path> exports = Files.newDirectoryStream(root)) {
            for (Path dir : exports) {
                String name = dir.getFileName().toString();
                Optional<ExportAddress> export =
                        name.startsWith("e") ? ExportAddress.parse(name.substring(1)) : Optional.empty();
                if (export.isEmpty() || !Files.isDirectory(dir)) {
                    skip(dir, "not an export directory (e<shelf>.<slot>)");
                    continue;
                }
                listExport(export.get(), dir, out);
            }
        }
        out.sort(null);
        return out;
    }

    private void listExport(ExportAddress export, Path dir, List<OverlaySummary> out) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Optional<MacAddress> client = clientOf(file);
                if (client.isEmpty()) {
                    skip(file, "not an overlay file (<mac>" + SUFFIX + ")");
                    continue;
                }
                try {
                    out.add(summarize(export, client.get(), file));
                } catch (NoSuchFileException e) {
                    // Reset by someone else while we listed: it is simply gone.
                } catch (IOException e) {
                    // The message names the file already.
                    LOG.log(
                            System.Logger.Level.WARNING,
                            "overlay directory: skipping unusable overlay: " + e.getMessage());
                }
            }
        }
    }

    private static Optional<MacAddress> clientOf(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(SUFFIX) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String mac = name.substring(0, name.length() - SUFFIX.length());
        // Only the canonical spelling: another would be a second file for the same client.
        return MacAddress.parse(mac).filter(m -> m.fileName().equals(mac));
    }

    private static OverlaySummary summarize(ExportAddress export, MacAddress client, Path file) throws IOException {
        long sectors = OpenOverlays.withFile(
                OpenOverlays.key(file),
                openHere -> openHere != null ? openHere.allocatedSectors() : CowOverlayStore.countAllocated(file));
        return new OverlaySummary(
                export,
                client,
                sectors * BlockStore.SECTOR_SIZE,
                DiskUsage.allocatedBytes(file),
                Files.getLastModifiedTime(file).toInstant());
    }

    private static void skip(Path entry, String reason) {
        LOG.log(System.Logger.Level.WARNING, "overlay directory: skipping " + entry + ": " + reason);
    }
}
