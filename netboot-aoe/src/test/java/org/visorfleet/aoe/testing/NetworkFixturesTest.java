package org.visorfleet.aoe.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NetworkFixturesTest {
    @Test
    void vethPairIsUpWithItsMtuAndGoneAfterClose() throws Exception {
        VethPair pair;
        try (VethPair veth = VethPair.create(9000)) {
            pair = veth;
            assertTrue(veth.a().length() <= 15 && veth.b().length() <= 15);
            assertNotEquals(veth.a(), veth.b());
            for (String end : new String[] {veth.a(), veth.b()}) {
                assertEquals("9000", sysfs(end, "mtu"));
                assertEquals("up", sysfs(end, "operstate"), end);
            }
        }
        assertFalse(Files.exists(Path.of("/sys/class/net", pair.a())));
        assertFalse(Files.exists(Path.of("/sys/class/net", pair.b())));
        pair.close(); // idempotent
    }

    @Test
    void endBCanLiveInANamespace() throws Exception {
        String name;
        try (NetworkNamespace ns = NetworkNamespace.create();
                VethPair veth = VethPair.create(0, ns)) {
            name = ns.name();
            assertFalse(Files.exists(Path.of("/sys/class/net", veth.b())), "b left this namespace");
            assertTrue(ns.exec("ip", "-o", "link", "show", veth.b()).contains("state UP"));
            assertTrue(ns.ip("-o", "link", "show", "lo").contains("UP"));
            assertEquals(ns, veth.namespaceOfB().orElseThrow());
        }
        assertFalse(Files.exists(Path.of("/run/netns", name)));
    }

    @Test
    void namespaceCloseAlsoRemovesAVethInsideIt() throws Exception {
        NetworkNamespace ns = NetworkNamespace.create();
        VethPair veth = VethPair.create(0, ns);
        ns.close(); // destroys b, and with it a
        veth.close(); // must not fail on the missing pair
        assertFalse(Files.exists(Path.of("/sys/class/net", veth.a())));
    }

    private static String sysfs(String iface, String attribute) throws Exception {
        return Files.readString(Path.of("/sys/class/net", iface, attribute)).strip();
    }
}
