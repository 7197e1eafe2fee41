package org.visorfleet.console.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.visorfleet.console.ConsoleHome;
import org.visorfleet.console.LiveEvents;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.Session;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;
import org.visorfleet.server.testing.ApiClient;

/**
 * The terminal window against a real fleet: through the server's bastion to an in-JVM agent's SSH
 * server, typing into a real shell on a pseudo-terminal, resizing it, and a jump the bastion refuses.
 */
@ExtendWith(ApplicationExtension.class)
class TerminalWindowTest {

    @TempDir
    static Path temp;

    static TestFleet fleet;
    static Session session;
    static Workspace workspace;

    TerminalWindow window;

    @BeforeAll
    static void startFleet() throws Exception {
        fleet = TestFleet.start(temp);
        fleet.addAgent("desk-01", "{\"ssh\": true, \"shell\": \"/bin/sh\"}");
        // desk-02's group asks its user to consent, and its user always declines
        fleet.addAgent("desk-02", "{\"consentCommand\": [\"/bin/false\"]}");
        try (ApiClient admin = fleet.admin()) {
            assertEquals(
                    201,
                    admin.post("/api/v1/groups", Map.of("name", "private", "description", "asks first"))
                            .status());
            assertEquals(
                    200,
                    admin.patch("/api/v1/groups/private", Map.of("consent", true))
                            .status());
            assertEquals(
                    200,
                    admin.patch("/api/v1/clients/desk-02", Map.of("group", "private"))
                            .status());
        }
        Fx.waitFor(
                "the agents' tunnels to the bastion",
                () -> fleet.server().bastion().tunnels().size() == 2);
        session = fleet.signIn(temp.resolve("home"));
        workspace = new Workspace(session, LiveEvents.none());
    }

    @AfterAll
    static void stopFleet() throws Exception {
        session.close();
        fleet.close();
    }

    @Start
    void start(Stage stage) {
        stage.setScene(new Scene(new Label("the console"), 200, 100));
        stage.show();
    }

    @AfterEach
    void closeWindow(FxRobot robot) {
        if (window != null) {
            robot.interact(() -> window.stage().close());
        }
    }

    void open(FxRobot robot, String client) {
        robot.interact(() -> window = TerminalWindow.open(workspace, client, new ConsoleHome(temp.resolve("home"))));
    }

    static String status(FxRobot robot) {
        return robot.lookup("#terminalStatus").queryAs(Label.class).getText();
    }

    static boolean hasLine(TerminalView view, String line) {
        return Arrays.stream(view.text().split("\n")).anyMatch(l -> l.strip().equals(line));
    }

    @Test
    void aShellAnswersWhatIsTypedAndLearnsTheWindowSize(FxRobot robot) throws Exception {
        open(robot, "desk-01");
        assertEquals("Terminal — desk-01", window.stage().getTitle());
        Fx.waitFor("connected", () -> status(robot).contains("Connected to desk-01 as admin"));
        TerminalView view = window.view();
        Fx.waitFor("a prompt", () -> !view.text().isBlank());
        Fx.assertFxThreadAnswersWithin(Duration.ofSeconds(1));

        robot.clickOn("#terminal");
        robot.write("echo $((6*7))");
        robot.type(KeyCode.ENTER);
        Fx.waitFor("42 on the screen", () -> hasLine(view, "42"));

        robot.interact(() -> {
            window.stage().setWidth(window.stage().getWidth() + 160);
            window.stage().setHeight(window.stage().getHeight() - 120);
        });
        Fx.waitFor("a new grid size", () -> view.columns() != 100 && view.rows() != 30);
        robot.write("stty size");
        robot.type(KeyCode.ENTER);
        Fx.waitFor(
                "the remote side's size " + view.rows() + " " + view.columns() + " in:\n" + view.text(),
                () -> hasLine(view, view.rows() + " " + view.columns()));

        robot.write("seq 1 80");
        robot.type(KeyCode.ENTER);
        Fx.waitFor("80 on the screen", () -> hasLine(view, "80"));
        robot.push(KeyCode.SHIFT, KeyCode.PAGE_UP);
        Fx.waitFor("scrolled back into the history", () -> view.scrollBack() > 0);
        robot.type(KeyCode.BACK_SPACE);
        Fx.waitFor("typing returns to the live screen", () -> view.scrollBack() == 0);

        robot.interact(() -> window.stage().close());
        window = null;
        try (ApiClient admin = fleet.admin()) {
            Fx.waitFor("the shell session ended on the desktop", () -> {
                try {
                    JsonNode sessions =
                            admin.get("/api/v1/sessions?client=desk-01").body().get("items");
                    return sessions.size() == 1
                            && sessions.get(0).get("kind").asText().equals("shell")
                            && !sessions.get(0).get("endedAt").isNull();
                } catch (Exception e) {
                    return false;
                }
            });
            JsonNode keys = admin.get("/api/v1/users/admin/keys").body().get("items");
            assertEquals(1, keys.size(), "one console key registered: " + keys);
        }
    }

    @Test
    void aRefusedJumpShowsTheBastionsReason(FxRobot robot) {
        open(robot, "nobody");
        Fx.waitFor("the refusal", () -> status(robot).contains("no client nobody"));
        assertTrue(status(robot).startsWith("✕ Refused: "), status(robot));
        assertTrue(window.view().text().isBlank());
    }

    @Test
    void aDeclinedSessionSaysWhy(FxRobot robot) {
        open(robot, "desk-02");
        Fx.waitFor("the user's refusal", () -> status(robot)
                .equals("○ Closed: the user of this computer declined the session"));
    }

    @Test
    void theBastionMustPresentTheHostKeyTheServerNamed() throws Exception {
        ConsoleKey key = ConsoleKey.loadOrCreate(temp.resolve("home/ssh"), "admin");
        key.register(session);
        KeyPair stranger = KeyUtils.generateKeyPair(KeyPairProvider.ECDSA_SHA2_NISTP256, 256);
        SshClient client = TerminalConnection.newClient();
        try {
            int port = fleet.server().sshPort();
            TerminalConnection.Refused refused = assertThrows(
                    TerminalConnection.Refused.class,
                    () -> TerminalConnection.signIn(
                            client, "admin", "127.0.0.1", port, stranger.getPublic(), key, "the bastion"));
            assertEquals(
                    "the bastion presented host key "
                            + KeyUtils.getFingerPrint(
                                    fleet.server().bastion().hostKey().keyPair().getPublic())
                            + ", not the one the server named: not connecting",
                    refused.getMessage());
            // the right key: signed in
            TerminalConnection.signIn(
                            client,
                            "admin",
                            "127.0.0.1",
                            port,
                            fleet.server().bastion().hostKey().keyPair().getPublic(),
                            key,
                            "the bastion")
                    .close(true);
        } finally {
            client.stop();
        }
    }

    @Test
    void theShellEndingSaysSo(FxRobot robot) {
        open(robot, "desk-01");
        Fx.waitFor("connected", () -> status(robot).contains("Connected"));
        robot.clickOn("#terminal");
        robot.write("exit 3");
        robot.type(KeyCode.ENTER);
        Fx.waitFor("closed", () -> status(robot).equals("○ Closed: the shell exited with status 3"));
    }
}
