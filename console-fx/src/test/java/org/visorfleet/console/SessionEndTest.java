package org.visorfleet.console;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;
import org.visorfleet.server.testing.ApiClient;

/** The whole application: when the server stops accepting the token, the console says so and asks to sign in. */
class SessionEndTest {

    @TempDir
    Path temp;

    final FxRobot robot = new FxRobot();
    TestFleet fleet;
    javafx.application.Application app;

    @BeforeEach
    void launch() throws Exception {
        fleet = TestFleet.start(temp.resolve("fleet"));
        Path home = temp.resolve("home");
        fleet.trustedIn(home);
        System.setProperty(ConsoleHome.PROPERTY, home.toString());
        Stage stage = FxToolkit.registerPrimaryStage();
        app = FxToolkit.setupApplication(ConsoleApp.class, "--server", fleet.url());
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        System.clearProperty(ConsoleHome.PROPERTY);
        fleet.close();
    }

    @Test
    void aDeletedUserIsSentBackToTheConnectViewWithTheReason() throws Exception {
        try (ApiClient api = fleet.admin()) {
            api.post("/api/v1/users", Map.of("name", "tech", "role", "helpdesk", "password", TestFleet.PASSWORD));
        }
        robot.interact(() -> {
            robot.lookup("#username").queryTextInputControl().setText("tech");
            robot.lookup("#password").queryTextInputControl().setText(TestFleet.PASSWORD);
            robot.lookup("#connect").queryButton().fire();
        });
        Fx.waitFor("signed in", () -> robot.lookup("#signedIn").tryQuery().isPresent());

        try (ApiClient api = fleet.admin()) {
            api.delete("/api/v1/users/tech");
        }
        Fx.waitFor("the connect view", () -> robot.lookup("#connect").tryQuery().isPresent());
        String status = robot.lookup("#status").queryAs(Label.class).getText();
        assertTrue(status.contains("session has ended"), status);
        assertTrue(robot.lookup("#signedIn").tryQuery().isEmpty(), "the signed-in view is gone");
    }
}
