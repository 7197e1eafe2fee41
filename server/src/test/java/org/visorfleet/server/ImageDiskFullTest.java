package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.testing.Prerequisites;
import org.visorfleet.server.boot.AoeService;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/**
 * A full image disk (a 6 MiB tmpfs mounted on {@code DATA/images}): an upload or a promotion that
 * does not fit is a 507 with nothing kept, and the library keeps working.
 */
class ImageDiskFullTest {
    static final String PASSWORD = "correct horse battery";
    static final MacAddress ALICE = MacAddress.of("52:54:00:00:00:0a");

    @TempDir
    Path temp;

    Path images;
    boolean mounted;
    FleetServer server;
    ApiClient api;

    @BeforeEach
    void start() throws Exception {
        Prerequisites.root();
        Prerequisites.tool("mount");
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        images = Files.createDirectories(temp.resolve("server/images"));
        run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", images.toString());
        mounted = true;
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withWarmup(Duration.ZERO)
                .withBoot(null, AoeService.Links.none()));
        api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD);
    }

    @AfterEach
    void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        if (server != null) {
            server.close();
        }
        if (mounted) {
            run("umount", images.toString());
        }
    }

    @Test
    void uploadsAndPromotionsThatDoNotFitKeepNothing() throws Exception {
        byte[] image = new byte[4 << 20];
        new SplittableRandom(7).nextBytes(image);
        assertEquals(201, api.postBytes("/api/v1/images/desk/versions", image).status());

        ApiClient.Reply full = api.postBytes("/api/v1/images/desk/versions", image);
        assertEquals(507, full.status(), full.text());
        assertEquals("insufficient-storage", full.body().get("error").asText());
        assertEquals(List.of(), list(images.resolve(".incoming")));
        assertEquals(1, api.get("/api/v1/images/desk").body().get("versions").size());

        // A promotion needs a whole copy of the disk: it does not fit either.
        assertEquals(
                201,
                api.post("/api/v1/exports", Map.of("image", "desk", "version", 1))
                        .status());
        writeOverlay();
        ApiClient.Reply promote = api.post("/api/v1/exports/e1.0/overlays/" + ALICE + "/promote", Map.of());
        assertEquals(507, promote.status(), promote.text());
        assertEquals(List.of(), list(images.resolve(".incoming")));
        assertEquals(1, api.get("/api/v1/images/desk").body().get("versions").size());

        // Room again: the same upload works.
        assertEquals(204, api.delete("/api/v1/exports/e1.0").status());
        byte[] small = new byte[512 * 1024];
        assertEquals(201, api.postBytes("/api/v1/images/desk/versions", small).status());
    }

    /** Gives ALICE an overlay of e1.0 the way the AoE target would, through the overlay directory. */
    private void writeOverlay() throws Exception {
        var overlays = new org.visorfleet.aoe.store.OverlayDirectory(temp.resolve("server/overlays"));
        Path golden;
        try (var files = Files.list(images)) {
            golden =
                    files.filter(p -> p.toString().endsWith(".img")).findFirst().orElseThrow();
        }
        String tag = api.get("/api/v1/exports/e1.0").body().get("image").asText() + " v1 sha256:"
                + api.get("/api/v1/exports/e1.0").body().get("sha256").asText();
        // The server holds the export open; an overlay opened here would be refused as in use,
        // so write it before the server opens it: the server opens overlays on first request only.
        try (var store = org.visorfleet.aoe.store.RawFileStore.open(golden, true);
                var overlay = overlays.open(new org.visorfleet.aoe.store.ExportAddress(1, 0), ALICE, store, tag)) {
            overlay.write(10, java.nio.ByteBuffer.allocate(512));
            overlay.flush();
        }
    }

    private static List<Path> list(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + ": "
                    + new String(p.getInputStream().readAllBytes()));
        }
    }
}
