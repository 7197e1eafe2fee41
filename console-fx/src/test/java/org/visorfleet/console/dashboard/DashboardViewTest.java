package org.visorfleet.console.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.XYChart;
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
import org.testfx.util.WaitForAsyncUtils;
import org.visorfleet.console.LiveEvents;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.EventFeed;
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Session;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;
import org.visorfleet.server.testing.ApiClient;

/** The dashboard's alerts and charts against a real server, two real grid agents and a real job. */
@ExtendWith(ApplicationExtension.class)
class DashboardViewTest {

    @TempDir
    static Path temp;

    static TestFleet fleet;

    @TempDir
    Path home;

    DashboardView view;
    Workspace workspace;

    @BeforeAll
    static void startFleet() throws Exception {
        fleet = TestFleet.start(temp);
        fleet.addGridAgent("dash-pc-01");
        fleet.addGridAgent("dash-pc-02");
        failedSignIn(); // an alert from before the console opened
    }

    @AfterAll
    static void stopFleet() throws Exception {
        fleet.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        Session session = fleet.signIn(home);
        workspace = new Workspace(session, LiveEvents.open(session));
        view = new DashboardView(workspace, Duration.ofMillis(500));
        stage.setScene(new Scene(view.root(), 1100, 900));
        stage.show();
        view.start();
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(() -> {
            view.stop();
            workspace.events().close();
        });
    }

    @Test
    void alertsListPastAndLiveAlertWorthyEventsOnly(FxRobot robot) throws Exception {
        Fx.waitFor("the earlier failed sign-in", () -> alerts(robot).stream()
                .anyMatch(e -> e.type().equals("user.login-failed")));
        assertTrue(alerts(robot).stream().allMatch(e -> AlertsPane.TYPES.contains(e.type())), alerts(robot)::toString);
        Fx.waitFor("live events", () -> workspace.events().stateProperty().get() == EventFeed.State.LIVE);
        long newest = alerts(robot).getFirst().id();

        fleet.admin().close(); // a successful sign-in: no alert
        failedSignIn();
        Fx.waitFor(
                "the new failed sign-in on top", () -> alerts(robot).getFirst().id() > newest);
        assertEquals("user.login-failed", alerts(robot).getFirst().type());
        assertFalse(alerts(robot).stream().anyMatch(e -> e.type().equals("user.login")));
        assertTrue(alerts(robot).size() <= AlertsPane.SHOWN);
    }

    @Test
    void onlineChartSamplesTheOnlineCount(FxRobot robot) {
        Fx.waitFor("two samples of two clients online", () -> {
            List<XYChart.Data<Number, Number>> points = points(robot, "#onlineChart");
            return points.size() >= 2 && points.getLast().getYValue().intValue() == 2;
        });
        assertEquals(
                "2 online",
                onFx(() -> robot.lookup("#count-online").queryLabeled().getText()),
                "the counts too");
    }

    @Test
    void throughputChartCountsUnitsDecidedPerMinute(FxRobot robot) throws Exception {
        Fx.waitFor("a baseline", () -> !points(robot, "#throughputChart").isEmpty());
        double before = total(points(robot, "#throughputChart"));
        try (ApiClient api = fleet.admin();
                InputStream elf = getClass().getResourceAsStream("/org/visorfleet/grid/elf/exec-min.elf")) {
            String program = api.postBytes("/api/v1/grid/files", elf.readAllBytes())
                    .body()
                    .get("sha256")
                    .asText();
            assertEquals(
                    201,
                    api.post(
                                    "/api/v1/jobs",
                                    Map.of(
                                            "name",
                                            "tput",
                                            "program",
                                            program,
                                            "units",
                                            List.of(Map.of(), Map.of(), Map.of())))
                            .status());
        }
        Fx.waitFor(
                "three units in the chart",
                Duration.ofSeconds(60),
                () -> total(points(robot, "#throughputChart")) - before == 3);
    }

    static void failedSignIn() {
        assertThrows(IllegalStateException.class, () -> new ApiClient(
                        java.net.URI.create(fleet.url()), fleet.data().resolve("ca.pem"))
                .login("admin", "not the password"));
    }

    static double total(List<XYChart.Data<Number, Number>> points) {
        return points.stream().mapToDouble(p -> p.getYValue().doubleValue()).sum();
    }

    @SuppressWarnings("unchecked")
    static List<XYChart.Data<Number, Number>> points(FxRobot robot, String id) {
        LineChart<Number, Number> chart = robot.lookup(id).queryAs(LineChart.class);
        return onFx(() -> List.copyOf(chart.getData().getFirst().getData()));
    }

    @SuppressWarnings("unchecked")
    static List<FleetEvent> alerts(FxRobot robot) {
        ListView<FleetEvent> list = robot.lookup("#alerts").queryAs(ListView.class);
        return onFx(() -> List.copyOf(list.getItems()));
    }

    static <T> T onFx(Callable<T> read) {
        try {
            return WaitForAsyncUtils.asyncFx(read).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
