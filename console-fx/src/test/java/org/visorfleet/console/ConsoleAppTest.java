package org.visorfleet.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuBar;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The whole application on the headless platform: prefilled server, theme switch remembered. */
class ConsoleAppTest {

    @TempDir
    Path home;

    final FxRobot robot = new FxRobot();
    Stage stage;
    javafx.application.Application app;

    @BeforeEach
    void launch() throws Exception {
        System.setProperty(ConsoleHome.PROPERTY, home.toString());
        stage = FxToolkit.registerPrimaryStage();
        app = FxToolkit.setupApplication(ConsoleApp.class, "--server", "https://fleet.example:8443");
    }

    @AfterEach
    void close() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        System.clearProperty(ConsoleHome.PROPERTY);
    }

    @Test
    void theServerArgumentIsPrefilledAndTheDarkThemeIsRemembered() throws Exception {
        assertEquals(
                "https://fleet.example:8443",
                robot.lookup("#server").queryAs(TextField.class).getText());
        assertTrue(stage.getScene().getStylesheets().getFirst().endsWith("light.css"));

        CheckMenuItem dark = (CheckMenuItem) robot.lookup(".menu-bar")
                .queryAs(MenuBar.class)
                .getMenus()
                .getFirst()
                .getItems()
                .getFirst();
        robot.interact(() -> dark.setSelected(true));
        assertTrue(stage.getScene().getStylesheets().getFirst().endsWith("dark.css"));
        ConsoleHome consoleHome = new ConsoleHome(home);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> ConsoleSettings.load(consoleHome.settings())
                .dark());
    }

    @Test
    void theWindowComesBackWhereItWasLeft() throws Exception {
        robot.interact(() -> {
            stage.setX(40);
            stage.setY(30);
            stage.setWidth(900);
            stage.setHeight(640);
        });
        ConsoleHome consoleHome = new ConsoleHome(home);
        ConsoleSettings.Window expected = new ConsoleSettings.Window(40, 30, 900, 640, false);
        WaitForAsyncUtils.waitFor(
                10,
                TimeUnit.SECONDS,
                () -> expected.equals(
                        ConsoleSettings.load(consoleHome.settings()).window()));

        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        robot.interact(() -> {
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(300);
            stage.setHeight(200);
        });
        app = FxToolkit.setupApplication(ConsoleApp.class);
        assertEquals(
                expected,
                new ConsoleSettings.Window(
                        stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), stage.isMaximized()));
    }
}
