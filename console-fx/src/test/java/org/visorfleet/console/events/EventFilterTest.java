package org.visorfleet.console.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.visorfleet.console.api.FleetEvent;

class EventFilterTest {

    static final FleetEvent ONLINE =
            new FleetEvent(7, 0, "client.online", "client:pc-01", "pc-01", "agent 0.1.0 from 10.0.0.5", "srv-a");

    @Test
    void theServerGetsTheTypeUpToItsLastDotAndTheExactClientAndActor() {
        assertEquals("", EventFilter.NONE.serverQuery());
        assertEquals("", new EventFilter("client", "", "", "").serverQuery());
        assertEquals("type=client.&", new EventFilter("client.on", "", "", "").serverQuery());
        assertEquals(
                "type=grid.&client=pc+01&actor=user%3Aadmin&",
                new EventFilter(" grid.agent-flagged", "pc 01", "user:admin ", "").serverQuery());
    }

    @Test
    void matchesAppliesEveryPartAndFreeTextWordsInAnyField() {
        assertTrue(EventFilter.NONE.matches(ONLINE));
        assertTrue(new EventFilter("client.on", "pc-01", "client:pc-01", "10.0.0.5 AGENT").matches(ONLINE));
        assertFalse(new EventFilter("client.off", "", "", "").matches(ONLINE));
        assertFalse(new EventFilter("", "pc-02", "", "").matches(ONLINE));
        assertFalse(new EventFilter("", "", "user:admin", "").matches(ONLINE));
        assertFalse(new EventFilter("", "", "", "agent revoked").matches(ONLINE));
        assertTrue(new EventFilter("", "", "", "srv-a").matches(ONLINE));
    }

    @Test
    void eventsWithoutClientOrActorPassTheFreeTextCheck() {
        FleetEvent bare = new FleetEvent(1, 0, "server.started", null, null, null, null);
        assertTrue(new EventFilter("server.", "", "", "started").matches(bare));
        assertFalse(new EventFilter("", "pc-01", "", "").matches(bare));
    }
}
