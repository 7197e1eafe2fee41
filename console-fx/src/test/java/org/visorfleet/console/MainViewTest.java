package org.visorfleet.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
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
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Session;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;

/** The signed-in frame against a real server: sections, keyboard navigation, live events. */
@ExtendWith(ApplicationExtension.class)
class MainViewTest {

    @TempDir
    static Path temp;

    static TestFleet fleet;

    @TempDir
    Path home;

    MainView main;
    final List<FleetEvent> seen = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startFleet() throws Exception {
        fleet = TestFleet.start(temp, "lab-pc-01");
    }

    @AfterAll
    static void stopFleet() throws Exception {
        fleet.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        Session session = fleet.signIn(home);
        Workspace workspace = new Workspace(session, LiveEvents.open(session));
        workspace.events().subscribe(seen::add);
        main = new MainView(
                workspace,
                ConsoleApp.SECTIONS.stream().map(s -> s.apply(workspace)).toList(),
                () -> {});
        stage.setScene(new Scene(main.root(), 900, 600));
        stage.show();
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(main::close);
    }

    @Test
    void theTopBarNamesTheUserAndTheEventStreamGoesLive(FxRobot robot) {
        assertEquals("admin (admin) on " + fleet.address(), text(robot, "#signedIn"));
        Fx.waitFor("live events", () -> text(robot, "#liveState").equals("● Live"));
    }

    @Test
    void aClientEnrollingArrivesAsALiveEvent(FxRobot robot) throws Exception {
        Fx.waitFor("live events", () -> text(robot, "#liveState").equals("● Live"));
        fleet.addAgent("lab-pc-02");
        Fx.waitFor("lab-pc-02 enrolled", () -> seen.stream()
                .anyMatch(e -> e.type().equals("client.enrolled") && "lab-pc-02".equals(e.client())));
    }

    @Test
    void shortcutKeysSwitchSections(FxRobot robot) {
        ListView<?> nav = robot.lookup("#nav").queryListView();
        assertEquals("Dashboard", main.sections().getFirst().title());
        assertEquals(0, nav.getSelectionModel().getSelectedIndex());
        int last = main.sections().size();
        robot.press(KeyCode.CONTROL, KeyCode.getKeyCode(String.valueOf(last)))
                .release(KeyCode.getKeyCode(String.valueOf(last)), KeyCode.CONTROL);
        assertEquals(last - 1, nav.getSelectionModel().getSelectedIndex());
        robot.press(KeyCode.CONTROL, KeyCode.DIGIT1).release(KeyCode.DIGIT1, KeyCode.CONTROL);
        assertEquals(0, nav.getSelectionModel().getSelectedIndex());
        assertTrue(robot.lookup("#count-online").tryQuery().isPresent(), "the dashboard is shown");
    }

    static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }
}
