package org.visorfleet.grid.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Gates tests on real external tools (copied from netboot-aoe's Prerequisites, which grid-worker
 * must not depend on). Outside CI a missing tool skips the test; with {@code
 * VISORFLEET_REQUIRE_E2E=1} it fails, so CI never skips silently.
 */
public final class Prerequisites {
    private Prerequisites() {}

    public static boolean required() {
        return "1".equals(System.getenv("VISORFLEET_REQUIRE_E2E"));
    }

    /** Returns the absolute path of {@code tool} found on PATH (or given absolutely). */
    public static Path tool(String tool) {
        Path found = find(tool);
        satisfied(found != null, tool + " not found on PATH");
        return found;
    }

    public static void satisfied(boolean condition, String what) {
        if (condition) {
            return;
        }
        if (required()) {
            Assertions.fail("VISORFLEET_REQUIRE_E2E=1 but " + what);
        }
        Assumptions.abort(what);
    }

    private static Path find(String tool) {
        if (tool.contains("/")) {
            Path p = Path.of(tool);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, tool);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }
}
