package org.visorfleet.console.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
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
import org.visorfleet.console.LiveEvents;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.EventFeed;
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Session;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;
import org.visorfleet.server.testing.ApiClient;

/** The events log against a real server: newest page, live events on top, paging back, filters. */
@ExtendWith(ApplicationExtension.class)
class EventsViewTest {

    static final int PAGE = 5;

    @TempDir
    static Path temp;

    static TestFleet fleet;

    @TempDir
    Path home;

    EventsView view;
    Workspace workspace;
    final List<FleetEvent> streamed = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startFleet() throws Exception {
        fleet = TestFleet.start(temp, "ev-pc-01");
    }

    @AfterAll
    static void stopFleet() throws Exception {
        fleet.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        Session session = fleet.signIn(home);
        workspace = new Workspace(session, LiveEvents.open(session));
        workspace.events().subscribe(streamed::add);
        view = new EventsView(workspace, PAGE);
        stage.setScene(new Scene(view.root(), 1000, 600));
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
    void newestPageFirstThenLiveEventsOnTop(FxRobot robot) throws Exception {
        Fx.waitFor("the newest page", () -> rows(robot).size() >= PAGE);
        assertDescendingWithoutDuplicates(rows(robot));
        Fx.waitFor("live events", () -> workspace.events().stateProperty().get() == EventFeed.State.LIVE);
        long newest = rows(robot).getFirst().id();

        try (ApiClient admin = fleet.admin()) {
            // Signing in is a user.login event: it arrives through the stream and goes on top.
            Fx.waitFor("the login on top", () -> {
                FleetEvent top = rows(robot).getFirst();
                return top.id() > newest && top.type().equals("user.login");
            });
        }
        assertDescendingWithoutDuplicates(rows(robot));
    }

    @Test
    void loadOlderPagesBackToTheFirstEvent(FxRobot robot) throws Exception {
        Fx.waitFor("the newest page", () -> rows(robot).size() >= PAGE);
        for (int i = 0; i < 2 * PAGE; i++) {
            fleet.admin().close(); // each sign-in is an event: enough for three pages
        }
        int onServer;
        long first;
        java.util.Set<Long> serverIds = new java.util.TreeSet<>();
        try (ApiClient admin = fleet.admin()) {
            var items = admin.get("/api/v1/events?limit=1000").body().get("items");
            onServer = items.size();
            items.forEach(i -> serverIds.add(i.get("id").asLong()));
            first = admin.get("/api/v1/events?order=asc&limit=1")
                    .body()
                    .get("items")
                    .get(0)
                    .get("id")
                    .asLong();
        }
        assertTrue(onServer > 2 * PAGE, "enough events for three pages: " + onServer);
        // The button is also disabled while a page is on its way: only the status says the log is all here.
        while (!allLoaded(robot)) {
            int before = rows(robot).size();
            robot.interact(() -> robot.lookup("#loadOlder").queryButton().fire());
            Fx.waitFor("an older page", () -> rows(robot).size() > before || allLoaded(robot));
        }
        // The newest of them is this test's own login above: it comes by the live stream, in its own time.
        Fx.waitFor("every event the server had", () -> rows(robot).size() >= onServer);
        List<FleetEvent> all = rows(robot);
        assertDescendingWithoutDuplicates(all);
        serverIds.removeAll(all.stream().map(FleetEvent::id).toList());
        assertTrue(
                all.size() >= onServer,
                all.size() + " rows, " + onServer + " on the server before; missing " + serverIds + " in " + all);
        assertEquals(first, all.getLast().id(), "down to the first event of the log");
    }

    static boolean allLoaded(FxRobot robot) {
        return robot.lookup("#eventsStatus").queryAs(Label.class).getText().endsWith("all loaded");
    }

    @Test
    void filtersApplyOnTheServerAndToLiveEvents(FxRobot robot) throws Exception {
        Fx.waitFor("live events", () -> workspace.events().stateProperty().get() == EventFeed.State.LIVE);
        type(robot, "#eventType", "user.log");
        Fx.waitFor(
                "only logins",
                () -> !rows(robot).isEmpty()
                        && rows(robot).stream().allMatch(e -> e.type().startsWith("user.log")));

        // A login passes the filter live; an enrollment, seen on the same stream, does not.
        fleet.admin().close();
        fleet.addAgent("ev-pc-02");
        Fx.waitFor("the enrollment on the stream", () -> streamed.stream()
                .anyMatch(e -> e.type().equals("client.enrolled") && "ev-pc-02".equals(e.client())));
        Fx.waitFor("the new login", () -> rows(robot).stream().anyMatch(e -> streamed.stream()
                .anyMatch(s -> s.id() == e.id() && s.type().equals("user.login"))));
        assertTrue(rows(robot).stream().allMatch(e -> e.type().startsWith("user.log")), rows(robot)::toString);

        // Client filter on the server, free text here: ev-pc-01's own events, then only its enrollment.
        robot.interact(() -> robot.lookup("#eventType").queryTextInputControl().clear());
        type(robot, "#eventClient", "ev-pc-01");
        Fx.waitFor(
                "ev-pc-01's events",
                () -> !rows(robot).isEmpty() && rows(robot).stream().allMatch(e -> "ev-pc-01".equals(e.client())));
        robot.interact(
                () -> robot.lookup("#eventFilter").queryTextInputControl().setText("ENROLLED Hostname"));
        List<FleetEvent> found = rows(robot);
        assertEquals(1, found.size(), found::toString);
        assertEquals("client.enrolled", found.getFirst().type());
        assertFalse(found.stream().anyMatch(e -> "ev-pc-02".equals(e.client())));
    }

    private static void type(FxRobot robot, String id, String text) {
        robot.interact(() -> {
            robot.lookup(id).queryTextInputControl().setText(text);
            robot.lookup(id).query().requestFocus();
        });
        robot.type(KeyCode.ENTER);
    }

    @SuppressWarnings("unchecked")
    static List<FleetEvent> rows(FxRobot robot) {
        TableView<FleetEvent> table = robot.lookup("#eventsTable").queryAs(TableView.class);
        try {
            return WaitForAsyncUtils.asyncFx(() -> List.copyOf(table.getItems()))
                    .get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static void assertDescendingWithoutDuplicates(List<FleetEvent> rows) {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            assertTrue(seen.add(rows.get(i).id()), "duplicate " + rows.get(i));
            if (i > 0) {
                assertTrue(rows.get(i - 1).id() > rows.get(i).id(), "not newest first at row " + i);
            }
        }
    }
}
