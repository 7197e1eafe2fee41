package org.visorfleet.console.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
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
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.console.api.KnownServers;
import org.visorfleet.console.dashboard.DashboardView;
import org.visorfleet.server.FleetServer;
import org.visorfleet.server.init.ServerInit;
import org.visorfleet.server.testing.ApiClient;

/** The connect view against a real server on loopback, driven through TestFX on the headless platform. */
@ExtendWith(ApplicationExtension.class)
class ConnectViewTest {

    static final String PASSWORD = "correct horse battery";

    @TempDir
    static Path serverTemp;

    static FleetServer server;
    static Agent agent;
    static Thread agentThread;

    @TempDir
    Path home;

    KnownServers known;
    DashboardView dashboard;

    @BeforeAll
    static void startServerWithOneOnlineAgent() throws Exception {
        Path data = serverTemp.resolve("server");
        ServerInit.initialize(data, PASSWORD, List.of("localhost", "127.0.0.1"), null);
        server = FleetServer.start(FleetServer.Options.of(data)
                .withSsh(0, null)
                .withBindHost("127.0.0.1")
                .withPort(0)
                .withWarmup(Duration.ZERO));
        try (ApiClient api = new ApiClient(URI.create(server.url()), data.resolve("ca.pem")).login("admin", PASSWORD)) {
            Path dir = serverTemp.resolve("agent");
            AgentEnroller.enroll(URI.create(server.url()), api.enrollmentToken(null), dir, "lab-pc-01");
        }
        agent = Agent.open(
                new AgentData(serverTemp.resolve("agent")), List.of(), ServerLink.Timing.defaults(), LinkListener.NONE);
        agentThread = Thread.ofVirtual().start(() -> {
            try {
                agent.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @AfterAll
    static void stopServer() throws Exception {
        agent.close();
        agentThread.join(5_000);
        server.close();
    }

    @Start
    void start(Stage stage) {
        known = new KnownServers(home.resolve("known_servers.json"));
        ConnectView view = new ConnectView(known, server.url(), "admin", session -> {
            dashboard = new DashboardView(session);
            stage.getScene().setRoot(dashboard.root());
            dashboard.start();
        });
        stage.setScene(new Scene(view.root(), 700, 420));
        stage.show();
    }

    @AfterEach
    void stopDashboard() {
        if (dashboard != null) {
            dashboard.stop();
        }
    }

    static String caSha256() throws Exception {
        return Fingerprints.sha256(
                Pem.readCertificates(serverTemp.resolve("server/ca.pem")).getFirst());
    }

    static void waitFor(String what, BooleanSupplier condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, condition::getAsBoolean);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what);
        }
    }

    static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    void connect(FxRobot robot, String password) {
        robot.interact(() -> robot.lookup("#password").queryTextInputControl().setText(password));
        robot.interact(() -> robot.lookup("#connect").queryButton().fire());
    }

    @Test
    void firstContactShowsTheServerCertificateFingerprintAndTrustRemembersIt(FxRobot robot) throws Exception {
        connect(robot, PASSWORD);
        waitFor("the trust pane", () -> robot.lookup("#trustPane").query().isVisible());
        String fingerprint = text(robot, "#fingerprint").replace(":", "").toLowerCase(java.util.Locale.ROOT);
        assertTrue(fingerprint.contains(caSha256()), fingerprint);
        assertTrue(text(robot, "#status").contains("First connection"), text(robot, "#status"));
        assertTrue(known.fingerprintOf(address()).isEmpty(), "nothing is remembered before Trust");

        robot.interact(() -> robot.lookup("#trust").queryButton().fire());
        waitFor("the dashboard", () -> robot.lookup("#count-online").tryQuery().isPresent());
        assertEquals(caSha256(), known.fingerprintOf(address()).orElseThrow());
    }

    @Test
    void cancelLeavesTheServerUntrusted(FxRobot robot) throws Exception {
        connect(robot, PASSWORD);
        waitFor("the trust pane", () -> robot.lookup("#trustPane").query().isVisible());
        robot.interact(() -> robot.lookup("#cancelTrust").queryButton().fire());
        assertFalse(robot.lookup("#trustPane").query().isVisible());
        assertTrue(text(robot, "#status").contains("not trusted"), text(robot, "#status"));
        assertTrue(known.fingerprintOf(address()).isEmpty());
    }

    @Test
    void wrongPasswordIsSaidAndTheViewStays(FxRobot robot) throws Exception {
        known.remember(address(), caSha256());
        robot.interact(() -> robot.lookup("#password").queryTextInputControl().setText("not the password"));
        robot.interact(() -> robot.lookup("#password").query().requestFocus());
        robot.type(KeyCode.ENTER); // Connect is the default button
        waitFor("the answer", () -> text(robot, "#status").startsWith("Wrong"));
        assertEquals("Wrong user name or password.", text(robot, "#status"));
        assertTrue(robot.lookup("#connect").tryQuery().isPresent(), "still on the connect view");
        assertFalse(robot.lookup("#connect").queryButton().isDisabled());
    }

    @Test
    void correctPasswordShowsTheDashboardWithTheOnlineAgent(FxRobot robot) throws Exception {
        known.remember(address(), caSha256());
        connect(robot, PASSWORD);
        waitFor("one client online", () -> robot.lookup("#count-online")
                .tryQuery()
                .map(n -> ((Label) n).getText().equals("1 online"))
                .orElse(false));
        assertEquals("0 revoked", text(robot, "#count-revoked"));
        Button refresh = robot.lookup("#refresh").queryButton();
        robot.interact(refresh::fire);
        waitFor("refresh done", () -> !refresh.isDisabled());
        assertEquals("1 online", text(robot, "#count-online"));
    }

    @Test
    void aChangedCertificateIsRefusedNamingBothFingerprints(FxRobot robot) throws Exception {
        String earlier = "ab".repeat(32);
        known.remember(address(), earlier);
        connect(robot, PASSWORD);
        waitFor("the refusal", () -> text(robot, "#status").startsWith("Refused"));
        String status = text(robot, "#status");
        assertTrue(status.contains("CHANGED") && status.contains(earlier) && status.contains(caSha256()), status);
        assertFalse(robot.lookup("#trustPane").query().isVisible(), "no silent re-trust offered");
        assertEquals(earlier, known.fingerprintOf(address()).orElseThrow());
    }

    @Test
    void anUnreachableServerIsNamedAndTheUiStaysResponsive(FxRobot robot) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "https://127.0.0.1:" + closedPort;
        robot.interact(() -> robot.lookup("#server").queryTextInputControl().setText(url));
        connect(robot, PASSWORD);
        assertFxThreadAnswersWithin(Duration.ofMillis(100));
        waitFor("the answer", () -> text(robot, "#status").contains("unreachable"));
        assertTrue(text(robot, "#status").contains("127.0.0.1:" + closedPort), text(robot, "#status"));
        assertFalse(robot.lookup("#connect").queryButton().isDisabled());
    }

    @Test
    void theUiAnswersWhileALoginIsUnderWay(FxRobot robot) throws Exception {
        known.remember(address(), caSha256());
        connect(robot, PASSWORD);
        // Argon2 makes the login take a while on the server; the application thread must not wait for it.
        assertFxThreadAnswersWithin(Duration.ofMillis(100));
        waitFor("the dashboard", () -> robot.lookup("#count-online").tryQuery().isPresent());
    }

    @Test
    void aUrlThatIsNotHttpsIsRefusedBeforeAnyConnection(FxRobot robot) {
        robot.interact(() -> robot.lookup("#server").queryTextInputControl().setText("http://127.0.0.1:1"));
        connect(robot, PASSWORD);
        assertTrue(text(robot, "#status").contains("https://host:port"), text(robot, "#status"));
    }

    static void assertFxThreadAnswersWithin(Duration limit) throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        long start = System.nanoTime();
        Platform.runLater(ran::countDown);
        assertTrue(ran.await(limit.toMillis(), TimeUnit.MILLISECONDS), "the JavaFX thread did not answer in " + limit);
        assertTrue(System.nanoTime() - start < limit.toNanos());
    }

    static String address() {
        URI uri = URI.create(server.url());
        return uri.getHost() + ":" + uri.getPort();
    }
}
