package org.visorfleet.agent.grid;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.visorfleet.common.wire.GridResult;
import org.visorfleet.common.wire.WireJson;

/**
 * Results not yet accepted by a server, one signed JSON file each under {@code DATA/grid/results/}
 * ({@code ASSIGNMENT.json}), written durably (temporary file, fsync, rename, directory sync) so a
 * result survives a crash or reboot until a server acknowledges it.
 */
final class ResultOutbox {
    private final Path dir;

    ResultOutbox(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    void add(GridResult result) throws IOException {
        Path temp = dir.resolve(result.assignment() + ".json.tmp");
        try (OutputStream out = Files.newOutputStream(temp)) {
            WireJson.encode(result, out);
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temp, file(result.assignment()), StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        }
    }

    /** Assignments with a stored result, oldest first by id. */
    List<Long> pending() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String name = p.getFileName().toString();
                if (name.matches("[0-9]{1,18}\\.json")) {
                    ids.add(Long.parseLong(name.substring(0, name.length() - 5)));
                } else if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(p); // a write interrupted by a crash: its run is lost anyway
                }
            }
        }
        ids.sort(null);
        return ids;
    }

    Path file(long assignment) {
        return dir.resolve(assignment + ".json");
    }

    void remove(long assignment) throws IOException {
        Files.deleteIfExists(file(assignment));
    }
}
