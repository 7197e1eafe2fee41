package org.visorfleet.aoe.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.visorfleet.aoe.codec.AtaCommands.*;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.visorfleet.aoe.codec.AoeCommand;
import org.visorfleet.aoe.codec.AoeFrame;
import org.visorfleet.aoe.codec.AoeHeader;
import org.visorfleet.aoe.codec.AtaMessage;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.codec.QueryConfigMessage;
import org.visorfleet.aoe.codec.QueryConfigMessage.ConfigCommand;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.testing.MemoryBlockStore;

class ClientActivityTest {
    static final MacAddress TARGET = MacAddress.of("02:00:00:00:00:aa");
    static final MacAddress READER = MacAddress.of("52:54:00:00:00:01");
    static final MacAddress SCANNER = MacAddress.of("52:54:00:00:00:02");

    final TargetExport disk =
            new TargetExport(new ExportAddress(1, 0), new SharedStorage(MemoryBlockStore.patterned(64, false)));
    final TargetExport readOnly =
            new TargetExport(new ExportAddress(1, 1), new SharedStorage(MemoryBlockStore.patterned(64, true)));
    final List<String> seen = Collections.synchronizedList(new ArrayList<>());
    final AoeTarget target = new AoeTarget(
            TargetConfig.of(TARGET, 1500), List.of(disk, readOnly), (e, c) -> seen.add("e" + e + " " + c));
    final TargetHarness h = new TargetHarness(target, 4);
    int tag;

    @AfterEach
    void close() {
        h.close();
    }

    AtaMessage ata(MacAddress from, int minor, int aflags, int count, int cmd, long lba, int bytes) {
        AoeFrame request = new AoeFrame(
                AoeHeader.request(TARGET, from, 1, minor, AoeCommand.ATA, ++tag),
                new AtaMessage(aflags, 0, count, cmd, lba, ByteBuffer.allocate(bytes)));
        return (AtaMessage) h.send(request).getFirst().message();
    }

    @Test
    void countsSectorsAndTimesPerClientOfEachExport() throws Exception {
        Instant before = Instant.now().minusMillis(1);
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    STATUS_READY,
                    ata(READER, 0, 0x40, 2, READ_SECTORS_EXT, 10 + i, 0).cmdStatus());
        }
        assertEquals(
                ERROR_IDNF, ata(READER, 0, 0x40, 2, READ_SECTORS_EXT, 63, 0).errFeature(), "not counted");
        Instant beforeWrites = Instant.now(); // times are kept in whole milliseconds: stay clear of the edges
        Thread.sleep(5);
        assertEquals(
                STATUS_READY, ata(READER, 0, 0x41, 1, WRITE_SECTORS_EXT, 5, 512).cmdStatus());
        assertEquals(
                STATUS_READY,
                ata(READER, 0, 0x41, 2, WRITE_SECTORS_EXT, 6, 1024).cmdStatus());
        assertEquals(
                ERROR_ABRT, ata(READER, 1, 0x41, 1, WRITE_SECTORS_EXT, 5, 512).errFeature(), "refused");
        h.send(new AoeFrame(
                AoeHeader.request(MacAddress.BROADCAST, SCANNER, 0xFFFF, 0xFF, AoeCommand.QUERY_CONFIG, ++tag),
                QueryConfigMessage.request(ConfigCommand.READ, "")));
        Instant after = Instant.now().plusMillis(1);

        List<ClientActivity> activity = disk.activity();
        assertEquals(
                List.of(READER, SCANNER),
                activity.stream().map(ClientActivity::client).toList());
        ClientActivity reader = activity.get(0);
        assertEquals(6, reader.sectorsRead());
        assertEquals(3, reader.sectorsWritten());
        assertBetween(before, reader.firstSeen(), beforeWrites);
        assertBetween(beforeWrites, reader.lastRequest(), after);
        assertBetween(beforeWrites, reader.lastWrite().orElseThrow(), after);

        ClientActivity scanner = activity.get(1);
        assertEquals(0, scanner.sectorsRead());
        assertEquals(0, scanner.sectorsWritten());
        assertEquals(Optional.empty(), scanner.lastWrite());
        assertEquals(scanner.firstSeen(), scanner.lastRequest());

        ClientActivity refused = readOnly.activity().getFirst();
        assertEquals(READER, refused.client());
        assertEquals(0, refused.sectorsWritten(), "a refused write is not a write");
        assertEquals(Optional.empty(), refused.lastWrite());

        assertEquals(Set.of(READER, SCANNER), disk.clients());
        assertEquals(List.of("e1.0 " + READER, "e1.1 " + READER, "e1.0 " + SCANNER, "e1.1 " + SCANNER), seen);
        assertEquals(6, target.count(AoeTarget.Counter.SECTORS_READ), "the target-wide counters agree");
        assertEquals(3, target.count(AoeTarget.Counter.SECTORS_WRITTEN));
    }

    @Test
    void theListenerHearsOfEachClientOnceEvenWhenItsFirstRequestsRace() throws Exception {
        int threads = 4;
        for (int round = 0; round < 50; round++) {
            MacAddress client = new MacAddress(0x525400001000L + round);
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Thread> racers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                racers.add(Thread.ofPlatform().start(() -> {
                    try (TargetHarness mine = new TargetHarness(target, 4)) {
                        start.await();
                        mine.send(new AoeFrame(
                                AoeHeader.request(TARGET, client, 1, 0, AoeCommand.ATA, 1),
                                AtaMessage.of(0x40, 0, 1, READ_SECTORS_EXT, 0)));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread t : racers) {
                t.join();
            }
            assertEquals(
                    1, seen.stream().filter(s -> s.endsWith(client.toString())).count(), seen::toString);
            ClientActivity a = disk.activity().stream()
                    .filter(c -> c.client().equals(client))
                    .findFirst()
                    .orElseThrow();
            assertEquals(threads, a.sectorsRead(), "no request lost to the race");
        }
    }

    private static void assertBetween(Instant low, Instant value, Instant high) {
        assertFalse(value.isBefore(low), value + " before " + low);
        assertFalse(value.isAfter(high), value + " after " + high);
    }
}
