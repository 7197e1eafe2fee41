package org.visorfleet.aoe.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.visorfleet.aoe.codec.MacAddress;

class UdpEthernetTransportTest {
    private static final InetSocketAddress LOOPBACK_ANY_PORT =
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int AOE = FrameTransport.ETHERTYPE_AOE;

    @Test
    void framesRoundTripBetweenTwoTransports() throws Exception {
        try (UdpEthernetTransport a = open();
                UdpEthernetTransport b = open();
                Arena arena = Arena.ofConfined()) {
            FrameBatch out = new FrameBatch(3, 1514, arena);
            byte[][] sent = {
                Frames.frame(b.localMac(), a.localMac(), AOE, 60, 1),
                Frames.frame(b.localMac(), a.localMac(), AOE, 1514, 2),
                Frames.frame(MacAddress.BROADCAST, a.localMac(), AOE, 14, 3),
            };
            for (byte[] frame : sent) {
                Frames.add(out, frame, b.localAddress());
            }

            a.send(out);
            FrameBatch in = new FrameBatch(4, 1514, arena);
            for (byte[] frame : sent) {
                assertEquals(1, b.receive(in));
                assertArrayEquals(frame, Frames.bytes(in, 0));
                assertEquals(a.localAddress(), in.peer(0), "the sender, where replies go");
            }
            b.send(in); // echo the last one to its peer

            FrameBatch back = new FrameBatch(1, 1514, arena);
            assertEquals(1, a.receive(back));
            assertArrayEquals(sent[2], Frames.bytes(back, 0));
            assertEquals(b.localAddress(), back.peer(0));
            assertEquals(new TransportCounters(3, 1, 0, 0, 0, 0), b.counters());
        }
    }

    @Test
    void replyGoesToAPlainDatagramSenderAsQemuWouldBe() throws Exception {
        try (UdpEthernetTransport target = open();
                DatagramSocket qemu = new DatagramSocket(LOOPBACK_ANY_PORT);
                Arena arena = Arena.ofConfined()) {
            qemu.setSoTimeout(5000);
            byte[] query = Frames.frame(MacAddress.BROADCAST, MacAddress.of("52:54:00:12:34:56"), AOE, 60, 9);
            qemu.send(new DatagramPacket(query, query.length, target.localAddress()));

            FrameBatch in = new FrameBatch(4, 1514, arena);
            assertEquals(1, target.receive(in));
            assertArrayEquals(query, Frames.bytes(in, 0));
            assertEquals(qemu.getLocalSocketAddress(), in.peer(0));

            FrameBatch reply = new FrameBatch(1, 1514, arena);
            byte[] answer = Frames.frame(MacAddress.of("52:54:00:12:34:56"), target.localMac(), AOE, 1000, 10);
            Frames.add(reply, answer, in.peer(0));
            target.send(reply);

            DatagramPacket got = new DatagramPacket(new byte[2000], 2000);
            qemu.receive(got);
            assertArrayEquals(answer, Arrays.copyOf(got.getData(), got.getLength()));
        }
    }

    @Test
    void oversizeAndRuntDatagramsAreDroppedAndCounted() throws Exception {
        try (UdpEthernetTransport target = open();
                DatagramSocket peer = new DatagramSocket(LOOPBACK_ANY_PORT);
                Arena arena = Arena.ofConfined()) {
            for (int length : new int[] {1515, 13, 9000, 1514}) {
                peer.send(new DatagramPacket(new byte[length], length, target.localAddress()));
            }
            FrameBatch in = new FrameBatch(4, 1514, arena);
            assertEquals(1, target.receive(in));
            assertEquals(1514, in.length(0), "the only acceptable datagram");

            // A slot smaller than mtu + 14 is the limit too.
            FrameBatch small = new FrameBatch(1, 600, arena);
            peer.send(new DatagramPacket(new byte[601], 601, target.localAddress()));
            peer.send(new DatagramPacket(new byte[600], 600, target.localAddress()));
            assertEquals(1, target.receive(small));
            assertEquals(600, small.length(0));

            TransportCounters counters = target.counters();
            assertEquals(3, counters.droppedOversize());
            assertEquals(1, counters.droppedRunt());
            assertEquals(4, target.droppedFrames());
            assertEquals(2, counters.received());
        }
    }

    @Test
    void configuredMtuBoundsFrames() throws Exception {
        try (UdpEthernetTransport jumbo =
                        UdpEthernetTransport.open(LOOPBACK_ANY_PORT, MacAddress.of("02:00:00:00:00:01"), 9000);
                UdpEthernetTransport normal = open();
                DatagramSocket peer = new DatagramSocket(LOOPBACK_ANY_PORT);
                Arena arena = Arena.ofConfined()) {
            assertEquals(9000, jumbo.mtu());
            assertEquals(UdpEthernetTransport.DEFAULT_MTU, normal.mtu());
            byte[] frame = Frames.frame(jumbo.localMac(), normal.localMac(), AOE, 9014, 4);
            FrameBatch in = new FrameBatch(1, 9014, arena);

            peer.send(new DatagramPacket(frame, frame.length, jumbo.localAddress()));
            assertEquals(1, jumbo.receive(in));
            assertArrayEquals(frame, Frames.bytes(in, 0));

            // Even with a 9014-byte slot, a 1500-MTU end drops what its link could not carry.
            peer.send(new DatagramPacket(frame, frame.length, normal.localAddress()));
            peer.send(new DatagramPacket(frame, 1514, normal.localAddress()));
            assertEquals(1, normal.receive(in));
            assertEquals(1514, in.length(0));
            assertEquals(1, normal.counters().droppedOversize());

            FrameBatch out = new FrameBatch(1, 9014, arena);
            Frames.add(out, frame, jumbo.localAddress());
            assertThrows(IllegalArgumentException.class, () -> normal.send(out));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> UdpEthernetTransport.open(LOOPBACK_ANY_PORT, MacAddress.ZERO, 65_500));
        }
    }

    @Test
    void closeWakesABlockedReceiver() throws Exception {
        UdpEthernetTransport target = open();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        Thread receiver = Thread.ofPlatform().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                result.complete(target.receive(new FrameBatch(4, 1514, arena)));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        Thread.sleep(200);
        long start = System.nanoTime();
        target.close();
        assertEquals(0, result.get(1, TimeUnit.SECONDS));
        receiver.join(1000);
        assertTrue((System.nanoTime() - start) < 1_000_000_000L);
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(ClosedChannelException.class, () -> target.receive(new FrameBatch(1, 1514, arena)));
        }
    }

    @Test
    void sendNeedsAPeerPerSlot() throws Exception {
        try (UdpEthernetTransport a = open();
                Arena arena = Arena.ofConfined()) {
            FrameBatch out = new FrameBatch(2, 1514, arena);
            Frames.add(out, new byte[60], new InetSocketAddress(InetAddress.getLoopbackAddress(), 9));
            Frames.add(out, new byte[60], null);
            assertThrows(IllegalArgumentException.class, () -> a.send(out));
            assertEquals(0, a.counters().sent(), "nothing is sent when one slot is unusable");
        }
    }

    @Test
    void derivedMacIsStableLocallyAdministeredAndUnicast() throws Exception {
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 5555);
        MacAddress mac = UdpEthernetTransport.localMacFor(address);
        assertEquals(mac, UdpEthernetTransport.localMacFor(new InetSocketAddress("127.0.0.1", 5555)));
        assertEquals(0x02, mac.toBytes()[0]);
        assertTrue(!mac.isMulticast());
        assertNotEquals(mac, UdpEthernetTransport.localMacFor(new InetSocketAddress("127.0.0.1", 5556)));
        try (UdpEthernetTransport t = open()) {
            assertEquals("udp:127.0.0.1:" + t.localAddress().getPort(), t.describe());
        }
    }

    private static UdpEthernetTransport open() throws Exception {
        return UdpEthernetTransport.open(LOOPBACK_ANY_PORT, MacAddress.ZERO);
    }
}
