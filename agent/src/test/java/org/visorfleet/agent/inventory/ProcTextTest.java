package org.visorfleet.agent.inventory;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcTextTest {
    static final String MEMINFO =
            """
            MemTotal:       24682416 kB
            MemFree:        23997576 kB
            MemAvailable:   24282432 kB
            Buffers:           36852 kB
            HugePages_Total:       0
            """;

    @Test
    void prettyNameHandlesQuotingStyles() {
        String debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n";
        assertEquals(Optional.of("Debian GNU/Linux 12 (bookworm)"), ProcText.prettyName(debian));
        assertEquals(Optional.of("Arch Linux"), ProcText.prettyName("NAME=x\nPRETTY_NAME='Arch Linux'\n"));
        assertEquals(Optional.of("Plain"), ProcText.prettyName("PRETTY_NAME=Plain"));
        assertEquals(Optional.of("Say \"hi\" $x"), ProcText.prettyName("PRETTY_NAME=\"Say \\\"hi\\\" \\$x\""));
    }

    @Test
    void prettyNameMissingBlankOrBrokenIsEmptyOrVerbatim() {
        assertEquals(Optional.empty(), ProcText.prettyName(""));
        assertEquals(Optional.empty(), ProcText.prettyName("NAME=Debian\n"));
        assertEquals(Optional.empty(), ProcText.prettyName("PRETTY_NAME=\"\"\n"));
        assertEquals(Optional.empty(), ProcText.prettyName("PRETTY_NAME="));
        assertEquals(Optional.of("\"Deb"), ProcText.prettyName("PRETTY_NAME=\"Deb"), "truncated: kept, not dropped");
        assertEquals(Optional.of("\""), ProcText.prettyName("PRETTY_NAME=\""));
    }

    @Test
    void firstLine() {
        assertEquals(Optional.of("6.1.0-26-amd64"), ProcText.firstLine("6.1.0-26-amd64\n"));
        assertEquals(Optional.empty(), ProcText.firstLine(""));
        assertEquals(Optional.empty(), ProcText.firstLine("\n\n"));
        assertEquals(Optional.of("desk"), ProcText.firstLine("  desk  \nmore"));
    }

    @Test
    void load1() {
        assertEquals(0.52, ProcText.load1("0.52 0.58 0.59 1/389 12345\n"));
        assertEquals(12.0, ProcText.load1("12 3 4 1/1 1"));
        assertEquals(0.0, ProcText.load1(""));
        assertEquals(0.0, ProcText.load1("0."), "truncated mid-number");
        assertEquals(0.0, ProcText.load1("NaN 1 1"));
        assertEquals(0.0, ProcText.load1("Infinity"));
        assertEquals(0.0, ProcText.load1("-1.0 2 3"));
        assertEquals(0.0, ProcText.load1("0x1p3"));
        assertEquals(0.0, ProcText.load1("garbage"));
        assertEquals(0.5, ProcText.load1("0.5"), "truncated after the first field");
    }

    @Test
    void uptime() {
        assertEquals(7170, ProcText.uptimeSeconds("7170.28 5334.36\n"));
        assertEquals(7170, ProcText.uptimeSeconds("7170"));
        assertEquals(0, ProcText.uptimeSeconds(""));
        assertEquals(0, ProcText.uptimeSeconds("7170."));
        assertEquals(0, ProcText.uptimeSeconds("1e9 1"));
        assertEquals(0, ProcText.uptimeSeconds("99999999999999999999999 1"));
    }

    @Test
    void memoryConvertsKilobytesToBytes() {
        ProcText.Memory m = ProcText.memory(MEMINFO);
        assertEquals(24682416L * 1024, m.totalBytes());
        assertEquals(24282432L * 1024, m.availableBytes());
    }

    @Test
    void memoryWithoutMemAvailableFallsBackToMemFree() {
        assertEquals(new ProcText.Memory(2048, 1024), ProcText.memory("MemTotal: 2 kB\nMemFree: 1 kB\n"));
    }

    @Test
    void malformedMemoryIsZero() {
        assertEquals(new ProcText.Memory(0, 0), ProcText.memory(""));
        assertEquals(new ProcText.Memory(0, 0), ProcText.memory("MemTotal"));
        assertEquals(new ProcText.Memory(0, 0), ProcText.memory("MemTotal: \nMemAvailable: x kB"));
        assertEquals(new ProcText.Memory(0, 0), ProcText.memory("MemTotal: -5 kB"));
        assertEquals(new ProcText.Memory(0, 0), ProcText.memory("MemTotal: 5 MB"), "unknown unit");
        assertEquals(new ProcText.Memory(0, 0), ProcText.memory("MemTotal: 9223372036854775807 kB"), "overflow");
    }

    @Test
    void everyTruncationOfMeminfoParsesWithoutThrowing() {
        for (int n = 0; n <= MEMINFO.length(); n++) {
            ProcText.Memory m = ProcText.memory(MEMINFO.substring(0, n));
            assertTrue(m.totalBytes() >= 0 && m.availableBytes() >= 0);
            assertTrue(m.totalBytes() <= 24682416L * 1024);
        }
    }

    @Test
    void utmpYieldsTtysOfUserProcessesOnly() {
        byte[] utmp = utmp(
                record(ProcText.UTMP_USER_PROCESS, "pts/3"),
                record(8 /* DEAD_PROCESS */, "pts/4"),
                record(ProcText.UTMP_USER_PROCESS, "tty2"),
                record(ProcText.UTMP_USER_PROCESS, ":0"),
                record(ProcText.UTMP_USER_PROCESS, "../etc/passwd"),
                record(ProcText.UTMP_USER_PROCESS, "x".repeat(32)));
        assertEquals(List.of("pts/3", "tty2", "x".repeat(32)), ProcText.utmpTtys(utmp));
    }

    @Test
    void truncatedUtmpDropsOnlyThePartialRecord() {
        byte[] utmp = utmp(record(ProcText.UTMP_USER_PROCESS, "pts/1"), record(ProcText.UTMP_USER_PROCESS, "pts/2"));
        for (int n = 0; n <= utmp.length; n++) {
            List<String> ttys = ProcText.utmpTtys(java.util.Arrays.copyOf(utmp, n));
            assertEquals(n / ProcText.UTMP_RECORD, ttys.size(), "length " + n);
        }
    }

    @Test
    void sessionTty() {
        assertEquals(Optional.of("tty2"), ProcText.sessionTty("# comment\nUID=1000\nTTY=tty2\nACTIVE=1\n"));
        assertEquals(Optional.empty(), ProcText.sessionTty("UID=1000\n"));
        assertEquals(Optional.empty(), ProcText.sessionTty("TTY=\n"));
        assertEquals(Optional.empty(), ProcText.sessionTty("TTY=/dev/../etc/shadow\n"));
    }

    static byte[] record(int type, String line) {
        ByteBuffer b = ByteBuffer.allocate(ProcText.UTMP_RECORD).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) type);
        b.put(8, line.getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    static byte[] utmp(byte[]... records) {
        ByteBuffer all = ByteBuffer.allocate(records.length * ProcText.UTMP_RECORD);
        for (byte[] r : records) all.put(r);
        return all.array();
    }
}
