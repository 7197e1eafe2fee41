package org.visorfleet.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Path;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.server.testing.ApiClient;

/**
 * {@code GET /api/v1/ssh} and {@code GET /api/v1/ssh/clients/NAME}: the keys an SSH client verifies
 * before it jumps, for any signed-in user, and nothing for strangers.
 */
class SshInfoApiTest {

    @TempDir
    Path temp;

    @Test
    void namesTheBastionAndEachDesktopsHostKey() throws Exception {
        SshFleet.assumeOpenSsh();
        try (SshFleet fleet = SshFleet.start(temp)) {
            fleet.enroll("desk-01", null);
            try (ApiClient viewer = new ApiClient(URI.create(fleet.server.url()), temp.resolve("server/ca.pem"))
                    .login("viewer", SshFleet.PASSWORD)) {
                var bastion = viewer.get("/api/v1/ssh");
                assertEquals(200, bastion.status(), bastion.text());
                assertEquals(fleet.server.sshPort(), bastion.body().get("port").asInt());
                assertEquals(
                        fleet.server.bastion().hostKey().openSsh(),
                        bastion.body().get("hostKey").asText());

                var desk = viewer.get("/api/v1/ssh/clients/desk-01");
                assertEquals(200, desk.status(), desk.text());
                assertEquals("desk-01", desk.body().get("name").asText());
                assertEquals(
                        PublicKeyEntry.toString(fleet.agentKeys("desk-01").getPublic()),
                        desk.body().get("hostKey").asText());

                var unknown = viewer.get("/api/v1/ssh/clients/nobody");
                assertEquals(404, unknown.status(), unknown.text());
                assertEquals(
                        "no host key known for client nobody",
                        unknown.body().get("detail").asText());
            }
            try (ApiClient stranger = new ApiClient(URI.create(fleet.server.url()), temp.resolve("server/ca.pem"))) {
                assertEquals(401, stranger.get("/api/v1/ssh").status());
                assertEquals(401, stranger.get("/api/v1/ssh/clients/desk-01").status());
            }
        }
    }
}
