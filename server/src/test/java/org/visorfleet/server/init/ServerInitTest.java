package org.visorfleet.server.init;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.server.Refusal;

class ServerInitTest {

    @TempDir
    Path temp;

    @Test
    void createsTheDataDirectoryAndRefusesToOverwriteIt() throws Exception {
        Path dir = temp.resolve("data");
        ServerInit.Result result = ServerInit.initialize(dir, null, List.of("fleet.example", "10.1.2.3"), null);
        assertTrue(result.generatedPassword().orElseThrow().length() >= 20);
        assertFalse(result.joinedExistingFleet());
        for (String file : List.of("server-key.pem", "server.pem", "ca.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file))));
        }
        var chain = Pem.readCertificates(dir.resolve("server.pem"));
        assertEquals(2, chain.size(), "server certificate then CA");
        assertTrue(chain.getFirst().getSubjectAlternativeNames().toString().contains("fleet.example"));
        assertTrue(chain.getFirst().getSubjectAlternativeNames().toString().contains("10.1.2.3"));
        ServerSettings settings = ServerSettings.load(dir.resolve("server.json"));
        assertEquals(List.of("fleet.example"), settings.hostnames());
        assertEquals("fleet.example", settings.urlHost());

        long before = Files.getLastModifiedTime(dir.resolve("ca.pem")).toMillis();
        IOException refused =
                assertThrows(IOException.class, () -> ServerInit.initialize(dir, "another-pw", List.of(), null));
        assertTrue(refused.getMessage().contains("not empty"), refused.getMessage());
        assertEquals(before, Files.getLastModifiedTime(dir.resolve("ca.pem")).toMillis());
    }

    @Test
    void aShortPasswordIsRefusedBeforeAnythingIsCreated() {
        Path dir = temp.resolve("short");
        assertThrows(Refusal.class, () -> ServerInit.initialize(dir, "short", List.of(), null));
        assertFalse(Files.exists(dir));
    }

    @Test
    void settingsRejectUnknownKeysAndBadValues() throws Exception {
        Path dir = temp.resolve("s");
        ServerInit.initialize(dir, "long-enough-pw", List.of("localhost"), null);
        Path file = dir.resolve("server.json");
        String good = Files.readString(file);
        Files.writeString(file, good.replace("\"httpsPort\"", "\"httpPort\""));
        assertThrows(IOException.class, () -> ServerSettings.load(file));
        Files.writeString(file, good.replace("\"heartbeatSeconds\" : 5", "\"heartbeatSeconds\" : 60"));
        IOException bad = assertThrows(IOException.class, () -> ServerSettings.load(file));
        assertTrue(bad.getMessage().contains("unreachableAfterSeconds"), bad.getMessage());
        Files.writeString(file, good.substring(0, good.length() / 2));
        assertThrows(IOException.class, () -> ServerSettings.load(file));
    }
}
