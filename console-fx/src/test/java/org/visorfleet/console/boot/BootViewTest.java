package org.visorfleet.console.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javafx.scene.Scene;
import javafx.scene.control.DialogPane;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.initiator.AoeDisk;
import org.visorfleet.aoe.initiator.AoeInitiator;
import org.visorfleet.aoe.transport.UdpEthernetTransport;
import org.visorfleet.console.LiveEvents;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.boot.BootRows.Export;
import org.visorfleet.console.boot.BootRows.Machine;
import org.visorfleet.console.boot.BootRows.Overlay;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;
import org.visorfleet.server.boot.AoeService;
import org.visorfleet.server.testing.ApiClient;

/**
 * The boot view against a real server serving a real golden image over Ethernet-in-UDP AoE; the
 * machines are AoE initiators from netboot-aoe whose writes make the overlays.
 */
@ExtendWith(ApplicationExtension.class)
class BootViewTest {

    static final MacAddress ALICE = MacAddress.of("52:54:00:00:00:0a");
    static final MacAddress BOB = MacAddress.of("52:54:00:00:00:0b");
    static final MacAddress CAROL = MacAddress.of("52:54:00:00:00:0c");
    static final long LBA = 100;

    @TempDir
    static Path temp;

    static TestFleet fleet;
    static InetSocketAddress aoe;
    static byte[] golden = new byte[1 << 20];

    @TempDir
    Path home;

    BootView view;
    Workspace workspace;

    @BeforeAll
    static void startFleet() throws Exception {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            aoe = new InetSocketAddress("127.0.0.1", probe.getLocalPort());
        }
        fleet = TestFleet.startWith(temp, options -> options.withBoot(0, new AoeService.Links(List.of(), aoe, 1)));
        new java.util.SplittableRandom(7).nextBytes(golden);
        try (ApiClient api = fleet.admin()) {
            assertEquals(
                    201, api.postBytes("/api/v1/images/desk/versions", golden).status());
            assertEquals(
                    200,
                    api.post("/api/v1/images/desk/publish", Map.of("version", 1))
                            .status());
            assertEquals(
                    201, api.post("/api/v1/exports", Map.of("image", "desk")).status());
            assertEquals(201, api.post("/api/v1/groups", Map.of("name", "lab")).status());
        }
        try (MachineDisk alice = MachineDisk.boot(ALICE)) {
            alice.write(LBA, sector((byte) 0xA1));
        }
        // BOB asks for its boot script: the server records it as pending.
        HttpResponse<String> script = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + fleet.server().bootHttpPort() + "/boot/ipxe?mac=" + BOB))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertTrue(script.body().contains("not approved"), script.body());
    }

    @AfterAll
    static void stopFleet() throws Exception {
        fleet.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        workspace = new Workspace(fleet.signIn(home), LiveEvents.none());
        view = new BootView(workspace);
        stage.setScene(new Scene(view.root(), 1000, 800));
        stage.show();
        view.start();
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(view::stop);
    }

    @Test
    void exportsAndTheirOverlaysAreListed(FxRobot robot) {
        Fx.waitFor(
                "the export", () -> rows(robot, "#exportsTable", Export.class).size() == 1);
        Export export = rows(robot, "#exportsTable", Export.class).getFirst();
        assertEquals("e1.0", export.address());
        assertEquals("desk", export.image());
        assertTrue(export.served(), export::toString);
        Fx.waitFor("alice's overlay", () -> rows(robot, "#overlaysTable", Overlay.class).stream()
                .anyMatch(o -> o.client().equals(ALICE.toString()) && o.writtenBytes() == 512));
    }

    @Test
    void resetToGoldenAsksNamingTheClientThenResets(FxRobot robot) throws Exception {
        try (MachineDisk carol = MachineDisk.boot(CAROL)) {
            carol.write(LBA, sector((byte) 0xC3));
        }
        robot.interact(() -> robot.lookup("#bootRefresh").queryButton().fire());
        Fx.waitFor("carol's overlay", () -> overlay(robot, CAROL) != null);
        robot.interact(() -> robot.lookup("#overlaysTable")
                .queryAs(TableView.class)
                .getSelectionModel()
                .select(overlay(robot, CAROL)));

        // Cancel changes nothing.
        robot.interact(() -> robot.lookup("#resetOverlay").queryButton().fire());
        Fx.waitFor(
                "the confirmation",
                () -> robot.lookup("#resetConfirm").tryQuery().isPresent());
        String question =
                robot.lookup("#resetConfirm").queryAs(DialogPane.class).getContentText();
        assertTrue(question.contains(CAROL.toString()) && question.contains("is lost"), question);
        robot.interact(() -> ((javafx.scene.control.Button) robot.lookup("#resetConfirm")
                        .queryAs(DialogPane.class)
                        .lookupButton(javafx.scene.control.ButtonType.CANCEL))
                .fire());
        Fx.waitFor(
                "the dialog closed",
                () -> robot.lookup("#resetConfirm").tryQuery().isEmpty());
        assertEquals(2, serverOverlays());

        // Confirmed: CAROL used its disk seconds ago, so the server asks for a forced reset; confirmed too.
        robot.interact(() -> robot.lookup("#resetOverlay").queryButton().fire());
        Fx.waitFor(
                "the confirmation",
                () -> robot.lookup("#confirmReset").tryQuery().isPresent());
        robot.interact(() -> robot.lookup("#confirmReset").queryButton().fire());
        Fx.waitFor(
                "the forced confirmation",
                () -> robot.lookup("#confirmForce").tryQuery().isPresent());
        robot.interact(() -> robot.lookup("#confirmForce").queryButton().fire());
        Fx.waitFor("carol's overlay gone", () -> overlay(robot, CAROL) == null);
        assertEquals(1, serverOverlays(), "alice keeps hers");
        try (MachineDisk carol = MachineDisk.boot(CAROL)) {
            assertArrayEquals(Arrays.copyOfRange(golden, (int) LBA * 512, (int) LBA * 512 + 512), carol.read(LBA));
        }
    }

    @Test
    void aPendingMachineIsApprovedIntoAGroup(FxRobot robot) {
        Fx.waitFor("bob pending", () -> machine(robot, BOB) != null);
        assertEquals("pending", machine(robot, BOB).status());
        robot.interact(() -> {
            robot.lookup("#bootClientsTable")
                    .queryAs(TableView.class)
                    .getSelectionModel()
                    .select(machine(robot, BOB));
            robot.lookup("#approveGroup").queryTextInputControl().setText("lab");
            robot.lookup("#approveName").queryTextInputControl().setText("bob-desk");
            robot.lookup("#approveBoot").queryButton().fire();
        });
        Fx.waitFor(
                "bob approved",
                () -> machine(robot, BOB) != null
                        && machine(robot, BOB).status().equals("approved"));
        assertEquals("bob-desk", machine(robot, BOB).name());
        assertEquals("lab", machine(robot, BOB).group());
    }

    static int serverOverlays() throws Exception {
        try (ApiClient api = fleet.admin()) {
            return api.get("/api/v1/exports/e1.0/overlays").body().get("items").size();
        }
    }

    static Overlay overlay(FxRobot robot, MacAddress mac) {
        return rows(robot, "#overlaysTable", Overlay.class).stream()
                .filter(o -> o.client().equals(mac.toString()))
                .findFirst()
                .orElse(null);
    }

    static Machine machine(FxRobot robot, MacAddress mac) {
        return rows(robot, "#bootClientsTable", Machine.class).stream()
                .filter(m -> m.mac().equals(mac.toString()))
                .findFirst()
                .orElse(null);
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> rows(FxRobot robot, String id, Class<T> type) {
        TableView<T> table = robot.lookup(id).queryAs(TableView.class);
        return onFx(() -> List.copyOf(table.getItems()));
    }

    static <T> T onFx(Callable<T> read) {
        try {
            return WaitForAsyncUtils.asyncFx(read).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] sector(byte fill) {
        byte[] data = new byte[512];
        Arrays.fill(data, fill);
        return data;
    }

    /** A network-booting machine: an AoE initiator with its own MAC on the server's UDP link. */
    record MachineDisk(AoeInitiator initiator, AoeDisk disk) implements AutoCloseable {
        static MachineDisk boot(MacAddress mac) throws Exception {
            UdpEthernetTransport transport = UdpEthernetTransport.open(new InetSocketAddress("127.0.0.1", 0), mac);
            AoeInitiator initiator = new AoeInitiator(transport, aoe);
            List<AoeInitiator.Discovered> found = initiator.discover(1, 0, Duration.ofMillis(500));
            assertEquals(1, found.size(), "e1.0 answers " + mac);
            return new MachineDisk(initiator, initiator.open(found.getFirst()));
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
