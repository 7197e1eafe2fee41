package org.visorfleet.aoe.initiator;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.server.AoeTarget;
import org.visorfleet.aoe.server.SharedStorage;
import org.visorfleet.aoe.server.TargetConfig;
import org.visorfleet.aoe.server.TargetExport;
import org.visorfleet.aoe.server.TargetServer;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.testing.MemoryBlockStore;
import org.visorfleet.aoe.transport.FrameBatch;
import org.visorfleet.aoe.transport.FrameTransport;
import org.visorfleet.aoe.transport.UdpEthernetTransport;

/** The initiator's windowed transfers survive lost frames by retransmitting, and give up clearly. */
class AoeDiskRetransmitTest {
    /** Loses every {@code n}th frame the target would receive, as a congested link would. */
    static final class LossyTransport implements FrameTransport {
        private final FrameTransport inner;
        private final int n;
        private final AtomicInteger seen = new AtomicInteger();
        final AtomicInteger lost = new AtomicInteger();

        LossyTransport(FrameTransport inner, int n) {
            this.inner = inner;
            this.n = n;
        }

        @Override
        public int receive(FrameBatch batch) throws IOException {
            int got = inner.receive(batch);
            if (got > 0 && seen.incrementAndGet() % n == 0) {
                lost.incrementAndGet();
                batch.clear(); // the whole batch vanishes
                return 0;
            }
            return got;
        }

        @Override
        public void send(FrameBatch batch) throws IOException {
            inner.send(batch);
        }

        @Override
        public MacAddress localMac() {
            return inner.localMac();
        }

        @Override
        public int mtu() {
            return inner.mtu();
        }

        @Override
        public String describe() {
            return "lossy " + inner.describe();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    @Test
    void lostRequestsAreRetransmittedAndTheDataIsExact() throws Exception {
        MemoryBlockStore disk = MemoryBlockStore.patterned(4096, false);
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 0);
        UdpEthernetTransport udp = UdpEthernetTransport.open(at, MacAddress.of("02:00:00:00:00:10"));
        LossyTransport lossy = new LossyTransport(udp, 7);
        AoeTarget target = new AoeTarget(
                TargetConfig.of(lossy.localMac(), lossy.mtu()),
                List.of(new TargetExport(new ExportAddress(1, 0), new SharedStorage(disk))),
                (e, c) -> {});
        try (TargetServer server = TargetServer.start(target, lossy, 1);
                AoeInitiator initiator = new AoeInitiator(
                        UdpEthernetTransport.open(at, MacAddress.of("02:00:00:00:00:11")), udp.localAddress())) {
            AoeInitiator.Discovered found = null;
            for (int i = 0; i < 10 && found == null; i++) {
                found = initiator.discover(1, 0, Duration.ofMillis(100)).stream()
                        .findFirst()
                        .orElse(null);
            }
            assertNotNull(found);
            AoeDisk d = initiator.open(found).withRetransmit(Duration.ofMillis(30), 10);
            byte[] patch = new byte[256 * 512];
            new java.util.Random(5).nextBytes(patch);
            d.write(100, ByteBuffer.wrap(patch), 16);
            ByteBuffer all = ByteBuffer.allocate(4096 * 512);
            d.read(0, all, 16);
            assertEquals(ByteBuffer.wrap(patch), ByteBuffer.wrap(all.array(), 100 * 512, patch.length));
            assertEquals(ByteBuffer.wrap(disk.bytes()), ByteBuffer.wrap(all.array()));
            assertTrue(lossy.lost.get() > 0, "frames were lost");
            assertTrue(
                    initiator.retransmits() >= lossy.lost.get(),
                    "every loss was retransmitted: " + initiator.retransmits() + " for " + lossy.lost.get());
            assertSame(server.target(), target);
        }
    }

    @Test
    void aSilentTargetFailsTheTransferWithAClearMessage() throws Exception {
        InetSocketAddress at = new InetSocketAddress("127.0.0.1", 0);
        try (UdpEthernetTransport silent = UdpEthernetTransport.open(at, MacAddress.of("02:00:00:00:00:20"));
                AoeInitiator initiator = new AoeInitiator(
                        UdpEthernetTransport.open(at, MacAddress.of("02:00:00:00:00:21")), silent.localAddress())) {
            var fake = new AoeInitiator.Discovered(
                    silent.localMac(),
                    1,
                    0,
                    org.visorfleet.aoe.codec.QueryConfigMessage.request(
                            org.visorfleet.aoe.codec.QueryConfigMessage.ConfigCommand.READ, ""));
            IOException e = assertThrows(IOException.class, () -> initiator.open(fake));
            assertTrue(e.getMessage().contains("no reply from e1.0"), e.getMessage());
        }
    }
}
