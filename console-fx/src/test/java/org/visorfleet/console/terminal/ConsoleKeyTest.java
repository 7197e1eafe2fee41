package org.visorfleet.console.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The console's SSH key on disk: made once per user, kept private, read back the same. */
class ConsoleKeyTest {

    @TempDir
    Path dir;

    @Test
    void isMadeOnceAndReadBack() throws Exception {
        ConsoleKey made = ConsoleKey.loadOrCreate(dir.resolve("ssh"), "tech");
        ConsoleKey again = ConsoleKey.loadOrCreate(dir.resolve("ssh"), "tech");
        assertEquals(made.openSsh(), again.openSsh());
        assertEquals(made.keyPair().getPrivate(), again.keyPair().getPrivate());
        assertTrue(made.openSsh().startsWith("ecdsa-sha2-nistp256 "), made.openSsh());
        assertTrue(made.fingerprint().startsWith("SHA256:"), made.fingerprint());
        assertEquals(
                "rw-------",
                PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("ssh/console-tech"))));
        assertTrue(Files.readString(dir.resolve("ssh/console-tech.pub")).startsWith(made.openSsh()));
        assertNotEquals(
                made.openSsh(),
                ConsoleKey.loadOrCreate(dir.resolve("ssh"), "other").openSsh());
    }

    @Test
    void aDamagedKeyFileIsAClearError() throws Exception {
        ConsoleKey.loadOrCreate(dir, "tech");
        Files.writeString(dir.resolve("console-tech"), "not a key");
        IOException e = assertThrows(IOException.class, () -> ConsoleKey.loadOrCreate(dir, "tech"));
        assertTrue(e.getMessage().contains("is unusable"), e.getMessage());
    }
}
