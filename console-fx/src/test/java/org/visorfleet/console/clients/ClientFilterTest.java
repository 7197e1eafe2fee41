package org.visorfleet.console.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the clients section asks the server for, and how it names the clients an action goes to. */
class ClientFilterTest {

    @Test
    void everyFilterBecomesAQueryParameterWithSearchTextEncoded() {
        ClientFilter filter = ClientFilter.ALL
                .withStatus("online")
                .withGroup("lab 2")
                .withSearch(" a&b=c% ")
                .withSort("-lastSeen");
        assertEquals(
                "/api/v1/clients?sort=-lastSeen&status=online&group=lab+2&q=a%26b%3Dc%25&offset=400&limit=200",
                filter.path(400, 200));
        assertEquals("/api/v1/clients?sort=name&offset=0&limit=200", ClientFilter.ALL.path(0, 200));
    }

    @Test
    void aBlankSearchIsNoSearch() {
        assertEquals(ClientFilter.ALL, ClientFilter.ALL.withSearch("   "));
    }

    @Test
    void aConfirmationNamesTheClientsOrCountsTheRest() {
        assertEquals("pc-01", ClientActions.describe(List.of("pc-01")));
        assertEquals("pc-01 and pc-02", ClientActions.describe(List.of("pc-01", "pc-02")));
        assertEquals(
                "pc-01, pc-02, pc-03 and pc-04", ClientActions.describe(List.of("pc-01", "pc-02", "pc-03", "pc-04")));
        assertEquals(
                "pc-01, pc-02, pc-03 and 2 more",
                ClientActions.describe(List.of("pc-01", "pc-02", "pc-03", "pc-04", "pc-05")));
    }
}
