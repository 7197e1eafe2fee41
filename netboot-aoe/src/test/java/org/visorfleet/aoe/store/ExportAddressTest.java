package org.visorfleet.aoe.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExportAddressTest {
    @Test
    void parsesAndPrintsShelfDotSlot() {
        assertEquals(new ExportAddress(1, 0), ExportAddress.of("1.0"));
        assertEquals("1.0", ExportAddress.of("1.0").toString());
        assertEquals("e65534.254", new ExportAddress(65534, 254).directoryName());
        assertEquals(Optional.of(new ExportAddress(0, 0)), ExportAddress.parse("0.0"));
    }

    @Test
    void rejectsBroadcastAndOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new ExportAddress(0xFFFF, 0));
        assertThrows(IllegalArgumentException.class, () -> new ExportAddress(0, 0xFF));
        assertThrows(IllegalArgumentException.class, () -> new ExportAddress(-1, 0));
        assertTrue(ExportAddress.parse("65535.0").isEmpty());
        assertTrue(ExportAddress.parse("1.255").isEmpty());
    }

    @Test
    void acceptsOnlyTheCanonicalSpellingBecauseItNamesADirectory() {
        for (String bad : new String[] {
            "", "1", "1.", ".0", "01.0", "1.00", "+1.0", "-1.0", "1.0.0", " 1.0", "a.b", "999999.0", "1:0"
        }) {
            assertTrue(ExportAddress.parse(bad).isEmpty(), bad);
        }
        assertTrue(ExportAddress.parse(null).isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExportAddress.of("x"));
        assertTrue(e.getMessage().contains("'x'"));
    }

    @Test
    void sortsByShelfThenSlot() {
        assertTrue(ExportAddress.of("1.9").compareTo(ExportAddress.of("2.0")) < 0);
        assertTrue(ExportAddress.of("2.1").compareTo(ExportAddress.of("2.0")) > 0);
    }
}
