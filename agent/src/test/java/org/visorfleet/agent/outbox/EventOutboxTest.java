package org.visorfleet.agent.outbox;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.common.wire.AgentMessage;

class EventOutboxTest {
    @TempDir
    Path dir;

    @Test
    void appendAcknowledgePendingRoundTrip() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertEquals(0, outbox.lastSeq());
            assertEquals(List.of(), outbox.pending());
            long before = System.currentTimeMillis();
            AgentMessage.Event a = outbox.append("agent.failover", "from a to b");
            AgentMessage.Event b = outbox.append("agent.started", null);
            AgentMessage.Event c = outbox.append("x", "é ☃ 😀");
            assertEquals(List.of(1L, 2L, 3L), List.of(a.seq(), b.seq(), c.seq()));
            assertTrue(a.timeMillis() >= before && a.timeMillis() <= System.currentTimeMillis());
            assertEquals("", b.detail());
            assertEquals(List.of(a, b, c), outbox.pending());

            outbox.acknowledge(2);
            assertEquals(2, outbox.acknowledged());
            assertEquals(List.of(c), outbox.pending());
            outbox.acknowledge(1); // lower: ignored
            assertEquals(2, outbox.acknowledged());
            assertEquals(List.of(c), outbox.pending());
        }
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertEquals(2, outbox.acknowledged());
            assertEquals(3, outbox.lastSeq());
            assertEquals("é ☃ 😀", outbox.pending().getFirst().detail());
            assertEquals(4, outbox.append("y", "").seq());
        }
    }

    @Test
    void namesAreCheckedAndDetailsTruncated() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertThrows(IllegalArgumentException.class, () -> outbox.append(null, "d"));
            assertThrows(IllegalArgumentException.class, () -> outbox.append(" ", "d"));
            assertThrows(IllegalArgumentException.class, () -> outbox.append("n".repeat(129), "d"));
            assertEquals(128, outbox.append("n".repeat(128), "d").name().length());
            String longDetail = "☃".repeat(10_000);
            assertEquals(4096, outbox.append("n", longDetail).detail().length());
            String pairAtCut = "a".repeat(4095) + "😀";
            assertEquals(4095, outbox.append("n", pairAtCut).detail().length(), "surrogate pair not split");
            assertEquals(3, outbox.lastSeq(), "rejected names consume no seq");
        }
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertEquals(4096, outbox.pending().get(1).detail().length());
        }
    }

    @Test
    void secondOpenOfTheSameDirectoryIsRefused() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertThrows(IOException.class, () -> EventOutbox.open(dir));
            outbox.append("still", "works");
        }
    }

    @Test
    void seqNeverReusedAfterCompactionAndReopen() throws IOException {
        EventOutbox.Limits small = new EventOutbox.Limits(100_000, 4096);
        String detail = "d".repeat(300);
        for (int round = 0; round < 5; round++) {
            try (EventOutbox outbox = EventOutbox.open(dir, small)) {
                long start = outbox.lastSeq();
                for (int i = 1; i <= 40; i++) {
                    assertEquals(start + i, outbox.append("e", detail).seq());
                }
                outbox.acknowledge(outbox.lastSeq());
                assertEquals(List.of(), outbox.pending());
                assertTrue(Files.size(dir.resolve(EventOutbox.LOG_FILE)) < 4096, "compacted");
            }
        }
        try (EventOutbox outbox = EventOutbox.open(dir, small)) {
            assertEquals(200, outbox.lastSeq());
            assertEquals(201, outbox.append("e", "").seq());
        }
    }

    @Test
    void compactionKeepsPendingEvents() throws IOException {
        EventOutbox.Limits small = new EventOutbox.Limits(100_000, 2048);
        try (EventOutbox outbox = EventOutbox.open(dir, small)) {
            for (int i = 0; i < 30; i++) outbox.append("e", "d".repeat(200));
            outbox.acknowledge(27);
            assertTrue(Files.size(dir.resolve(EventOutbox.LOG_FILE)) < 2048);
            assertEquals(List.of(28L, 29L, 30L), seqs(outbox));
        }
        try (EventOutbox outbox = EventOutbox.open(dir, small)) {
            assertEquals(List.of(28L, 29L, 30L), seqs(outbox));
            assertEquals(31, outbox.append("e", "").seq());
        }
    }

    @Test
    void anAcknowledgementAboveLastSeqMovesTheNextSeqAboveIt() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            outbox.append("e", "");
            outbox.acknowledge(50);
            assertEquals(51, outbox.append("e", "").seq());
        }
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertEquals(51, outbox.lastSeq());
        }
    }

    @Test
    void aFullOutboxDropsTheOldestAndSaysSoInTheNextEvent() throws IOException {
        EventOutbox.Limits tiny = new EventOutbox.Limits(200, 1 << 20);
        try (EventOutbox outbox = EventOutbox.open(dir, tiny)) {
            for (int i = 0; i < 200; i++) outbox.append("e", "n" + i);
            AgentMessage.Event next = outbox.append("e", "after");
            assertEquals(201, next.seq());
            assertEquals("[agent.events-dropped: 2 older events dropped, outbox full] after", next.detail());
            assertEquals(LongStream.rangeClosed(3, 201).boxed().toList(), seqs(outbox));
            assertEquals("after", outbox.append("e", "after").detail(), "reported once");
            assertEquals(0, outbox.acknowledged(), "a local drop is not the server's acknowledgement");
        }
        try (EventOutbox outbox = EventOutbox.open(dir, tiny)) {
            assertEquals(3, outbox.pending().getFirst().seq());
            assertEquals(202, outbox.lastSeq());
        }
    }

    @Test
    void tornWriteAtEveryByteOfTheLastRecordIsTruncated() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            outbox.append("a", "first");
            outbox.append("b", "second");
            outbox.append("c", "the one being written ☃");
        }
        Path log = dir.resolve(EventOutbox.LOG_FILE);
        byte[] full = Files.readAllBytes(log);
        int lastRecord = OutboxCodec.encodeRecord(new AgentMessage.Event(3, 0, "c", "the one being written ☃")).length;
        int lastStart = full.length - lastRecord;
        for (int cut = lastStart; cut < full.length; cut++) {
            Files.write(log, java.util.Arrays.copyOf(full, cut));
            try (EventOutbox outbox = EventOutbox.open(dir)) {
                assertEquals(List.of(1L, 2L), seqs(outbox), "cut at " + cut);
                assertEquals(lastStart, Files.size(log), "torn bytes truncated, cut at " + cut);
                assertEquals(3, outbox.append("c", "again").seq(), "cut at " + cut);
            }
            try (EventOutbox outbox = EventOutbox.open(dir)) {
                assertEquals(List.of(1L, 2L, 3L), seqs(outbox), "cut at " + cut);
                assertEquals("again", outbox.pending().getLast().detail());
            }
        }
    }

    @Test
    void aFlippedBitDropsThatRecordAndLaterOnesAndSkipsTheirSeqs() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            for (int i = 1; i <= 5; i++) outbox.append("e", "event " + i);
        }
        Path log = dir.resolve(EventOutbox.LOG_FILE);
        byte[] clean = Files.readAllBytes(log);
        int recordSize = OutboxCodec.encodeRecord(new AgentMessage.Event(1, 0, "e", "event 1")).length;
        int third = OutboxCodec.HEADER_BYTES + 2 * recordSize;
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(EventOutbox.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(capture);
        try {
            flipEveryBitOfTheThirdRecord(log, clean, third, recordSize, warnings);
        } finally {
            jul.removeHandler(capture);
        }
    }

    private void flipEveryBitOfTheThirdRecord(Path log, byte[] clean, int third, int recordSize, List<String> warnings)
            throws IOException {
        for (int bit = 0; bit < recordSize * 8; bit++) {
            byte[] flipped = clean.clone();
            flipped[third + bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(log, flipped);
            warnings.clear();
            try (EventOutbox outbox = EventOutbox.open(dir)) {
                assertEquals(List.of(1L, 2L), seqs(outbox), "bit " + bit);
                String reason = "corrupt record at offset " + third;
                assertTrue(warnings.stream().anyMatch(w -> w.contains(reason)), "bit " + bit + ": " + warnings);
                assertTrue(outbox.lastSeq() >= 5, "seqs 3-5 may be at the server: never reused, bit " + bit);
                outbox.append("e", "after");
            }
            try (EventOutbox outbox = EventOutbox.open(dir)) {
                assertEquals(3, outbox.pending().size(), "the repair was persisted, bit " + bit);
            }
        }
    }

    @Test
    void aBrokenHeaderMovesTheLogAsideAndSkipsEverySeqItMayHold() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            for (int i = 0; i < 10; i++) outbox.append("e", "");
        }
        try (FileChannel ch = FileChannel.open(dir.resolve(EventOutbox.LOG_FILE), StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[] {0}), 0);
        }
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertEquals(List.of(), outbox.pending());
            assertTrue(outbox.lastSeq() >= 10);
        }
        try (var files = Files.list(dir)) {
            assertTrue(files.anyMatch(p -> p.getFileName().toString().startsWith("outbox.log.corrupt-")));
        }
    }

    @Test
    void aCorruptStateFileResendsEverything() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            for (int i = 0; i < 3; i++) outbox.append("e", "");
            outbox.acknowledge(2);
        }
        Path state = dir.resolve(EventOutbox.STATE_FILE);
        byte[] bytes = Files.readAllBytes(state);
        bytes[10] ^= 1;
        Files.write(state, bytes);
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertEquals(0, outbox.acknowledged());
            assertEquals(List.of(1L, 2L, 3L), seqs(outbox));
            assertEquals(4, outbox.append("e", "").seq());
        }
    }

    @Test
    void leftoverTempFilesFromAnInterruptedReplaceAreIgnored() throws IOException {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            outbox.append("e", "");
        }
        Files.writeString(dir.resolve(EventOutbox.LOG_FILE + ".tmp"), "half a compaction");
        Files.writeString(dir.resolve(EventOutbox.STATE_FILE + ".tmp"), "half an ack");
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            assertEquals(List.of(1L), seqs(outbox));
        }
        assertFalse(Files.exists(dir.resolve(EventOutbox.LOG_FILE + ".tmp")));
    }

    @Test
    void concurrentAppendsGetDistinctConsecutiveSeqs() throws Exception {
        try (EventOutbox outbox = EventOutbox.open(dir)) {
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                threads[t] = Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50; i++) {
                        try {
                            outbox.append("e", Thread.currentThread().getName());
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
            }
            for (Thread t : threads) t.join();
            assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), seqs(outbox));
        }
    }

    private static List<Long> seqs(EventOutbox outbox) {
        return outbox.pending().stream().map(AgentMessage.Event::seq).toList();
    }
}
