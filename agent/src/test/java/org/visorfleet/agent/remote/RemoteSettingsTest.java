package org.visorfleet.agent.remote;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteSettingsTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileMeansTheDefaults() throws IOException {
        RemoteSettings s = RemoteSettings.load(dir.resolve("remote.json"));
        assertEquals(RemoteSettings.DEFAULTS, s);
        assertTrue(s.ssh());
        assertEquals(Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh", s.shell());
        assertEquals(List.of("systemctl", "reboot"), s.rebootCommand());
        assertEquals(List.of("systemctl", "poweroff"), s.shutdownCommand());
        assertEquals(List.of("loginctl", "lock-sessions"), s.lockCommand());
        assertEquals(List.of("notify-send", "{title}", "{text}"), s.messageCommand());
        assertEquals(List.of("zenity", "--question", "--title={title}", "--text={text}"), s.consentCommand());
        assertEquals(30, s.consentTimeoutSeconds());
    }

    @Test
    void keysLeftOutKeepTheirDefaults() throws IOException {
        Path file = Files.writeString(
                dir.resolve("remote.json"), "{\"ssh\": false, \"lockCommand\": [\"/usr/local/bin/lock\", \"-a\"]}");
        RemoteSettings s = RemoteSettings.load(file);
        assertFalse(s.ssh());
        assertEquals(List.of("/usr/local/bin/lock", "-a"), s.lockCommand());
        assertEquals(RemoteSettings.DEFAULTS.rebootCommand(), s.rebootCommand());
        assertEquals(RemoteSettings.DEFAULTS.consentTimeoutSeconds(), s.consentTimeoutSeconds());
    }

    @Test
    void unknownKeysBadTypesAndBadValuesAreErrorsNamingTheFile() throws IOException {
        for (String text : List.of(
                "{\"rebootCmd\": [\"reboot\"]}",
                "{\"ssh\": \"yes\"}",
                "{\"ssh\": 1}",
                "{\"shell\": 5}",
                "{\"shell\": \"\"}",
                "{\"consentTimeoutSeconds\": \"30\"}",
                "{\"consentTimeoutSeconds\": 0}",
                "{\"consentTimeoutSeconds\": 1.5}",
                "{\"rebootCommand\": \"systemctl reboot\"}",
                "{\"rebootCommand\": []}",
                "{\"rebootCommand\": [\"\"]}",
                "{\"lockCommand\": [\"lock\", null]}",
                "{\"messageCommand\": [\"notify-send\", 3]}",
                "[]",
                "null",
                "{} {}",
                "not json")) {
            Path file = Files.writeString(dir.resolve("remote.json"), text);
            IOException e = assertThrows(IOException.class, () -> RemoteSettings.load(file), text);
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }

    @Test
    void placeholdersAreReplacedInsideEachArgumentOnceAndNothingElseIs() {
        RemoteSettings s = RemoteSettings.DEFAULTS;
        assertEquals(
                List.of("zenity", "--question", "--title=Helpdesk", "--text=May alice come in?"),
                s.consentArgv("Helpdesk", "May alice come in?"));
        // A value is never searched for placeholders; quotes and shell syntax pass through untouched.
        assertEquals(
                List.of("notify-send", "{text} $(rm -rf ~)", "it's \"{title}\"; echo `x`"),
                s.messageArgv("{text} $(rm -rf ~)", "it's \"{title}\"; echo `x`"));
        assertEquals(
                List.of("a{x}b", "{", "}{", "{title", "[T][T]", "{T}"),
                RemoteSettings.substitute(
                        List.of(
                                "a{x}b",
                                "{",
                                "}{",
                                "{title",
                                "{title}{title}".replace("{title}", "[{title}]"),
                                "{{title}}"),
                        Map.of("title", "T")));
    }
}
