package org.visorfleet.agent.outbox;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.wire.AgentMessage;

class EventOutboxKillTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void everySeqPrintedBeforeKillMinus9SurvivesReopen() throws Exception {
        long before = 0;
        for (int round = 0; round < 3; round++) {
            List<Long> printed = runAndKill(300);
            assertFalse(printed.isEmpty(), "the child appended nothing in round " + round);
            try (EventOutbox outbox = EventOutbox.open(dir)) {
                List<Long> seqs =
                        outbox.pending().stream().map(AgentMessage.Event::seq).toList();
                assertTrue(seqs.containsAll(printed), "round " + round + ": a printed seq is missing");
                assertEquals(before + 1, printed.getFirst(), "seqs continue across kills");
                for (int i = 1; i < seqs.size(); i++) {
                    assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "no gaps after a kill");
                }
                before = outbox.lastSeq();
                assertTrue(before >= printed.getLast());
                // Acknowledge half so the next round also exercises the state file.
                outbox.acknowledge(printed.get(printed.size() / 2));
            }
            System.out.println("EventOutboxKillTest round " + round + ": " + printed.size() + " appends before kill");
        }
    }

    private List<Long> runAndKill(long millis) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        OutboxWriterMain.class.getName(),
                        dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<Long> printed = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String ready = out.readLine();
            assertNotNull(ready, "child died before opening the outbox");
            assertTrue(ready.startsWith("ready "), ready);
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        synchronized (printed) {
                            printed.add(Long.parseLong(line));
                        }
                    }
                } catch (java.io.IOException | NumberFormatException e) {
                    // The pipe breaks or a line is cut when the child dies: everything before is kept.
                }
            });
            Thread.sleep(millis);
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            reader.join(10_000);
        }
        synchronized (printed) {
            return List.copyOf(printed);
        }
    }
}
