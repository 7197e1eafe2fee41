package org.visorfleet.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reads one of the agent's settings files ({@code DATA/grid.json}, {@code DATA/remote.json}): a JSON
 * object whose keys are all optional. A missing file means the defaults; anything unreadable is an
 * {@link IOException} naming the file and what is wrong with it.
 */
public final class SettingsFile {

    private SettingsFile() {}

    /**
     * @param json a mapper that refuses unknown keys
     * @param partial the file's shape, every field nullable
     * @param merge fills what the file left out from the defaults, and validates
     */
    public static <P, T> T load(Path file, ObjectMapper json, Class<P> partial, Function<P, T> merge, T defaults)
            throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            return defaults;
        }
        try {
            P read = json.readValue(text, partial);
            if (read == null) {
                throw new IOException(file + ": expected a JSON object");
            }
            return merge.apply(read);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": " + e.getOriginalMessage());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }
}
