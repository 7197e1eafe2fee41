package org.visorfleet.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.initiator.AoeDisk;
import org.visorfleet.aoe.initiator.AoeInitiator;
import org.visorfleet.aoe.transport.UdpEthernetTransport;
import org.visorfleet.server.boot.AoeService;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/**
 * The boot service end to end in one JVM: image upload through the API, an export served over
 * Ethernet-in-UDP AoE, boot scripts over plain HTTP, and real AoE initiators (our own, from
 * netboot-aoe) as the machines. QEMU boots are in the e2e module.
 */
class BootServiceTest {

    static final String PASSWORD = "correct horse battery";
    static final int SIZE = 4 << 20;
    static final MacAddress ALICE = MacAddress.of("52:54:00:00:00:0a");
    static final MacAddress BOB = MacAddress.of("52:54:00:00:00:0b");
    static final MacAddress CAROL = MacAddress.of("52:54:00:00:00:0c");
    static final long LBA = 100;

    @TempDir
    Path temp;

    FleetServer server;
    ApiClient api;
    InetSocketAddress aoe;
    byte[] golden;
    final HttpClient plain = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        ServerInit.initialize(temp.resolve("server"), PASSWORD, List.of("localhost", "127.0.0.1"), null);
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            aoe = new InetSocketAddress("127.0.0.1", probe.getLocalPort());
        }
        server = FleetServer.start(FleetServer.Options.of(temp.resolve("server"))
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withWarmup(Duration.ZERO)
                .withBoot(0, new AoeService.Links(List.of(), aoe, 1)));
        api = new ApiClient(URI.create(server.url()), temp.resolve("server/ca.pem")).login("admin", PASSWORD);
        golden = new byte[SIZE];
        new SplittableRandom(42).nextBytes(golden);
    }

    @AfterEach
    void stop() {
        api.close();
        server.close();
    }

    @Test
    void uploadExportBootResetPromote() throws Exception {
        // Upload: a wrong checksum stores nothing; the right one makes v1.
        ApiClient.Reply wrong = api.postBytes("/api/v1/images/desk/versions?sha256=" + "0".repeat(64), golden);
        assertEquals(400, wrong.status(), wrong.text());
        assertTrue(wrong.body().get("detail").asText().contains("checksum mismatch"), wrong.text());
        assertEquals(0, api.get("/api/v1/images").body().get("items").size());
        assertEquals(List.of(), listFiles(temp.resolve("server/images/.incoming")));
        ApiClient.Reply ragged = api.postBytes("/api/v1/images/desk/versions", new byte[1000]);
        assertEquals(400, ragged.status(), ragged.text());

        ApiClient.Reply v1 = api.postBytes("/api/v1/images/desk/versions?sha256=" + sha256(golden), golden);
        assertEquals(201, v1.status(), v1.text());
        assertEquals(1, v1.body().get("version").asInt());
        assertEquals(
                200,
                api.post("/api/v1/images/desk/publish", Map.of("version", 1)).status());

        ApiClient.Reply export = api.post("/api/v1/exports", Map.of("image", "desk"));
        assertEquals(201, export.status(), export.text());
        assertEquals("e1.0", export.body().get("address").asText());
        assertTrue(export.body().get("served").asBoolean(), export.text());

        // Boot scripts: malformed, unknown (pending), approved without export, approved with export.
        assertEquals(400, script("nonsense").statusCode());
        assertTrue(script(ALICE.toString()).body().contains("not approved"));
        assertEquals(
                "pending",
                api.get("/api/v1/boot/clients/" + ALICE).body().get("status").asText());
        assertEquals(201, api.post("/api/v1/groups", Map.of("name", "lab")).status());
        assertEquals(
                200,
                api.post("/api/v1/boot/clients/" + ALICE + "/approve", Map.of("group", "lab", "name", "alice"))
                        .status());
        assertTrue(script(ALICE.toString()).body().contains("its group boots no export"));
        assertEquals(
                200,
                api.put("/api/v1/groups/lab/boot-export", Map.of("export", "e1.0"))
                        .status());
        String booting = script(ALICE.toString()).body();
        assertTrue(booting.startsWith("#!ipxe\n") && booting.contains("sanboot aoe:e1.0"), booting);

        // Two machines, one golden image, each its own overlay.
        byte[] mine = sector((byte) 0xA1);
        try (Machine alice = Machine.boot(ALICE, aoe);
                Machine bob = Machine.boot(BOB, aoe)) {
            assertArrayEquals(goldenSector(LBA), alice.read(LBA));
            alice.write(LBA, mine);
            assertArrayEquals(mine, alice.read(LBA));
            assertArrayEquals(goldenSector(LBA), bob.read(LBA), "bob sees the golden image");
        }
        JsonNode overlays = api.get("/api/v1/exports/e1.0/overlays").body().get("items");
        assertEquals(1, overlays.size(), overlays.toString());
        assertEquals(ALICE.toString(), overlays.get(0).get("client").asText());
        assertEquals(512, overlays.get(0).get("writtenBytes").asLong());

        // Promote alice's disk to v2, export it, and a third machine boots it.
        ApiClient.Reply v2 = api.post("/api/v1/exports/e1.0/overlays/" + ALICE + "/promote", Map.of());
        assertEquals(201, v2.status(), v2.text());
        byte[] expected = golden.clone();
        System.arraycopy(mine, 0, expected, (int) LBA * 512, 512);
        assertEquals(sha256(expected), v2.body().get("sha256").asText());
        assertEquals(2, v2.body().get("version").asInt());
        ApiClient.Reply e2 = api.post("/api/v1/exports", Map.of("image", "desk", "version", 2));
        assertEquals("e1.1", e2.body().get("address").asText(), e2.text());
        try (Machine carol = Machine.boot(CAROL, aoe, 1)) {
            assertArrayEquals(mine, carol.read(LBA));
        }

        // Reset: refused while alice is active, forced works, then she sees golden again.
        ApiClient.Reply busy = api.delete("/api/v1/exports/e1.0/overlays/" + ALICE);
        assertEquals(409, busy.status(), busy.text());
        assertEquals(
                204,
                api.delete("/api/v1/exports/e1.0/overlays/" + ALICE + "?force=true")
                        .status());
        try (Machine alice = Machine.boot(ALICE, aoe)) {
            assertArrayEquals(goldenSector(LBA), alice.read(LBA));
        }
        assertEquals(
                0, api.get("/api/v1/exports/e1.0/overlays").body().get("items").size());

        // In use: neither the exported version nor the booted export can go.
        assertEquals(409, api.delete("/api/v1/images/desk/versions/2").status());
        assertEquals(409, api.delete("/api/v1/exports/e1.0").status());
        assertEquals(204, api.delete("/api/v1/exports/e1.1").status());
        assertEquals(204, api.delete("/api/v1/images/desk/versions/2").status());
        assertEquals(
                1,
                listFiles(temp.resolve("server/images")).stream()
                        .filter(p -> p.toString().endsWith(".img"))
                        .count());

        // Activity reaches the machine's record (housekeeping flushes every 5 s).
        await("alice's bytes read", () -> machine(ALICE).get("bytesRead").asLong() > 0);
        JsonNode alice = machine(ALICE);
        assertEquals("alice", alice.get("name").asText());
        assertEquals(512, alice.get("bytesWritten").asLong());
        assertEquals(1, alice.get("boots").asLong(), alice.toString());
        assertEquals("e1.0", alice.get("lastExport").asText());
        for (String type : List.of(
                "image.imported",
                "export.created",
                "boot.pending",
                "boot.approved",
                "boot.started",
                "overlay.reset",
                "image.deleted",
                "export.deleted")) {
            assertFalse(
                    api.get("/api/v1/events?type=" + type).body().get("items").isEmpty(), type);
        }
    }

    @Test
    void exportWhoseImageFileVanishedIsReportedNotServed() throws Exception {
        assertEquals(201, api.postBytes("/api/v1/images/desk/versions", golden).status());
        try (var files = Files.list(temp.resolve("server/images"))) {
            for (Path p : files.filter(p -> p.toString().endsWith(".img")).toList()) {
                Files.delete(p);
            }
        }
        ApiClient.Reply export = api.post("/api/v1/exports", Map.of("image", "desk", "version", 1));
        assertEquals(201, export.status(), export.text());
        assertFalse(export.body().get("served").asBoolean());
        assertTrue(export.body().get("problem").asText().contains("missing"), export.text());
        ApiClient.Reply overlays = api.delete("/api/v1/exports/e1.0/overlays/" + ALICE);
        assertEquals(409, overlays.status(), overlays.text());
    }

    /** Seeded garbage in the boot request's query: a 400 or a script, never a 500, never a bogus row. */
    @Test
    void bootRequestsWithGarbageQueriesAreRefusedCleanly() throws Exception {
        SplittableRandom random = new SplittableRandom(0x5EED_B007L);
        String alphabet = "0123456789abcdefABCDEF:-%&=?#$/ \u00e9xyz";
        for (int i = 0; i < 300; i++) {
            StringBuilder mac = new StringBuilder();
            for (int n = random.nextInt(24); n > 0; n--) {
                mac.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String query = "mac=" + java.net.URLEncoder.encode(mac.toString(), java.nio.charset.StandardCharsets.UTF_8)
                    + (random.nextInt(4) == 0 ? "&attempt=" + random.nextInt(-3, 3) : "");
            HttpResponse<String> r = plain.send(
                    HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + server.bootHttpPort() + "/boot/ipxe?" + query))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            boolean valid = MacAddress.parse(mac.toString()).isPresent();
            assertTrue(r.statusCode() == 400 || (valid && r.statusCode() == 200), query + " -> " + r.statusCode());
        }
        long pending = api.get("/api/v1/boot/clients").body().get("items").size();
        assertTrue(pending < 300, "only valid MACs register");
        assertEquals(
                404,
                plain.send(
                                HttpRequest.newBuilder(
                                                URI.create("http://127.0.0.1:" + server.bootHttpPort() + "/admin"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode());
    }

    /** A desktop whose agent reports a MAC that network-boots is tied to its boot record. */
    @Test
    void anEnrolledAgentIsTiedToTheBootRecordOfItsMac() throws Exception {
        List<String> macs = new org.visorfleet.agent.inventory.InventoryCollector(temp, "test")
                .collect()
                .macAddresses();
        // A machine property, not a tool: a host without any Ethernet interface cannot run this.
        org.junit.jupiter.api.Assumptions.assumeFalse(macs.isEmpty(), "no Ethernet interface with a MAC here");
        MacAddress mine = MacAddress.of(macs.getFirst());
        assertEquals(201, api.post("/api/v1/groups", Map.of("name", "lab")).status());
        assertEquals(
                200,
                api.post("/api/v1/boot/clients/" + mine + "/approve", Map.of("group", "lab"))
                        .status());

        Path agentDir = temp.resolve("agent");
        AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), agentDir, "desk-7");
        Agent agent = Agent.open(new AgentData(agentDir), List.of(), ServerLink.Timing.defaults(), LinkListener.NONE);
        Thread running = Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            await("desk-7's boot record", () -> "desk-7"
                    .equals(machine(mine).get("client").asText(null)));
            JsonNode boot = api.get("/api/v1/clients/desk-7/boot").body().get("items");
            assertEquals(mine.toString(), boot.get(0).get("mac").asText(), boot.toString());
        } finally {
            agent.close();
            running.join(5_000);
        }
    }

    JsonNode machine(MacAddress mac) {
        try {
            return api.get("/api/v1/boot/clients/" + mac).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    HttpResponse<String> script(String mac) throws Exception {
        return plain.send(
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + server.bootHttpPort() + "/boot/ipxe?mac=" + mac))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    byte[] goldenSector(long lba) {
        byte[] s = new byte[512];
        System.arraycopy(golden, (int) lba * 512, s, 0, 512);
        return s;
    }

    static byte[] sector(byte fill) {
        byte[] s = new byte[512];
        java.util.Arrays.fill(s, fill);
        return s;
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    static List<Path> listFiles(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    /** A network-booting machine: an AoE initiator with its own MAC, talking to the server's UDP link. */
    record Machine(AoeInitiator initiator, AoeDisk disk) implements AutoCloseable {
        static Machine boot(MacAddress mac, InetSocketAddress server) throws Exception {
            return boot(mac, server, 0);
        }

        static Machine boot(MacAddress mac, InetSocketAddress server, int slot) throws Exception {
            UdpEthernetTransport transport = UdpEthernetTransport.open(new InetSocketAddress("127.0.0.1", 0), mac);
            AoeInitiator initiator = new AoeInitiator(transport, server);
            List<AoeInitiator.Discovered> found = initiator.discover(1, slot, Duration.ofMillis(500));
            assertEquals(1, found.size(), "e1." + slot + " answers " + mac);
            return new Machine(initiator, initiator.open(found.getFirst()));
        }

        byte[] read(long lba) throws Exception {
            ByteBuffer b = ByteBuffer.allocate(512);
            disk.read(lba, b, 1);
            return b.array();
        }

        void write(long lba, byte[] data) throws Exception {
            disk.write(lba, ByteBuffer.wrap(data), 1);
            disk.flush();
        }

        @Override
        public void close() throws Exception {
            initiator.close();
        }
    }
}
