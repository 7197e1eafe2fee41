package org.visorfleet.console;

import java.nio.file.Path;

/**
 * Where the console keeps what it remembers between runs: known server certificates and settings.
 * Default {@code ~/.visorfleet/console}; the system property {@code visorfleet.console.home}
 * overrides it (tests point it at a temporary directory).
 */
public record ConsoleHome(Path dir) {

    /** The system property that overrides the default directory. */
    public static final String PROPERTY = "visorfleet.console.home";

    /** The directory named by {@value #PROPERTY}, else {@code ~/.visorfleet/console}. */
    public static ConsoleHome fromSystem() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return new ConsoleHome(Path.of(configured));
        }
        return new ConsoleHome(Path.of(System.getProperty("user.home"), ".visorfleet", "console"));
    }

    /** The file of remembered server certificates. */
    public Path knownServers() {
        return dir.resolve("known_servers.json");
    }

    /** The file of remembered settings (last server, user name, theme). */
    public Path settings() {
        return dir.resolve("settings.json");
    }
}
