package org.visorfleet.aoe.server;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.visorfleet.aoe.initiator.AoeDisk;
import org.visorfleet.aoe.initiator.AoeInitiator;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.testing.MemoryBlockStore;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.aoe.testing.VethPair;
import org.visorfleet.aoe.transport.RawEthernetTransport;

/** Our target and our initiator on the two ends of a veth pair, at MTU 1500 and 9000. */
@Tag("interop")
class TargetServerInteropTest {
    @ParameterizedTest
    @ValueSource(ints = {1500, 9000})
    void windowedReadsAndWritesOverRawEthernet(int mtu) throws Exception {
        Prerequisites.root();
        MemoryBlockStore disk = MemoryBlockStore.patterned(16384, false);
        try (VethPair veth = VethPair.create(mtu)) {
            RawEthernetTransport targetLink = RawEthernetTransport.open(veth.b());
            AoeTarget target = new AoeTarget(
                    TargetConfig.of(targetLink.localMac(), targetLink.mtu()),
                    List.of(new TargetExport(new ExportAddress(1, 0), new SharedStorage(disk))),
                    (e, c) -> {});
            try (TargetServer server = TargetServer.start(target, targetLink, 2);
                    AoeInitiator initiator = new AoeInitiator(RawEthernetTransport.open(veth.a()), null)) {
                List<AoeInitiator.Discovered> found = initiator.discover(0xFFFF, 0xFF, Duration.ofMillis(300));
                assertEquals(1, found.size());
                assertEquals(targetLink.localMac(), found.getFirst().mac());
                AoeDisk d = initiator.open(found.getFirst());
                assertEquals(mtu == 9000 ? 17 : 2, d.maxSectorsPerRequest(), "sectors per frame follow the MTU");
                assertEquals(16384, d.sectorCount());

                ByteBuffer all = ByteBuffer.allocate(8 << 20);
                d.read(0, all, 64);
                assertArrayEquals(disk.bytes(), all.array());

                byte[] patch = new byte[1 << 20];
                new Random(mtu).nextBytes(patch);
                d.write(333, ByteBuffer.wrap(patch), 16);
                d.flush();
                assertEquals(ByteBuffer.wrap(patch), ByteBuffer.wrap(disk.bytes(), 333 * 512, patch.length));
                assertEquals(1, disk.flushes());
                assertEquals(0, server.target().count(AoeTarget.Counter.MALFORMED));
            }
        }
    }
}
