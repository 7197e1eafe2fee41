package org.visorfleet.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuBar;
import javafx.scene.control.TableView;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;
import org.visorfleet.console.ConsoleApp;
import org.visorfleet.console.ConsoleHome;
import org.visorfleet.console.api.KnownServers;

/**
 * PNG screenshots of every console view, taken from the demo's real running fleet (server, three
 * agents, golden image, grid job) on the headless JavaFX platform. They land in
 * {@code target/screenshots}; with {@code -Dvisorfleet.screenshots=DIR} (the README's images:
 * {@code ../docs/screenshots}) also there.
 */
@Timeout(300)
class ScreenshotsTest {

    @TempDir
    static Path temp;

    static DemoFleet fleet;
    static javafx.application.Application app;
    static Stage stage;
    final FxRobot robot = new FxRobot();

    @BeforeAll
    static void startFleetAndConsole() throws Exception {
        fleet = DemoFleet.start(
                temp.resolve("demo"), new DemoFleet.Settings(3, 6, 0), new PrintWriter(new StringWriter()));
        Path home = temp.resolve("console");
        new KnownServers(new ConsoleHome(home).knownServers()).remember(fleet.address(), fleet.caSha256());
        System.setProperty(ConsoleHome.PROPERTY, home.toString());
        stage = FxToolkit.registerPrimaryStage();
        app = FxToolkit.setupApplication(ConsoleApp.class, "--server", fleet.url(), "--user", "admin");
        FxToolkit.setupStage(s -> {
            s.setWidth(1200);
            s.setHeight(760);
        });
    }

    @AfterAll
    static void stop() throws Exception {
        FxToolkit.cleanupApplication(app);
        FxToolkit.cleanupStages();
        System.clearProperty(ConsoleHome.PROPERTY);
        fleet.close();
    }

    @Test
    void everyViewIsPhotographed() throws Exception {
        List<Path> taken = new ArrayList<>();
        taken.add(shoot("connect"));

        robot.interact(() -> {
            robot.lookup("#password").queryTextInputControl().setText(fleet.password());
            robot.lookup("#connect").queryButton().fire();
        });
        WaitForAsyncUtils.waitFor(
                20, TimeUnit.SECONDS, () -> robot.lookup("#nav").tryQuery().isPresent());
        ListView<?> nav = robot.lookup("#nav").queryListView();
        for (int i = 0; i < nav.getItems().size(); i++) {
            int index = i;
            robot.interact(() -> nav.getSelectionModel().select(index));
            Thread.sleep(2500); // the view's first answers from the server
            taken.add(shoot(fileName(robot, nav)));
        }

        taken.addAll(clientDetailAndTerminal(nav));

        robot.interact(() -> nav.getSelectionModel().select(0));
        CheckMenuItem dark = (CheckMenuItem) robot.lookup(".menu-bar")
                .queryAs(MenuBar.class)
                .getMenus()
                .getFirst()
                .getItems()
                .getFirst();
        robot.interact(() -> dark.setSelected(true));
        Thread.sleep(500);
        taken.add(shoot("dashboard-dark"));
        robot.interact(() -> dark.setSelected(false));

        for (Path png : taken) {
            assertTrue(Files.size(png) > 5_000, png + " is suspiciously small");
        }
    }

    /** The first client's detail (Enter on its row), then a terminal on it through the bastion. */
    private List<Path> clientDetailAndTerminal(ListView<?> nav) throws Exception {
        robot.interact(() -> nav.getSelectionModel().select(1));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#clientsTable")
                .tryQuery()
                .map(table -> !((TableView<?>) table).getItems().isEmpty())
                .orElse(false));
        Thread.sleep(1000);
        TableView<?> table = robot.lookup("#clientsTable").queryTableView();
        robot.interact(() -> {
            table.getSelectionModel().clearAndSelect(0);
            table.getFocusModel().focus(0);
            table.requestFocus();
        });
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#inventory")
                .tryQuery()
                .isPresent());
        Thread.sleep(2500);
        Path detail = shoot("client-detail");

        robot.interact(() -> robot.lookup("#openTerminal").queryButton().fire());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#terminalStatus")
                .tryQuery()
                .map(status -> ((Label) status).getText().contains("Connected"))
                .orElse(false));
        Stage terminal = (Stage) robot.lookup("#terminal").query().getScene().getWindow();
        Thread.sleep(1000);
        robot.clickOn("#terminal");
        robot.write("ls --color=always -F / && echo $((6*7)) bytes of wisdom");
        robot.type(KeyCode.ENTER);
        Thread.sleep(2500);
        Path shot = shoot("terminal", terminal.getScene());
        robot.interact(terminal::close);
        robot.interact(() -> robot.lookup("#closeDetail").queryButton().fire());
        return List.of(detail, shot);
    }

    /** {@code section-TITLE}, from the selected navigation cell's text. */
    private static String fileName(FxRobot robot, ListView<?> nav) {
        String title = ((javafx.scene.control.ListCell<?>)
                        robot.lookup("#nav .list-cell:selected").query())
                .getText();
        return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    }

    /** Writes the window's scene as {@code NAME.png} into target/screenshots (and the requested directory). */
    private Path shoot(String name) throws Exception {
        return shoot(name, stage.getScene());
    }

    private Path shoot(String name, Scene scene) throws Exception {
        WritableImage[] image = new WritableImage[1];
        robot.interact(() -> image[0] = scene.snapshot(null));
        BufferedImage picture = toBufferedImage(image[0]);
        Path target = Files.createDirectories(Path.of("target/screenshots")).resolve(name + ".png");
        write(picture, target);
        String extra = System.getProperty("visorfleet.screenshots");
        if (extra != null && !extra.isBlank()) {
            write(picture, Files.createDirectories(Path.of(extra)).resolve(name + ".png"));
        }
        return target;
    }

    private static void write(BufferedImage picture, Path file) throws IOException {
        if (!ImageIO.write(picture, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private static BufferedImage toBufferedImage(WritableImage image) {
        int width = (int) image.getWidth();
        int height = (int) image.getHeight();
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        PixelReader pixels = image.getPixelReader();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                picture.setRGB(x, y, pixels.getArgb(x, y));
            }
        }
        return picture;
    }
}
