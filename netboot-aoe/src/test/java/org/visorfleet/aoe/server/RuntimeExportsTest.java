package org.visorfleet.aoe.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.visorfleet.aoe.codec.AtaCommands.*;

import java.lang.foreign.Arena;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.visorfleet.aoe.codec.AoeCodec;
import org.visorfleet.aoe.codec.AoeCommand;
import org.visorfleet.aoe.codec.AoeFrame;
import org.visorfleet.aoe.codec.AoeHeader;
import org.visorfleet.aoe.codec.AtaMessage;
import org.visorfleet.aoe.codec.DecodeResult;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.codec.QueryConfigMessage;
import org.visorfleet.aoe.codec.QueryConfigMessage.ConfigCommand;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.testing.MemoryBlockStore;
import org.visorfleet.aoe.transport.FrameBatch;
import org.visorfleet.aoe.transport.UdpEthernetTransport;

/** Exports added and removed while the target serves. */
class RuntimeExportsTest {
    static final MacAddress TARGET = MacAddress.of("02:00:00:00:00:aa");
    static final MacAddress CLIENT = MacAddress.of("52:54:00:00:00:01");
    static final ExportAddress E10 = new ExportAddress(1, 0);
    static final ExportAddress E11 = new ExportAddress(1, 1);

    final AoeTarget target = new AoeTarget(TargetConfig.of(TARGET, 1500), List.of(export(E10)), (e, c) -> {});
    final TargetHarness h = new TargetHarness(target, 8);
    /** Threads of their own: the common pool may have a single thread, which a blocked read would hold. */
    final ExecutorService threads = Executors.newCachedThreadPool();

    int tag;

    @AfterEach
    void close() {
        h.close();
        threads.shutdownNow();
    }

    static TargetExport export(ExportAddress address) {
        return new TargetExport(address, new SharedStorage(MemoryBlockStore.patterned(256, false)));
    }

    AoeFrame discover() {
        return discover(++tag);
    }

    static AoeFrame discover(int tag) {
        return new AoeFrame(
                AoeHeader.request(MacAddress.BROADCAST, CLIENT, 0xFFFF, 0xFF, AoeCommand.QUERY_CONFIG, tag),
                QueryConfigMessage.request(ConfigCommand.READ, ""));
    }

    static AoeFrame read(ExportAddress e, long lba, int tag) {
        return new AoeFrame(
                AoeHeader.request(TARGET, CLIENT, e.shelf(), e.slot(), AoeCommand.ATA, tag),
                AtaMessage.of(0x40, 0, 2, READ_SECTORS_EXT, lba));
    }

    static List<String> addresses(List<AoeFrame> replies) {
        return replies.stream()
                .map(r -> r.header().major() + "." + r.header().minor())
                .toList();
    }

    @Test
    void addedExportsAnswerAndRemovedOnesFallSilent() throws Exception {
        assertEquals(List.of("1.0"), addresses(h.send(discover())));
        target.addExport(export(E11));
        assertEquals(List.of("1.0", "1.1"), addresses(h.send(discover())));
        IllegalArgumentException twice =
                assertThrows(IllegalArgumentException.class, () -> target.addExport(export(E11)));
        assertTrue(twice.getMessage().contains("e1.1 is exported already"), twice.getMessage());

        assertThrows(
                IllegalArgumentException.class,
                () -> new AoeTarget(TargetConfig.of(TARGET, 1500), List.of(export(E11), export(E11)), (x, c) -> {}),
                "the constructor refuses duplicates too");

        TargetExport removed = target.removeExport(E10).orElseThrow();
        assertEquals(E10, removed.address());
        assertEquals(List.of("1.1"), addresses(h.send(discover())));
        assertEquals(List.of(), h.send(read(E10, 0, ++tag)), "a removed export is silent, like one never exported");
        assertEquals(Optional.empty(), target.removeExport(E10));
        assertThrows(IllegalArgumentException.class, () -> target.addExport(removed), "removed for good");
        removed.close();

        target.addExport(export(E10));
        assertEquals(List.of("1.1", "1.0"), addresses(h.send(discover())));
        AtaMessage data = (AtaMessage) h.send(read(E10, 8, ++tag)).getFirst().message();
        assertEquals(STATUS_READY, data.cmdStatus());
        assertEquals(8 * 512, data.data().getLong(0));
    }

    @Test
    void repliesThatDoNotFitTheCallersBatchAreDroppedAndCounted() {
        target.addExport(export(E11));
        target.addExport(export(new ExportAddress(1, 2)));
        try (TargetHarness small = new TargetHarness(target, 2)) {
            long dropped = target.count(AoeTarget.Counter.DROPPED);
            assertEquals(List.of("1.0", "1.1"), addresses(small.send(discover())));
            assertEquals(dropped + 1, target.count(AoeTarget.Counter.DROPPED));
        }
        assertEquals(3, target.maxRepliesPerRequest());
    }

    @Test
    void closingARemovedExportWaitsForItsRequestsInFlight() throws Exception {
        WatchedStore store = new WatchedStore(MemoryBlockStore.patterned(64, false));
        TargetExport e = new TargetExport(E11, new SharedStorage(store));
        target.addExport(e);
        store.holdReads();
        CompletableFuture<List<AoeFrame>> reader = CompletableFuture.supplyAsync(
                () -> {
                    try (TargetHarness other = new TargetHarness(target, 4)) {
                        return other.send(read(E11, 8, 77));
                    }
                },
                threads);
        assertTrue(store.awaitRead(5_000), "the read reached the store");

        assertSame(e, target.removeExport(E11).orElseThrow());
        assertEquals(List.of(), h.send(read(E11, 8, ++tag)), "no new request reaches a removed export");
        CompletableFuture<Void> closing = CompletableFuture.runAsync(
                () -> {
                    try {
                        e.close();
                    } catch (java.io.IOException failure) {
                        throw new java.io.UncheckedIOException(failure);
                    }
                },
                threads);
        Thread.sleep(200);
        assertFalse(closing.isDone(), "close waits for the read in flight");
        assertFalse(store.isClosed());

        store.releaseReads();
        AtaMessage done =
                (AtaMessage) reader.get(5, TimeUnit.SECONDS).getFirst().message();
        assertEquals(STATUS_READY, done.cmdStatus(), "the request in flight completed normally");
        assertEquals(8 * 512, done.data().getLong(0));
        closing.get(5, TimeUnit.SECONDS);
        assertTrue(store.isClosed());
        assertEquals(0, store.violations());
    }

    /**
     * Four threads send reads, writes and broadcasts as fast as they can while exports come and go
     * (200 additions and removals, each after at least 20 more requests): every reply is
     * well-formed, every read that gets an answer has the right data, no request reaches a closed
     * store and no store closes under a request.
     */
    @Test
    void exportsComeAndGoWhileWorkersHammerTheTarget() throws Exception {
        int slots = 6;
        Queue<WatchedStore> watched = new ConcurrentLinkedQueue<>();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            long seed = w;
            workers.add(Thread.ofPlatform().start(() -> hammer(seed, slots, done, failures)));
        }
        Random random = new Random(42);
        TargetExport[] churned = new TargetExport[slots];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int changes = 0; changes < 200 && failures.isEmpty(); changes++) {
            long requests = target.count(AoeTarget.Counter.REQUESTS) + 20;
            while (target.count(AoeTarget.Counter.REQUESTS) < requests && failures.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the workers stalled after " + changes + " changes");
                Thread.yield();
            }
            int slot = random.nextInt(slots);
            ExportAddress address = new ExportAddress(2, slot);
            if (churned[slot] == null) {
                WatchedStore store = new WatchedStore(MemoryBlockStore.patterned(256, false));
                watched.add(store);
                churned[slot] = new TargetExport(address, new SharedStorage(store));
                target.addExport(churned[slot]);
            } else {
                target.removeExport(address).orElseThrow().close();
                churned[slot] = null;
            }
        }
        done.set(true);
        for (Thread t : workers) {
            t.join(10_000);
        }
        assertEquals(List.of(), List.copyOf(failures));
        for (WatchedStore s : watched) {
            assertEquals(0, s.violations(), "a request met a closed store, or a close met a request");
        }
        assertEquals(0, target.count(AoeTarget.Counter.IO_ERRORS));
        assertEquals(0, target.count(AoeTarget.Counter.MALFORMED));
        assertTrue(target.count(AoeTarget.Counter.SECTORS_READ) > 1000);
    }

    private void hammer(long seed, int slots, AtomicBoolean done, Queue<String> failures) {
        Random random = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            FrameBatch out = new FrameBatch(4, target.config().maxFrame(), arena);
            ByteBuffer wire = ByteBuffer.allocate(1514);
            int tag = 0;
            while (!done.get() && failures.size() < 10) {
                if (out.capacity() < target.maxRepliesPerRequest()) {
                    out = new FrameBatch(
                            target.maxRepliesPerRequest() + 4, target.config().maxFrame(), arena);
                }
                ExportAddress e = random.nextInt(4) == 0 ? E10 : new ExportAddress(2, random.nextInt(slots));
                long lba = random.nextInt(254);
                AoeFrame request =
                        switch (random.nextInt(8)) {
                            case 0 -> discover(++tag);
                            case 1 -> {
                                byte[] same = new byte[1024]; // the pattern the sectors hold already
                                ByteBuffer b = ByteBuffer.wrap(same);
                                for (int i = 0; i < same.length; i += 8) {
                                    b.putLong(i, lba * 512 + i);
                                }
                                yield new AoeFrame(
                                        AoeHeader.request(TARGET, CLIENT, e.shelf(), e.slot(), AoeCommand.ATA, ++tag),
                                        new AtaMessage(0x41, 0, 2, WRITE_SECTORS_EXT, lba, b));
                            }
                            default -> read(e, lba, ++tag);
                        };
                wire.clear();
                int n = AoeCodec.encode(request, wire);
                out.clear();
                target.handle(wire.flip().limit(n), null, out);
                for (int i = 0; i < out.size(); i++) {
                    check(request, out.frame(i), lba, failures);
                }
            }
        } catch (RuntimeException | Error e) {
            failures.add("escaped: " + e);
        }
    }

    private static void check(AoeFrame request, ByteBuffer reply, long lba, Queue<String> failures) {
        ByteBuffer copy = ByteBuffer.allocate(reply.remaining()).put(reply).flip();
        switch (AoeCodec.decode(copy)) {
            case DecodeResult.Malformed m -> failures.add("malformed reply: " + m);
            case DecodeResult.Decoded(AoeFrame f) -> {
                if (f.header().isError()) {
                    failures.add("AoE error " + f.header().error() + " for " + request.header());
                } else if (f.message() instanceof AtaMessage m) {
                    if (m.cmdStatus() != STATUS_READY) {
                        failures.add("ATA error " + m.errFeature() + " for " + request.header());
                    } else if (((AtaMessage) request.message()).cmdStatus() == READ_SECTORS_EXT
                            && m.data().getLong(0) != lba * 512) {
                        failures.add(
                                "wrong data for lba " + lba + ": " + m.data().getLong(0));
                    }
                }
            }
        }
    }

    /**
     * A {@link TargetServer} over Ethernet-in-UDP on loopback: its workers make room for exports added
     * after it started (41 replies to one broadcast), and closing it closes the exports it still
     * serves, not those removed before.
     */
    @Test
    void runningServerAnswersForExportsAddedLaterAndClosesThoseStillServed() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        UdpEthernetTransport link = UdpEthernetTransport.open(new InetSocketAddress(loopback, 0), TARGET);
        AoeTarget served = new AoeTarget(TargetConfig.of(TARGET, link.mtu()), List.of(), (e, c) -> {});
        List<WatchedStore> kept = new ArrayList<>();
        List<TargetExport> removed = new ArrayList<>();
        try (TargetServer server = TargetServer.start(served, link, 2);
                DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            assertEquals(0, exchange(client, link, discover(), 0).size(), "no exports yet");
            List<WatchedStore> stores = new ArrayList<>();
            for (int slot = 0; slot < 41; slot++) {
                WatchedStore store = new WatchedStore(MemoryBlockStore.patterned(64, false));
                stores.add(store);
                served.addExport(new TargetExport(new ExportAddress(3, slot), new SharedStorage(store)));
            }
            assertEquals(41, exchange(client, link, discover(), 41).size());
            for (int slot = 0; slot < 20; slot++) {
                removed.add(served.removeExport(new ExportAddress(3, slot)).orElseThrow());
            }
            kept.addAll(stores.subList(20, 41));
            assertEquals(21, exchange(client, link, discover(), 21).size());
            assertEquals(
                    0,
                    exchange(client, link, read(new ExportAddress(3, 0), 0, 5), 0)
                            .size());
            List<AoeFrame> data = exchange(client, link, read(new ExportAddress(3, 40), 4, 6), 1);
            assertEquals(
                    4 * 512, ((AtaMessage) data.getFirst().message()).data().getLong(0));
        }
        for (WatchedStore s : kept) {
            assertTrue(s.isClosed(), "served at close: closed by the server");
        }
        for (TargetExport e : removed) {
            WatchedStore store = (WatchedStore) e.storage().storeFor(CLIENT);
            assertFalse(store.isClosed(), "removed earlier: its remover's to close");
            e.close();
            assertTrue(store.isClosed());
        }
    }

    /** Sends {@code request} and collects replies until {@code expected} arrived, then 200 ms more. */
    private static List<AoeFrame> exchange(
            DatagramSocket client, UdpEthernetTransport link, AoeFrame request, int expected) throws Exception {
        ByteBuffer wire = ByteBuffer.allocate(1514);
        int n = AoeCodec.encode(request, wire);
        client.send(new DatagramPacket(wire.array(), n, link.localAddress()));
        List<AoeFrame> replies = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            client.setSoTimeout(replies.size() >= expected ? 200 : 1000);
            DatagramPacket p = new DatagramPacket(new byte[1514], 1514);
            try {
                client.receive(p);
            } catch (SocketTimeoutException quiet) {
                if (replies.size() >= expected) {
                    break;
                }
                continue;
            }
            switch (AoeCodec.decode(
                    ByteBuffer.wrap(p.getData(), 0, p.getLength()).slice())) {
                case DecodeResult.Decoded(AoeFrame f) -> replies.add(f);
                case DecodeResult.Malformed m -> fail("malformed reply " + m);
            }
        }
        return replies;
    }
}
