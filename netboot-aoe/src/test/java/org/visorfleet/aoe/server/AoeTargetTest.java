package org.visorfleet.aoe.server;

import static org.junit.jupiter.api.Assertions.*;
import static org.visorfleet.aoe.codec.AtaCommands.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.visorfleet.aoe.codec.AoeCodec;
import org.visorfleet.aoe.codec.AoeCommand;
import org.visorfleet.aoe.codec.AoeError;
import org.visorfleet.aoe.codec.AoeFrame;
import org.visorfleet.aoe.codec.AoeHeader;
import org.visorfleet.aoe.codec.AtaIdentify;
import org.visorfleet.aoe.codec.AtaMessage;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.codec.MacMaskMessage;
import org.visorfleet.aoe.codec.QueryConfigMessage;
import org.visorfleet.aoe.codec.QueryConfigMessage.ConfigCommand;
import org.visorfleet.aoe.codec.ReserveReleaseMessage;
import org.visorfleet.aoe.codec.UnknownMessage;
import org.visorfleet.aoe.store.BlockStore;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.aoe.testing.MemoryBlockStore;

class AoeTargetTest {
    static final MacAddress TARGET = MacAddress.of("02:00:00:00:00:aa");
    static final MacAddress CLIENT = MacAddress.of("52:54:00:00:00:01");
    static final MacAddress OTHER = MacAddress.of("52:54:00:00:00:02");

    final MemoryBlockStore disk = MemoryBlockStore.patterned(4096, false);
    final MemoryBlockStore readOnlyDisk = MemoryBlockStore.patterned(64, true);
    final TargetHarness t = new TargetHarness(
            TARGET,
            1500,
            List.of(
                    new TargetExport(new ExportAddress(1, 0), new SharedStorage(disk)),
                    new TargetExport(new ExportAddress(1, 1), new SharedStorage(readOnlyDisk))));
    int tag = 100;

    @AfterEach
    void close() {
        t.close();
    }

    AoeFrame request(MacAddress from, int major, int minor, AoeCommand cmd, org.visorfleet.aoe.codec.AoeMessage m) {
        MacAddress dst = major == 0xFFFF || minor == 0xFF ? MacAddress.BROADCAST : TARGET;
        return new AoeFrame(AoeHeader.request(dst, from, major, minor, cmd, ++tag), m);
    }

    AoeFrame one(AoeFrame request) {
        List<AoeFrame> replies = t.send(request);
        assertEquals(1, replies.size(), "replies to " + request);
        AoeFrame r = replies.getFirst();
        assertTrue(r.header().isResponse());
        assertEquals(request.header().tag(), r.header().tag(), "tag echoed");
        assertEquals(request.header().source(), r.header().destination(), "unicast to the requester");
        assertEquals(TARGET, r.header().source());
        return r;
    }

    AtaMessage ata(int aflags, int count, int cmd, long lba, byte[] data) {
        AoeFrame r = one(request(
                CLIENT, 1, 0, AoeCommand.ATA, new AtaMessage(aflags, 0, count, cmd, lba, ByteBuffer.wrap(data))));
        assertFalse(r.header().isError(), "AoE error " + r.header().error());
        return (AtaMessage) r.message();
    }

    int aoeError(AoeFrame request) {
        AoeFrame r = one(request);
        assertTrue(r.header().isError());
        return r.header().error();
    }

    // --- discovery and Query Config ---

    @Test
    void broadcastDiscoveryIsAnsweredByEveryExportWithItsRealAddress() {
        List<AoeFrame> replies = t.send(request(
                CLIENT, 0xFFFF, 0xFF, AoeCommand.QUERY_CONFIG, QueryConfigMessage.request(ConfigCommand.READ, "")));
        assertEquals(
                List.of("1.0", "1.1"),
                replies.stream()
                        .map(r -> r.header().major() + "." + r.header().minor())
                        .toList());
        QueryConfigMessage qc = (QueryConfigMessage) replies.getFirst().message();
        assertTrue(qc.bufferCount() >= 16);
        assertEquals(2, qc.sectorCount(), "MTU 1500 carries 2 sectors");
        assertEquals(List.of("1.0/52:54:00:00:00:01", "1.1/52:54:00:00:00:01"), t.seen);
        // a second discovery does not announce the client again
        t.send(request(CLIENT, 1, 0xFF, AoeCommand.QUERY_CONFIG, QueryConfigMessage.request(ConfigCommand.READ, "")));
        assertEquals(2, t.seen.size());
    }

    @Test
    void jumboFramesCarrySeventeenSectors() {
        try (TargetHarness jumbo = new TargetHarness(
                TARGET, 9000, List.of(new TargetExport(new ExportAddress(2, 3), new SharedStorage(disk))))) {
            AoeFrame r = jumbo.send(request(
                            CLIENT, 2, 3, AoeCommand.QUERY_CONFIG, QueryConfigMessage.request(ConfigCommand.READ, "")))
                    .getFirst();
            assertEquals(17, ((QueryConfigMessage) r.message()).sectorCount());
            AoeFrame read = jumbo.send(new AoeFrame(
                            AoeHeader.request(TARGET, CLIENT, 2, 3, AoeCommand.ATA, 1),
                            AtaMessage.of(0x40, 0, 17, READ_SECTORS_EXT, 10)))
                    .getFirst();
            AtaMessage m = (AtaMessage) read.message();
            assertEquals(17 * 512, m.data().remaining());
            assertEquals(10 * 512, m.data().getLong(0));
        }
    }

    @Test
    void configStringSubcommands() {
        QueryConfigMessage set = (QueryConfigMessage) one(request(
                        CLIENT,
                        1,
                        0,
                        AoeCommand.QUERY_CONFIG,
                        QueryConfigMessage.request(ConfigCommand.SET_IF_EMPTY, "owner=lab1")))
                .message();
        assertEquals("owner=lab1", set.config());
        // a retransmitted identical set is harmless
        assertEquals(
                "owner=lab1",
                ((QueryConfigMessage) one(request(
                                        CLIENT,
                                        1,
                                        0,
                                        AoeCommand.QUERY_CONFIG,
                                        QueryConfigMessage.request(ConfigCommand.SET_IF_EMPTY, "owner=lab1")))
                                .message())
                        .config());
        assertEquals(
                AoeError.CONFIG_STRING_PRESENT.code(),
                aoeError(request(
                        OTHER,
                        1,
                        0,
                        AoeCommand.QUERY_CONFIG,
                        QueryConfigMessage.request(ConfigCommand.SET_IF_EMPTY, "owner=lab2"))));
        assertEquals(
                1,
                t.send(request(
                                CLIENT,
                                1,
                                0,
                                AoeCommand.QUERY_CONFIG,
                                QueryConfigMessage.request(ConfigCommand.TEST_EXACT, "owner=lab1")))
                        .size());
        assertEquals(
                0,
                t.send(request(
                                CLIENT,
                                1,
                                0,
                                AoeCommand.QUERY_CONFIG,
                                QueryConfigMessage.request(ConfigCommand.TEST_EXACT, "owner=lab")))
                        .size(),
                "no reply on mismatch");
        assertEquals(
                1,
                t.send(request(
                                CLIENT,
                                1,
                                0,
                                AoeCommand.QUERY_CONFIG,
                                QueryConfigMessage.request(ConfigCommand.TEST_PREFIX, "owner=")))
                        .size());
        assertEquals(
                0,
                t.send(request(
                                CLIENT,
                                1,
                                0,
                                AoeCommand.QUERY_CONFIG,
                                QueryConfigMessage.request(ConfigCommand.TEST_PREFIX, "x")))
                        .size());
        assertEquals(
                "x".repeat(1024),
                ((QueryConfigMessage) one(request(
                                        CLIENT,
                                        1,
                                        0,
                                        AoeCommand.QUERY_CONFIG,
                                        QueryConfigMessage.request(ConfigCommand.FORCE_SET, "x".repeat(1024))))
                                .message())
                        .config());
        assertEquals(
                AoeError.BAD_ARGUMENT.code(),
                aoeError(request(CLIENT, 1, 0, AoeCommand.QUERY_CONFIG, new QueryConfigMessage(0, 0, 0, 1, 9, ""))));
    }

    @Test
    void configStringLongerThan1024IsABadArgument() {
        ByteBuffer wire = ByteBuffer.allocate(1500);
        int n = AoeCodec.encode(
                request(
                        CLIENT,
                        1,
                        0,
                        AoeCommand.QUERY_CONFIG,
                        QueryConfigMessage.request(ConfigCommand.FORCE_SET, "y".repeat(1024))),
                wire);
        wire.putShort(30, (short) 1025).put(n, (byte) 'y');
        AoeFrame r = t.sendRaw(wire.limit(n + 1)).getFirst();
        assertEquals(AoeError.BAD_ARGUMENT.code(), r.header().error());
        assertEquals(
                "",
                ((QueryConfigMessage) one(request(
                                        CLIENT,
                                        1,
                                        0,
                                        AoeCommand.QUERY_CONFIG,
                                        QueryConfigMessage.request(ConfigCommand.READ, "")))
                                .message())
                        .config(),
                "nothing changed");
    }

    // --- MAC mask list and reserve/release ---

    @Test
    void macMaskListAdmitsOnlyListedHosts() {
        var add = new MacMaskMessage(
                MacMaskMessage.MCMD_EDIT, 0, List.of(new MacMaskMessage.Directive(MacMaskMessage.DCMD_ADD, CLIENT)));
        MacMaskMessage r = (MacMaskMessage)
                one(request(CLIENT, 1, 0, AoeCommand.MAC_MASK, add)).message();
        assertEquals(0, r.merror());
        assertEquals(
                List.of(CLIENT),
                r.directives().stream().map(MacMaskMessage.Directive::mac).toList());
        assertEquals(
                0,
                t.send(request(OTHER, 1, 0, AoeCommand.ATA, AtaMessage.of(0, 0, 1, IDENTIFY_DEVICE, 0)))
                        .size(),
                "masked hosts get no answer");
        assertEquals(
                1,
                t.send(request(CLIENT, 1, 0, AoeCommand.ATA, AtaMessage.of(0, 0, 1, IDENTIFY_DEVICE, 0)))
                        .size());
        var bad = new MacMaskMessage(
                MacMaskMessage.MCMD_EDIT,
                0,
                List.of(
                        new MacMaskMessage.Directive(MacMaskMessage.DCMD_ADD, OTHER),
                        new MacMaskMessage.Directive(7, CLIENT)));
        MacMaskMessage badReply = (MacMaskMessage)
                one(request(CLIENT, 1, 0, AoeCommand.MAC_MASK, bad)).message();
        assertEquals(MacMaskMessage.MERROR_BAD_DIRECTIVE, badReply.merror());
        assertEquals(2, badReply.directives().size(), "directives before the bad one were applied");
        var del = new MacMaskMessage(
                MacMaskMessage.MCMD_EDIT,
                0,
                List.of(
                        new MacMaskMessage.Directive(MacMaskMessage.DCMD_DELETE, CLIENT),
                        new MacMaskMessage.Directive(MacMaskMessage.DCMD_DELETE, OTHER)));
        assertEquals(
                0,
                ((MacMaskMessage) one(request(CLIENT, 1, 0, AoeCommand.MAC_MASK, del))
                                .message())
                        .directives()
                        .size());
        assertEquals(
                1,
                t.send(request(OTHER, 1, 0, AoeCommand.ATA, AtaMessage.of(0, 0, 1, IDENTIFY_DEVICE, 0)))
                        .size(),
                "an empty mask admits everyone");
    }

    @Test
    void macMaskListFullIsReported() {
        List<MacMaskMessage.Directive> many = new java.util.ArrayList<>();
        for (int i = 0; i < ExportState.MAX_MASK_ENTRIES + 1; i++) {
            many.add(new MacMaskMessage.Directive(
                    MacMaskMessage.DCMD_ADD, new MacAddress(0x525400000000L + (i == 0 ? 1 : 100 + i))));
        }
        MacMaskMessage r = (MacMaskMessage)
                one(request(CLIENT, 1, 0, AoeCommand.MAC_MASK, new MacMaskMessage(MacMaskMessage.MCMD_EDIT, 0, many)))
                        .message();
        assertEquals(MacMaskMessage.MERROR_LIST_FULL, r.merror());
        assertEquals(ExportState.MAX_MASK_ENTRIES, r.directives().size());
    }

    @Test
    void reservedTargetRefusesOtherHosts() {
        ReserveReleaseMessage r = (ReserveReleaseMessage) one(request(
                        CLIENT,
                        1,
                        0,
                        AoeCommand.RESERVE_RELEASE,
                        new ReserveReleaseMessage(ReserveReleaseMessage.RCMD_SET, List.of(CLIENT))))
                .message();
        assertEquals(List.of(CLIENT), r.macs());
        assertEquals(
                AoeError.TARGET_RESERVED.code(),
                aoeError(request(OTHER, 1, 0, AoeCommand.ATA, AtaMessage.of(0x40, 0, 1, READ_SECTORS_EXT, 0))));
        assertEquals(
                AoeError.TARGET_RESERVED.code(),
                aoeError(request(
                        OTHER,
                        1,
                        0,
                        AoeCommand.RESERVE_RELEASE,
                        new ReserveReleaseMessage(ReserveReleaseMessage.RCMD_SET, List.of(OTHER)))));
        ata(0x40, 1, READ_SECTORS_EXT, 0, new byte[0]);
        // the holder releases; then anyone may read
        one(request(
                CLIENT,
                1,
                0,
                AoeCommand.RESERVE_RELEASE,
                new ReserveReleaseMessage(ReserveReleaseMessage.RCMD_SET, List.of())));
        assertFalse(one(request(OTHER, 1, 0, AoeCommand.ATA, AtaMessage.of(0x40, 0, 1, READ_SECTORS_EXT, 0)))
                .header()
                .isError());
        // force set works for anyone
        one(request(
                CLIENT,
                1,
                0,
                AoeCommand.RESERVE_RELEASE,
                new ReserveReleaseMessage(ReserveReleaseMessage.RCMD_SET, List.of(CLIENT))));
        assertEquals(
                List.of(OTHER),
                ((ReserveReleaseMessage) one(request(
                                        OTHER,
                                        1,
                                        0,
                                        AoeCommand.RESERVE_RELEASE,
                                        new ReserveReleaseMessage(
                                                ReserveReleaseMessage.RCMD_FORCE_SET, List.of(OTHER))))
                                .message())
                        .macs());
        assertEquals(
                AoeError.BAD_ARGUMENT.code(),
                aoeError(request(OTHER, 1, 0, AoeCommand.RESERVE_RELEASE, new ReserveReleaseMessage(9, List.of()))));
    }

    // --- ATA ---

    @Test
    void identifyDescribesAnLba48Disk() {
        AtaMessage m = ata(0, 1, IDENTIFY_DEVICE, 0, new byte[0]);
        assertEquals(STATUS_READY, m.cmdStatus());
        AtaIdentify.Identity id = AtaIdentify.parse(m.data());
        assertTrue(id.lba48());
        assertEquals(4096, id.sectors());
        assertEquals("visorfleet AoE e1.0", id.model());
        ByteBuffer w = m.data().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(4096, w.getShort(2 * 60) & 0xFFFF, "LBA28 capacity words 60-61");
        assertEquals(0x0400, w.getShort(2 * 83) & 0x0400, "word 83 bit 10");
        assertEquals(0x0400, w.getShort(2 * 86) & 0x0400, "word 86 bit 10");
    }

    @Test
    void readsAndWritesWithLba28AndLba48() {
        AtaMessage r = ata(0, 2, READ_SECTORS, 0xE000_0000L | 5, new byte[0]);
        assertEquals(5 * 512, r.data().getLong(0), "LBA28 masks lba3's high nibble (device register bits)");
        byte[] two = new byte[1024];
        Arrays.fill(two, (byte) 0x5A);
        ata(0x41, 2, WRITE_SECTORS_EXT, 4094, two);
        assertEquals(0x5A, disk.bytes()[4095 * 512 + 511]);
        ata(0x01, 1, WRITE_SECTORS, 0xF000_0000L | 7, Arrays.copyOf(two, 512));
        assertEquals(0x5A, disk.bytes()[7 * 512]);
        AtaMessage back = ata(0x40, 2, READ_SECTORS_EXT, 4094, new byte[0]);
        assertEquals(ByteBuffer.wrap(two), back.data().slice(0, 1024));
    }

    @Test
    void writesIgnoreEthernetPaddingAfterTheSectors() {
        byte[] payload = new byte[512 + 40];
        Arrays.fill(payload, 0, 512, (byte) 1);
        Arrays.fill(payload, 512, payload.length, (byte) 9);
        ata(0x41, 1, WRITE_SECTORS_EXT, 3, payload);
        assertEquals(1, disk.bytes()[3 * 512 + 511]);
        assertEquals(4 * 512, ByteBuffer.wrap(disk.bytes()).getLong(4 * 512), "next sector untouched");
    }

    @Test
    void retransmittedWritesAreHarmless() {
        byte[] data = new byte[512];
        Arrays.fill(data, (byte) 3);
        AoeFrame w = request(
                CLIENT, 1, 0, AoeCommand.ATA, new AtaMessage(0x41, 0, 1, WRITE_SECTORS_EXT, 9, ByteBuffer.wrap(data)));
        one(w);
        one(w);
        ata(0x41, 1, WRITE_SECTORS_EXT, 9, data); // same data, new tag
        assertArrayEquals(data, Arrays.copyOfRange(disk.bytes(), 9 * 512, 10 * 512));
    }

    @Test
    void outOfRangeIsIdnfUnknownIsAbortShortWriteIsBadArgument() {
        AtaMessage idnf = ata(0x40, 2, READ_SECTORS_EXT, 4095, new byte[0]);
        assertEquals(STATUS_ERROR, idnf.cmdStatus());
        assertEquals(ERROR_IDNF, idnf.errFeature());
        assertEquals(0, idnf.data().slice(0, 4).getInt(0) & 0, "no data");
        AtaMessage huge = ata(0x40, 1, READ_SECTORS_EXT, 0xFFFF_FFFF_FFFFL, new byte[0]);
        assertEquals(ERROR_IDNF, huge.errFeature());
        AtaMessage abort = ata(0, 0, 0xC8 /* READ DMA */, 0, new byte[0]);
        assertEquals(STATUS_ERROR, abort.cmdStatus());
        assertEquals(ERROR_ABRT, abort.errFeature());
        assertEquals(
                AoeError.BAD_ARGUMENT.code(),
                aoeError(request(
                        CLIENT,
                        1,
                        0,
                        AoeCommand.ATA,
                        new AtaMessage(0x41, 0, 2, WRITE_SECTORS_EXT, 0, ByteBuffer.wrap(new byte[700])))));
        assertEquals(
                AoeError.BAD_ARGUMENT.code(),
                aoeError(request(CLIENT, 1, 0, AoeCommand.ATA, AtaMessage.of(0x40, 0, 3, READ_SECTORS_EXT, 0))),
                "3 sectors do not fit MTU 1500");
        assertEquals(
                AoeError.BAD_ARGUMENT.code(),
                aoeError(request(CLIENT, 1, 0, AoeCommand.ATA, AtaMessage.of(0, 0, 0, READ_SECTORS, 0))),
                "count 0 means 256 sectors");
        assertEquals(4 * 512, ByteBuffer.wrap(disk.bytes()).getLong(4 * 512), "nothing changed");
    }

    @Test
    void readOnlyStoreAbortsWritesAndKeepsData() {
        AoeFrame w = new AoeFrame(
                AoeHeader.request(TARGET, CLIENT, 1, 1, AoeCommand.ATA, 5),
                new AtaMessage(0x41, 0, 1, WRITE_SECTORS_EXT, 0, ByteBuffer.wrap(new byte[512])));
        AtaMessage r = (AtaMessage) one(w).message();
        assertEquals(STATUS_ERROR, r.cmdStatus());
        assertEquals(ERROR_ABRT, r.errFeature());
        assertEquals(512, ByteBuffer.wrap(readOnlyDisk.bytes()).getLong(512));
    }

    @Test
    void flushReachesTheStoreAndPowerModeIsActive() {
        assertEquals(STATUS_READY, ata(0x40, 0, FLUSH_CACHE_EXT, 0, new byte[0]).cmdStatus());
        assertEquals(STATUS_READY, ata(0, 0, FLUSH_CACHE, 0, new byte[0]).cmdStatus());
        assertEquals(2, disk.flushes());
        AtaMessage power = ata(0, 0, CHECK_POWER_MODE, 0, new byte[0]);
        assertEquals(POWER_ACTIVE, power.sectorCount());
    }

    @Test
    void storeFailuresBecomeAtaErrorsAndTheTargetKeepsServing() {
        BlockStore broken = new BlockStore() {
            @Override
            public long sectorCount() {
                return 64;
            }

            @Override
            public boolean isReadOnly() {
                return false;
            }

            @Override
            public void read(long lba, ByteBuffer dst) throws IOException {
                throw new IOException("EIO");
            }

            @Override
            public void write(long lba, ByteBuffer src) throws IOException {
                throw new IOException("ENOSPC");
            }

            @Override
            public void flush() throws IOException {
                throw new IOException("EIO on fsync");
            }

            @Override
            public void close() {}
        };
        try (TargetHarness h = new TargetHarness(
                TARGET, 1500, List.of(new TargetExport(new ExportAddress(7, 7), new SharedStorage(broken))))) {
            AoeHeader base = AoeHeader.request(TARGET, CLIENT, 7, 7, AoeCommand.ATA, 1);
            AtaMessage read = (AtaMessage) h.send(new AoeFrame(base, AtaMessage.of(0x40, 0, 1, READ_SECTORS_EXT, 0)))
                    .getFirst()
                    .message();
            assertEquals(STATUS_ERROR, read.cmdStatus());
            assertEquals(ERROR_UNC, read.errFeature());
            AtaMessage write = (AtaMessage) h.send(new AoeFrame(
                            base, new AtaMessage(0x41, 0, 1, WRITE_SECTORS_EXT, 0, ByteBuffer.allocate(512))))
                    .getFirst()
                    .message();
            assertEquals(ERROR_ABRT, write.errFeature());
            AtaMessage flush = (AtaMessage) h.send(new AoeFrame(base, AtaMessage.of(0x40, 0, 0, FLUSH_CACHE_EXT, 0)))
                    .getFirst()
                    .message();
            assertEquals(STATUS_ERROR, flush.cmdStatus(), "a failed flush is never acknowledged as done");
            assertEquals(3, h.target.count(AoeTarget.Counter.IO_ERRORS));
            assertEquals(0, h.target.count(AoeTarget.Counter.SECTORS_READ));
            AtaMessage identify = (AtaMessage) h.send(new AoeFrame(base, AtaMessage.of(0, 0, 1, IDENTIFY_DEVICE, 0)))
                    .getFirst()
                    .message();
            assertEquals(STATUS_READY, identify.cmdStatus(), "still serving");
        }
    }

    // --- protocol errors ---

    @Test
    void unknownCommandIsErrorOneAndOtherVersionErrorFive() {
        AoeFrame unknown = new AoeFrame(
                new AoeHeader(TARGET, CLIENT, 1, 0, 0, 1, 0, 0x42, 77), new UnknownMessage(ByteBuffer.allocate(0)));
        assertEquals(AoeError.UNRECOGNIZED_COMMAND.code(), aoeError(unknown));
        AoeFrame v2 = new AoeFrame(
                new AoeHeader(TARGET, CLIENT, 2, 0, 0, 1, 0, 1, 78),
                QueryConfigMessage.request(ConfigCommand.READ, ""));
        assertEquals(AoeError.UNSUPPORTED_VERSION.code(), aoeError(v2));
    }

    @Test
    void responsesForeignUnicastAndBroadcastAtaAreDropped() {
        AoeHeader resp = new AoeHeader(TARGET, CLIENT, 1, AoeHeader.FLAG_RESPONSE, 0, 1, 0, 0, 1);
        assertEquals(
                0,
                t.send(new AoeFrame(resp, AtaMessage.of(0, 0, 1, IDENTIFY_DEVICE, 0)))
                        .size());
        AoeHeader foreign = AoeHeader.request(OTHER, CLIENT, 1, 0, AoeCommand.ATA, 2);
        assertEquals(
                0,
                t.send(new AoeFrame(foreign, AtaMessage.of(0, 0, 1, IDENTIFY_DEVICE, 0)))
                        .size());
        AoeHeader bcast = AoeHeader.request(MacAddress.BROADCAST, CLIENT, 0xFFFF, 0xFF, AoeCommand.ATA, 3);
        assertEquals(
                0,
                t.send(new AoeFrame(
                                bcast,
                                new AtaMessage(0x41, 0, 1, WRITE_SECTORS_EXT, 0, ByteBuffer.wrap(new byte[512]))))
                        .size());
        assertEquals(
                0,
                ByteBuffer.wrap(disk.bytes()).getLong(0)
                        + ByteBuffer.wrap(disk.bytes()).getLong(8)
                        - 8);
    }

    @ParameterizedTest
    @MethodSource("org.visorfleet.aoe.testing.FuzzSeeds#seeds")
    void fuzzedFramesNeverEscapeAndTheTargetKeepsServing(long seed) {
        System.out.println("AoeTargetTest fuzz seed " + seed + " (rerun with -Dfuzz.seed=" + seed + ")");
        Random rnd = new Random(seed);
        byte[] before = disk.bytes().clone();
        List<AoeFrame> seeds = List.of(
                request(CLIENT, 1, 0, AoeCommand.ATA, AtaMessage.of(0x40, 0, 2, READ_SECTORS_EXT, 8)),
                request(CLIENT, 1, 0, AoeCommand.ATA, AtaMessage.of(0, 0, 1, IDENTIFY_DEVICE, 0)),
                request(
                        CLIENT,
                        0xFFFF,
                        0xFF,
                        AoeCommand.QUERY_CONFIG,
                        QueryConfigMessage.request(ConfigCommand.READ, "abc")),
                request(CLIENT, 1, 0, AoeCommand.MAC_MASK, new MacMaskMessage(0, 0, List.of())),
                request(CLIENT, 1, 0, AoeCommand.RESERVE_RELEASE, new ReserveReleaseMessage(0, List.of())));
        for (int i = 0; i < 20_000; i++) {
            ByteBuffer wire = ByteBuffer.allocate(1514);
            int n = AoeCodec.encode(seeds.get(rnd.nextInt(seeds.size())), wire);
            for (int k = rnd.nextInt(4); k >= 0; k--) {
                int at = 14 + rnd.nextInt(n - 14);
                wire.put(at, (byte) rnd.nextInt());
            }
            wire.put(0, TARGET.toBytes()); // keep it addressed to us so the argument handlers run
            int len = rnd.nextInt(4) == 0 ? rnd.nextInt(n + 1) : n;
            try {
                t.sendRaw(wire.limit(len));
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError("seed " + seed + " input " + i + ": " + e, e);
            }
        }
        // a mutated frame may be a valid write; restore, then check the target still answers correctly
        System.arraycopy(before, 0, disk.bytes(), 0, before.length);
        t.send(request(CLIENT, 1, 0, AoeCommand.RESERVE_RELEASE, new ReserveReleaseMessage(2, List.of())));
        t.send(request(CLIENT, 1, 0, AoeCommand.MAC_MASK, new MacMaskMessage(1, 0, List.of())));
        AoeFrame ok = one(request(CLIENT, 1, 0, AoeCommand.ATA, AtaMessage.of(0x40, 0, 2, READ_SECTORS_EXT, 8)));
        assertEquals(8 * 512, ((AtaMessage) ok.message()).data().getLong(0));
    }
}
