package org.visorfleet.console;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the console remembers between runs besides certificates: the last server URL and user name
 * (never the password) and the theme. Stored as JSON in {@link ConsoleHome#settings()}.
 *
 * @param server last server URL, empty if none
 * @param username last user name, empty if none
 * @param dark whether the dark theme is chosen
 */
public record ConsoleSettings(String server, String username, boolean dark) {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public ConsoleSettings {
        server = server == null ? "" : server;
        username = username == null ? "" : username;
    }

    /** The settings in {@code file}, or empty ones if it does not exist yet. */
    public static ConsoleSettings load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return new ConsoleSettings("", "", false);
        }
        try {
            return JSON.readValue(file.toFile(), ConsoleSettings.class);
        } catch (IOException e) {
            throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes these settings to {@code file}, atomically. */
    public void save(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public ConsoleSettings withLogin(String newServer, String newUsername) {
        return new ConsoleSettings(newServer, newUsername, dark);
    }

    public ConsoleSettings withDark(boolean newDark) {
        return new ConsoleSettings(server, username, newDark);
    }
}
