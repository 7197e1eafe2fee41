package org.visorfleet.console;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the console remembers between runs besides certificates: the last server URL and user name
 * (never the password), the theme and the window's place and size. Stored as JSON in {@link ConsoleHome#settings()}.
 *
 * @param server last server URL, empty if none
 * @param username last user name, empty if none
 * @param dark whether the dark theme is chosen
 * @param window where the window was and how large, or null for the default placement
 */
public record ConsoleSettings(String server, String username, boolean dark, Window window) {

    /** The window's last place and size; {@code maximized} wins over the others when set. */
    public record Window(double x, double y, double width, double height, boolean maximized) {
        public Window {
            if (!(width >= 200 && width <= 100_000 && height >= 150 && height <= 100_000)) {
                throw new IllegalArgumentException("window size " + width + "x" + height + " is not plausible");
            }
        }
    }

    /** Nothing remembered yet. */
    public static final ConsoleSettings EMPTY = new ConsoleSettings("", "", false, null);

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    public ConsoleSettings {
        server = server == null ? "" : server;
        username = username == null ? "" : username;
    }

    /** The settings in {@code file}, or empty ones if it does not exist yet. */
    public static ConsoleSettings load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return EMPTY;
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
        return new ConsoleSettings(newServer, newUsername, dark, window);
    }

    public ConsoleSettings withDark(boolean newDark) {
        return new ConsoleSettings(server, username, newDark, window);
    }

    public ConsoleSettings withWindow(Window newWindow) {
        return new ConsoleSettings(server, username, dark, newWindow);
    }
}
