package org.visorfleet.aoe.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.aoe.testing.VethPair;

class RawEthernetTransportTest {
    private static final int AOE = FrameTransport.ETHERTYPE_AOE;

    @Test
    void batchOfFramesOfEverySizeCrossesVethIntact() throws Exception {
        try (VethPair veth = VethPair.create();
                RawEthernetTransport a = RawEthernetTransport.open(veth.a());
                RawEthernetTransport b = RawEthernetTransport.open(veth.b());
                Arena arena = Arena.ofConfined()) {
            assertEquals(1500, a.mtu());
            assertEquals(readMac(veth.a()), a.localMac());
            assertEquals("raw:" + veth.a(), a.describe());
            FrameBatch out = new FrameBatch(40, 1514, arena);
            byte[][] sent = new byte[40][];
            for (int i = 0; i < 40; i++) {
                sent[i] = Frames.frame(b.localMac(), a.localMac(), AOE, 60 + i * (1514 - 60) / 39, i);
                Frames.add(out, sent[i], null);
            }

            a.send(out);
            List<byte[]> got = Frames.receive(b, new FrameBatch(16, 1514, arena), 40);

            assertEquals(40, got.size());
            for (int i = 0; i < 40; i++) {
                assertArrayEquals(sent[i], got.get(i), "frame " + i);
            }
            assertEquals(40, out.size(), "send does not clear the batch");
            assertEquals(0, a.receive(new FrameBatch(4, 1514, arena)), "a sender does not see its own frames");
            assertEquals(new TransportCounters(0, 40, 0, 0, 0, 0), a.counters());
            assertEquals(new TransportCounters(40, 0, 0, 0, 0, 0), b.counters());
        }
    }

    @Test
    void jumboFrameCrossesMtu9000Link() throws Exception {
        try (VethPair veth = VethPair.create(9000);
                RawEthernetTransport a = RawEthernetTransport.open(veth.a());
                RawEthernetTransport b = RawEthernetTransport.open(veth.b());
                Arena arena = Arena.ofConfined()) {
            assertEquals(9000, b.mtu());
            FrameBatch out = new FrameBatch(1, 9014, arena);
            byte[] jumbo = Frames.frame(b.localMac(), a.localMac(), AOE, 9014, 7);
            Frames.add(out, jumbo, null);

            a.send(out);
            List<byte[]> got = Frames.receive(b, new FrameBatch(4, 9014, arena), 1);

            assertEquals(1, got.size());
            assertArrayEquals(jumbo, got.get(0));
        }
    }

    @Test
    void frameLongerThanTheSlotIsDroppedAndCountedNotTruncated() throws Exception {
        try (VethPair veth = VethPair.create(9000);
                RawEthernetTransport a = RawEthernetTransport.open(veth.a());
                RawEthernetTransport b = RawEthernetTransport.open(veth.b());
                Arena arena = Arena.ofConfined()) {
            FrameBatch out = new FrameBatch(3, 9014, arena);
            byte[] jumbo = Frames.frame(b.localMac(), a.localMac(), AOE, 9014, 1);
            byte[] full = Frames.frame(b.localMac(), a.localMac(), AOE, 1514, 2);
            byte[] small = Frames.frame(b.localMac(), a.localMac(), AOE, 60, 3);
            Frames.add(out, jumbo, null);
            Frames.add(out, full, null);
            Frames.add(out, small, null);

            a.send(out);
            FrameBatch in = new FrameBatch(8, 1514, arena);
            List<byte[]> got = Frames.receive(b, in, 2);

            assertEquals(2, got.size());
            assertArrayEquals(full, got.get(0));
            assertArrayEquals(small, got.get(1));
            assertEquals(1, b.counters().droppedOversize());
            assertEquals(1, b.droppedFrames());
        }
    }

    @Test
    void onlyAoeFramesAreDelivered() throws Exception {
        try (VethPair veth = VethPair.create();
                RawEthernetTransport a = RawEthernetTransport.open(veth.a());
                RawEthernetTransport b = RawEthernetTransport.open(veth.b());
                Arena arena = Arena.ofConfined()) {
            FrameBatch out = new FrameBatch(2, 1514, arena);
            Frames.add(out, Frames.frame(b.localMac(), a.localMac(), 0x88B5, 100, 1), null);
            byte[] aoe = Frames.frame(b.localMac(), a.localMac(), AOE, 100, 2);
            Frames.add(out, aoe, null);

            a.send(out);
            FrameBatch in = new FrameBatch(8, 1514, arena);
            List<byte[]> got = Frames.receive(b, in, 1);

            assertEquals(1, got.size());
            assertArrayEquals(aoe, got.get(0));
            assertEquals(0, b.receive(in), "the 0x88B5 frame never arrives");
        }
    }

    @Test
    void framesShorterThan60BytesArePaddedWithZeros() throws Exception {
        try (VethPair veth = VethPair.create();
                RawEthernetTransport a = RawEthernetTransport.open(veth.a());
                RawEthernetTransport b = RawEthernetTransport.open(veth.b());
                Arena arena = Arena.ofConfined()) {
            FrameBatch out = new FrameBatch(1, 1514, arena);
            byte[] junk = new byte[60];
            Arrays.fill(junk, (byte) 0x7F);
            out.claim(null).put(junk); // left past the frame's end: must not leak into the padding
            out.clear();
            byte[] runt = Frames.frame(b.localMac(), a.localMac(), AOE, 24, 5);
            Frames.add(out, runt, null);

            a.send(out);
            List<byte[]> got = Frames.receive(b, new FrameBatch(4, 1514, arena), 1);

            byte[] expected = Arrays.copyOf(runt, 60);
            assertEquals(1, got.size());
            assertArrayEquals(expected, got.get(0));
            assertEquals(24, out.length(0), "the caller's frame keeps its length");
        }
    }

    @Test
    void sendRejectsFramesTheLinkCannotCarry() throws Exception {
        try (VethPair veth = VethPair.create();
                RawEthernetTransport a = RawEthernetTransport.open(veth.a());
                Arena arena = Arena.ofConfined()) {
            FrameBatch tooLong = new FrameBatch(1, 2000, arena);
            Frames.add(tooLong, Frames.frame(MacAddress.BROADCAST, a.localMac(), AOE, 1515, 0), null);
            assertThrows(IllegalArgumentException.class, () -> a.send(tooLong));
            FrameBatch noHeader = new FrameBatch(1, 1514, arena);
            Frames.add(noHeader, new byte[13], null);
            assertThrows(IllegalArgumentException.class, () -> a.send(noHeader));
            assertEquals(0, a.counters().sent());
        }
    }

    @Test
    void closeWakesABlockedReceiverWithinOneSecond() throws Exception {
        try (VethPair veth = VethPair.create()) {
            RawEthernetTransport b = RawEthernetTransport.open(veth.b());
            CompletableFuture<Integer> received = new CompletableFuture<>();
            CompletableFuture<Void> started = new CompletableFuture<>();
            Thread receiver = Thread.ofPlatform().start(() -> {
                try (Arena arena = Arena.ofConfined()) {
                    FrameBatch in = new FrameBatch(8, 1514, arena);
                    started.complete(null);
                    // Loop as a server would: timeouts return 0, close ends it.
                    while (true) {
                        b.receive(in);
                    }
                } catch (ClosedChannelException e) {
                    received.complete(-1);
                } catch (Throwable t) {
                    received.completeExceptionally(t);
                }
            });
            started.get(5, TimeUnit.SECONDS);
            Thread.sleep(300); // let it block in recvmmsg

            long start = System.nanoTime();
            b.close();
            receiver.join(1000);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertTrue(received.isDone() && !receiver.isAlive(), "still blocked " + millis + " ms after close");
            assertEquals(-1, received.get(), "the next receive after close reports the closed transport");
            assertTrue(millis < 1000, "close took " + millis + " ms");
            try (Arena arena = Arena.ofConfined()) {
                assertThrows(ClosedChannelException.class, () -> b.receive(new FrameBatch(1, 1514, arena)));
            }
            b.close(); // idempotent
        }
    }

    @Test
    void missingInterfaceIsNamedInTheError() {
        IOException e = assertThrows(IOException.class, () -> RawEthernetTransport.open("vftmissing0"));
        assertEquals("no such network interface: vftmissing0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RawEthernetTransport.open("../../etc"));
        assertThrows(IllegalArgumentException.class, () -> RawEthernetTransport.open("averyverylongname0"));
    }

    @Test
    void loopbackIsRefusedAsNotEthernet() {
        Prerequisites.root();
        IOException e = assertThrows(IOException.class, () -> RawEthernetTransport.open("lo"));
        assertTrue(e.getMessage().contains("not an Ethernet interface"), e.getMessage());
    }

    private static MacAddress readMac(String iface) throws IOException {
        return MacAddress.of(
                Files.readString(Path.of("/sys/class/net", iface, "address")).strip());
    }
}
