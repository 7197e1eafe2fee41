package org.visorfleet.agent.remote;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSshServerTest {

    @TempDir
    Path temp;

    /**
     * A session that ends while the agent stops (its SSH server stopping ends it) finds the uploads
     * already shut down: its recording stays for the next start, and the session's end goes on
     * (before, the refusal escaped into the PTY's output thread and the channel's exit was lost).
     */
    @Test
    void aRecordingFinishedWhileTheAgentStopsIsKeptForTheNextStart() throws Exception {
        ScheduledExecutorService uploads = Executors.newSingleThreadScheduledExecutor();
        uploads.shutdownNow();
        AgentSshServer.Door door =
                new AgentSshServer.Door(null, new ConsentPrompt(List.of("true"), Duration.ofSeconds(1)), temp, uploads);
        Files.writeString(door.recording(7), "{\"version\": 2}\n");
        assertDoesNotThrow(() -> door.uploadSoon(7));
        assertTrue(Files.exists(door.recording(7)));
    }
}
