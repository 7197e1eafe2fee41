package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NamesTest {

    @Test
    void hostnamesBecomeDnsLabels() {
        assertEquals("lab-pc-07", Names.labelFromHostname("LAB-PC_07.corp.example"));
        assertEquals("desk", Names.labelFromHostname("--desk--"));
        assertEquals("client", Names.labelFromHostname("..."));
        assertEquals("client", Names.labelFromHostname(""));
        assertEquals("x-y", Names.labelFromHostname("x\u00e9y"));
        String longName = Names.labelFromHostname("a".repeat(300));
        assertEquals(55, longName.length());
        assertEquals(longName, Names.requireLabel("client", longName));
    }

    @Test
    void invalidNamesAreRefusedWithTheReason() {
        for (String bad : new String[] {null, "", "-a", "a-", "A", "a_b", "a".repeat(64), "a b"}) {
            Refusal refusal = assertThrows(Refusal.class, () -> Names.requireLabel("group", bad));
            assertEquals(Refusal.Kind.INVALID, refusal.kind());
        }
        assertThrows(Refusal.class, () -> Names.requireUser("Admin"));
        assertThrows(Refusal.class, () -> Names.requireUser("1admin"));
        assertEquals("ops.team-1", Names.requireUser("ops.team-1"));
    }
}
