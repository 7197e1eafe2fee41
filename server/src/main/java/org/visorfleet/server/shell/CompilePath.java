package org.visorfleet.server.shell;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.CodeSource;

/**
 * The class path JShell compiles snippets against: the code location of the fleet model, which is
 * {@code server/target/classes} in a build tree and the one {@code visorfleet.jar} in an installed
 * server (snippets may name only the model's types there; {@link SnippetPolicy} refuses the rest).
 */
final class CompilePath {

    private CompilePath() {}

    static String of(Class<?> modelClass) {
        CodeSource source = modelClass.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IllegalStateException("cannot tell where " + modelClass.getName() + " was loaded from");
        }
        try {
            return Path.of(source.getLocation().toURI()).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "the fleet model is not in a file (" + source.getLocation()
                            + "); the shell cannot compile against it",
                    e);
        }
    }
}
