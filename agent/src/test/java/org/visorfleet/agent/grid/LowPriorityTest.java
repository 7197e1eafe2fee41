package org.visorfleet.agent.grid;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LowPriorityTest {

    /** Field 19 of {@code /proc/thread-self/stat}: the calling thread's nice value. */
    private static int niceOfThisThread() throws Exception {
        String text = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(f[16]);
    }

    @Test
    void onlyTheGridThreadIsRenicedTo19() throws Exception {
        int before = niceOfThisThread();
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                boolean ok = LowPriority.applyToCurrentThread();
                seen.set(ok ? niceOfThisThread() : "setpriority failed");
            } catch (Exception e) {
                seen.set(e);
            }
        });
        t.join();
        assertEquals(19, seen.get());
        assertEquals(before, niceOfThisThread(), "the rest of the agent keeps its priority");
    }
}
