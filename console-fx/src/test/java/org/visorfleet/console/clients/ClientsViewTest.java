package org.visorfleet.console.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
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
import org.visorfleet.console.api.Session;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;
import org.visorfleet.server.testing.ApiClient;

/**
 * The clients section against a real server and real agents in this JVM: live rows, server-side
 * filters and sorting, an action's result, and a client's detail.
 */
@ExtendWith(ApplicationExtension.class)
class ClientsViewTest {

    @TempDir
    static Path temp;

    static TestFleet fleet;

    @TempDir
    Path home;

    ClientsView view;
    Workspace workspace;

    /** desk-alpha (online), desk-beta (online, group lab), desk-old (revoked). */
    @BeforeAll
    static void startFleet() throws Exception {
        fleet = TestFleet.start(temp, "desk-alpha", "desk-beta", "desk-old");
        try (ApiClient admin = fleet.admin()) {
            assertEquals(
                    201,
                    admin.post("/api/v1/groups", Map.of("name", "lab", "description", "the lab"))
                            .status());
            admin.patch("/api/v1/clients/desk-beta", Map.of("group", "lab"));
            admin.post("/api/v1/clients/desk-old/revoke", null);
            Fx.waitFor("agents online", () -> {
                try {
                    return admin.clientStatus("desk-alpha").equals("online")
                            && admin.clientStatus("desk-beta").equals("online");
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    @AfterAll
    static void stopFleet() throws Exception {
        fleet.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        Session session = fleet.signIn(home);
        workspace = new Workspace(session, LiveEvents.open(session));
        view = new ClientsView(workspace, TerminalOpener.NONE);
        stage.setScene(new Scene(view.root(), 1100, 700));
        stage.show();
        view.start();
    }

    @AfterEach
    void stop(FxRobot robot) {
        robot.interact(() -> {
            view.stop();
            workspace.events().close();
        });
    }

    @Test
    void aClientEnrollingAppearsLiveInTheTableAndItsChangesFollow(FxRobot robot) throws Exception {
        Fx.waitFor("the first clients", () -> names().contains("desk-alpha"));
        Fx.waitFor(
                "live events",
                () -> workspace.events().stateProperty().get() == org.visorfleet.console.api.EventFeed.State.LIVE);
        int before = names().size();
        fleet.addAgent("desk-new");
        Fx.waitFor("desk-new in the table", () -> names().contains("desk-new"));
        Fx.waitFor("the count", () -> text(robot, "#clientCount").equals((before + 1) + " clients"));

        try (ApiClient admin = fleet.admin()) {
            admin.post("/api/v1/groups", Map.of("name", "annex", "description", "the annex"));
            assertEquals(
                    200,
                    admin.patch("/api/v1/clients/desk-new", Map.of("group", "annex"))
                            .status());
        }
        Fx.waitFor("desk-new's new group in its row", () -> "annex"
                .equals(cellText(robot, names().indexOf("desk-new"), 2)));
    }

    @Test
    void searchStatusAndGroupNarrowTheTableOnTheServer(FxRobot robot) {
        Fx.waitFor("the first clients", () -> names().contains("desk-old"));
        robot.clickOn("#clientSearch").write("BETA");
        Fx.waitFor("only desk-beta", () -> names().equals(List.of("desk-beta")));
        assertEquals("1 client", text(robot, "#clientCount"));
        robot.interact(
                () -> robot.lookup("#clientSearch").queryTextInputControl().clear());
        Fx.waitFor("all again", () -> names().contains("desk-old"));

        ComboBox<String> status = robot.lookup("#statusFilter").queryComboBox();
        robot.interact(() -> status.getSelectionModel().select("⊘ revoked"));
        Fx.waitFor("only desk-old", () -> names().equals(List.of("desk-old")));
        assertEquals("⊘ revoked", cellText(robot, 0, 3), "status as icon and word");
        robot.interact(() -> status.getSelectionModel().select("All statuses"));

        ComboBox<String> group = robot.lookup("#groupFilter").queryComboBox();
        Fx.waitFor("groups listed", () -> call(() -> group.getItems().contains("lab")));
        robot.interact(() -> group.getSelectionModel().select("lab"));
        Fx.waitFor("only the lab", () -> names().equals(List.of("desk-beta")));
        assertEquals("lab", cellText(robot, 0, 2));
        robot.interact(() -> group.getSelectionModel().select("All groups"));
        Fx.waitFor("all again", () -> names().size() >= 3);
    }

    @Test
    void sortingAColumnAsksTheServerForTheOrder(FxRobot robot) {
        Fx.waitFor("the first clients", () -> names().size() >= 3);
        assertEquals("desk-alpha", names().getFirst());
        TableView<ClientRow> table = table(robot);
        TableColumn<ClientRow, ?> name = table.getColumns().getFirst();
        // What a click on the header does (the headless robot's clicks do not reach column headers).
        robot.interact(() -> {
            name.setSortType(TableColumn.SortType.DESCENDING);
            table.getSortOrder().setAll(List.of(name));
        });
        Fx.waitFor("descending by name", () -> {
            List<String> shown = names();
            List<String> expected = new ArrayList<>(shown);
            expected.sort(java.util.Comparator.reverseOrder());
            return shown.size() >= 3
                    && shown.equals(expected)
                    && !shown.getFirst().equals("desk-alpha");
        });
        robot.interact(() -> {
            TableColumn<ClientRow, ?> status = table.getColumns().get(3);
            status.setSortType(TableColumn.SortType.ASCENDING);
            table.getSortOrder().setAll(List.of(status));
        });
        Fx.waitFor("online before revoked", () -> names().getLast().equals("desk-old"));
    }

    @Test
    void runningACommandShowsItsExitCodeAndOutput(FxRobot robot) {
        Fx.waitFor("the first clients", () -> names().contains("desk-alpha"));
        TableView<ClientRow> table = table(robot);
        robot.interact(() -> table.getSelectionModel().select(names().indexOf("desk-alpha")));
        robot.clickOn("#clients-run");
        Fx.waitFor(
                "the command dialog",
                () -> robot.lookup("#actionText").tryQuery().isPresent());
        robot.clickOn("#actionText").write("echo hello").type(KeyCode.ENTER);
        TableView<CommandResult> results = robot.lookup("#actionResults").queryTableView();
        Fx.waitFor(
                "the result",
                () -> call(() -> !results.getItems().isEmpty()
                        && results.getItems().getFirst().stateProperty().get().equals("done")));
        CommandResult result = call(() -> results.getItems().getFirst());
        assertEquals("desk-alpha", result.client());
        assertEquals("run", result.action());
        assertEquals("0", result.exitCodeProperty().get());
        assertEquals("hello", result.outputProperty().get());
    }

    @Test
    void aRefusedActionShowsTheServersMessage(FxRobot robot) {
        Fx.waitFor("the first clients", () -> names().contains("desk-old"));
        TableView<ClientRow> table = table(robot);
        robot.interact(() -> table.getSelectionModel().clearAndSelect(names().indexOf("desk-old")));
        robot.clickOn("#clients-lock");
        TableView<CommandResult> results = robot.lookup("#actionResults").queryTableView();
        Fx.waitFor(
                "the refusal",
                () -> call(() -> !results.getItems().isEmpty()
                        && results.getItems().getFirst().stateProperty().get().equals("refused")));
        assertEquals(
                "client desk-old is revoked",
                call(() -> results.getItems().getFirst().outputProperty().get()));
    }

    @Test
    void theDetailShowsInventoryEventsAndCommands(FxRobot robot) {
        Fx.waitFor("the first clients", () -> names().contains("desk-alpha"));
        TableView<ClientRow> table = table(robot);
        robot.interact(() -> {
            table.getSelectionModel().clearAndSelect(names().indexOf("desk-alpha"));
            table.getFocusModel().focus(names().indexOf("desk-alpha"));
            table.requestFocus();
        });
        robot.type(KeyCode.ENTER);
        Fx.waitFor("the detail", () -> robot.lookup("#inventory").tryQuery().isPresent());
        TableView<ClientDetailView.Fact> inventory = robot.lookup("#inventory").queryTableView();
        Fx.waitFor("the inventory", () -> call(() -> inventory.getItems().size() > 12));
        List<ClientDetailView.Fact> facts = call(() -> List.copyOf(inventory.getItems()));
        assertTrue(facts.contains(new ClientDetailView.Fact("Name", "desk-alpha")), facts.toString());
        assertTrue(facts.contains(new ClientDetailView.Fact("Status", "● online")), facts.toString());
        assertTrue(facts.stream()
                .anyMatch(
                        f -> f.name().equals("Certificate SHA-256") && f.value().length() == 64));
        assertTrue(facts.size() > 13, "the agent's inventory follows the server's fields: " + facts);
        ListView<?> events = robot.lookup("#clientEvents").queryListView();
        Fx.waitFor(
                "enrolled and online events",
                () -> call(() -> events.getItems().toString().contains("client.enrolled")
                        && events.getItems().toString().contains("client.online")));
        assertTrue(robot.lookup("#openTerminal").queryButton().isDisabled(), "no terminal opener");

        robot.clickOn("#detail-run");
        Fx.waitFor(
                "the command dialog",
                () -> robot.lookup("#actionText").tryQuery().isPresent());
        robot.clickOn("#actionText").write("echo from-detail").type(KeyCode.ENTER);
        TableView<?> history = robot.lookup("#commandHistory").queryTableView();
        Fx.waitFor(
                "the command in the history",
                () -> call(() -> history.getItems().toString().contains("from-detail")
                        && history.getItems().toString().contains("\"status\":\"done\"")));

        robot.type(KeyCode.ESCAPE);
        Fx.waitFor(
                "back to the list",
                () -> robot.lookup("#clientsTable").tryQuery().isPresent()
                        && robot.lookup("#inventory").tryQuery().isEmpty());
    }

    /** The names in the table, in order; "…" for rows not yet loaded. */
    List<String> names() {
        return call(() -> {
            TableView<ClientRow> table = table(new FxRobot());
            List<String> names = new ArrayList<>();
            for (ClientRow row : table.getItems()) {
                names.add(row.summary() == null ? "…" : row.summary().name());
            }
            return names;
        });
    }

    static TableView<ClientRow> table(FxRobot robot) {
        return robot.lookup("#clientsTable").queryTableView();
    }

    /** The text a cell shows. */
    static String cellText(FxRobot robot, int row, int column) {
        TableColumn<ClientRow, ?> wanted = table(robot).getColumns().get(column);
        return call(() -> robot.lookup("#clientsTable .table-cell").<TableCell<?, ?>>queryAll().stream()
                .filter(cell -> cell.getTableColumn() == wanted && cell.getIndex() == row)
                .map(TableCell::getText)
                .findFirst()
                .orElse(null));
    }

    static String text(FxRobot robot, String id) {
        return call(() -> robot.lookup(id).queryAs(Label.class).getText());
    }

    static <T> T call(Callable<T> work) {
        try {
            return WaitForAsyncUtils.asyncFx(work).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
