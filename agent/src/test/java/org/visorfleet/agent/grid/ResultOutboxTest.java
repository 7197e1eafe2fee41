package org.visorfleet.agent.grid;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.pki.KeyPairs;
import org.visorfleet.common.wire.GridResult;
import org.visorfleet.common.wire.WireJson;

class ResultOutboxTest {
    @TempDir
    Path dir;

    private static GridResult result(long assignment) {
        return GridResult.signed(
                assignment,
                GridResult.EXITED,
                0,
                "exit 0",
                42,
                "out".getBytes(),
                new byte[0],
                Map.of("out.txt", new byte[] {1, 2}),
                KeyPairs.generateEc().getPrivate());
    }

    @Test
    void resultsStayUntilRemovedAndSurviveAReopen() throws Exception {
        ResultOutbox outbox = new ResultOutbox(dir);
        outbox.add(result(12));
        outbox.add(result(3));
        assertEquals(List.of(3L, 12L), outbox.pending());
        ResultOutbox reopened = new ResultOutbox(dir); // as after a crash or reboot
        assertEquals(List.of(3L, 12L), reopened.pending());
        var decoded = WireJson.decodeResult(Files.newInputStream(reopened.file(12)));
        if (!(decoded instanceof WireJson.Decoded.Ok<GridResult>(GridResult back))) {
            throw new AssertionError(decoded.toString());
        }
        assertEquals(result(12).sha256(), back.sha256());
        reopened.remove(3);
        assertEquals(List.of(12L), reopened.pending());
    }

    @Test
    void aWriteCutShortByACrashIsSweptAndStrangersAreIgnored() throws Exception {
        ResultOutbox outbox = new ResultOutbox(dir);
        Files.writeString(dir.resolve("7.json.tmp"), "{\"assignm");
        Files.writeString(dir.resolve("notes.txt"), "not a result");
        assertEquals(List.of(), outbox.pending());
        assertFalse(Files.exists(dir.resolve("7.json.tmp")));
        assertTrue(Files.exists(dir.resolve("notes.txt")));
    }
}
