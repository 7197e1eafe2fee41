package org.visorfleet.server.pxe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class Ipv4AddressTest {

    @Test
    void dottedQuadsRoundTrip() {
        for (String text : List.of("0.0.0.0", "10.77.1.1", "192.168.255.254", "255.255.255.255", "1.2.3.4")) {
            assertEquals(text, Ipv4Address.parse(text).toString());
        }
        assertEquals(0xC0A80A01, Ipv4Address.parse("192.168.10.1").bits());
    }

    @Test
    void onlyLiteralsAreAcceptedNeverNames() {
        for (String bad : List.of(
                "localhost",
                "server.example",
                "10.0.0",
                "10.0.0.1.2",
                "10.0.0.256",
                "10..0.1",
                "10.0.0.1.",
                ".10.0.0.1",
                "010.0.0.1",
                "10.0.0.01",
                "+1.0.0.1",
                " 10.0.0.1",
                "10.0.0.1 ",
                "0x0a.0.0.1",
                "1000.0.0.1",
                "::1",
                "١٠.0.0.1")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(bad));
            assertTrue(e.getMessage().contains("not an IPv4 address: '" + bad + "'"), e.getMessage());
        }
        IllegalArgumentException multiline =
                assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse("10.0.0.1\nport=53"));
        assertTrue(multiline.getMessage().contains("'10.0.0.1\\nport=53'"), multiline.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Ipv4Address.parse(null));
    }

    @Test
    void orderIsUnsigned() {
        assertTrue(Ipv4Address.parse("200.0.0.1").compareTo(Ipv4Address.parse("10.0.0.1")) > 0);
        assertTrue(Ipv4Address.parse("10.0.0.1").compareTo(Ipv4Address.parse("10.0.0.2")) < 0);
    }

    @Test
    void netmasksAndSubnets() {
        assertEquals(24, Ipv4Address.parse("255.255.255.0").prefixLength());
        assertEquals(0, Ipv4Address.parse("0.0.0.0").prefixLength());
        assertEquals(32, Ipv4Address.parse("255.255.255.255").prefixLength());
        assertEquals(22, Ipv4Address.parse("255.255.252.0").prefixLength());
        for (String bad : List.of("255.0.255.0", "0.255.255.255", "255.255.255.1")) {
            assertThrows(
                    IllegalArgumentException.class, () -> Ipv4Address.parse(bad).prefixLength(), bad);
        }
        Ipv4Address mask = Ipv4Address.parse("255.255.252.0");
        Ipv4Address host = Ipv4Address.parse("10.77.6.9");
        assertEquals("10.77.4.0", host.network(mask).toString());
        assertEquals("10.77.7.255", host.broadcast(mask).toString());
    }

    @Test
    void unicastHosts() {
        assertTrue(Ipv4Address.parse("10.0.0.1").isUnicastHost());
        assertTrue(Ipv4Address.parse("223.255.255.254").isUnicastHost());
        for (String bad : List.of("0.1.2.3", "127.0.0.1", "224.0.0.1", "239.1.1.1", "240.0.0.1", "255.255.255.255")) {
            assertFalse(Ipv4Address.parse(bad).isUnicastHost(), bad);
        }
    }
}
