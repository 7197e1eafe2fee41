package org.visorfleet.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
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
import org.visorfleet.console.api.FleetApi;
import org.visorfleet.console.api.KnownServers;
import org.visorfleet.console.api.LoginResult;
import org.visorfleet.console.api.Session;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.StallingProxy;
import org.visorfleet.console.testing.TestFleet;

/**
 * The console stays responsive while its server is slow (a proxy holds every byte) and when it is
 * gone (the proxy drops everything): the application thread keeps answering within 100 ms, the
 * sections still switch, and the console says what is wrong.
 */
@ExtendWith(ApplicationExtension.class)
class ResponsivenessTest {

    static final Duration PROMPT = Duration.ofMillis(100);

    @TempDir
    static Path temp;

    static TestFleet fleet;

    @TempDir
    Path home;

    StallingProxy proxy;
    MainView main;

    @BeforeAll
    static void startFleet() throws Exception {
        fleet = TestFleet.start(temp, "slow-pc-01");
    }

    @AfterAll
    static void stopFleet() throws Exception {
        fleet.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        proxy = StallingProxy.to(URI.create(fleet.url()).getPort());
        KnownServers known = new KnownServers(home.resolve("known_servers.json"));
        known.remember("localhost:" + proxy.port(), fleet.caSha256());
        LoginResult result =
                FleetApi.forServer("https://localhost:" + proxy.port(), known).login("admin", TestFleet.PASSWORD);
        Session session = ((LoginResult.LoggedIn) result).session();
        Workspace workspace = new Workspace(session, LiveEvents.open(session));
        main = new MainView(
                workspace,
                ConsoleApp.SECTIONS.stream().map(s -> s.apply(workspace)).toList(),
                () -> {});
        stage.setScene(new Scene(main.root(), 900, 600));
        stage.show();
    }

    @AfterEach
    void close(FxRobot robot) throws Exception {
        robot.interact(main::close);
        proxy.close();
    }

    @Test
    void aStalledServerNeverFreezesTheWindow(FxRobot robot) throws Exception {
        Fx.waitFor("the counts", () -> text(robot, "#count-online").equals("1 online"));
        Fx.waitFor("live events", () -> text(robot, "#liveState").equals("● Live"));

        proxy.stall(true);
        Button refresh = robot.lookup("#refresh").queryButton();
        ListView<?> nav = robot.lookup("#nav").queryListView();
        long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int round = 0;
        while (System.nanoTime() < end) {
            int section = round++ % nav.getItems().size();
            robot.interact(() -> nav.getSelectionModel().select(section));
            robot.interact(() -> nav.getSelectionModel().select(0));
            robot.interact(refresh::fire);
            Fx.assertFxThreadAnswersWithin(PROMPT);
            Thread.sleep(50);
        }
        assertEquals("1 online", text(robot, "#count-online"), "the last known counts stay shown");

        proxy.close(); // the server is gone: connections drop, nothing listens
        Fx.waitFor(
                "the dashboard says so", () -> text(robot, "#dashboardStatus").startsWith("Could not refresh"));
        Fx.waitFor("live events lost", () -> text(robot, "#liveState").contains("reconnecting"));
        for (int i = 0; i < 10; i++) {
            robot.interact(refresh::fire);
            Fx.assertFxThreadAnswersWithin(PROMPT);
        }
        assertTrue(text(robot, "#dashboardStatus").contains("cannot reach"), text(robot, "#dashboardStatus"));
    }

    static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }
}
