package org.visorfleet.console.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import javafx.scene.Scene;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableView;
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
import org.visorfleet.console.grid.GridRows.Job;
import org.visorfleet.console.grid.GridRows.Unit;
import org.visorfleet.console.testing.Fx;
import org.visorfleet.console.testing.TestFleet;
import org.visorfleet.server.testing.ApiClient;

/**
 * The grid view against a real server and two real agents that run grid work in their RV64 sandbox:
 * the program is grid-worker's {@code exec-min.elf}, which writes "first\nsecond\n" and exits with 7.
 */
@ExtendWith(ApplicationExtension.class)
class GridViewTest {

    @TempDir
    static Path temp;

    static TestFleet fleet;
    static Path program;

    @TempDir
    Path home;

    GridView view;
    Workspace workspace;

    @BeforeAll
    static void startFleet() throws Exception {
        fleet = TestFleet.start(temp);
        fleet.addGridAgent("grid-pc-01");
        fleet.addGridAgent("grid-pc-02");
        awaitIdleAgents(2);
        program = temp.resolve("exec-min.elf");
        try (InputStream elf = GridViewTest.class.getResourceAsStream("/org/visorfleet/grid/elf/exec-min.elf")) {
            Files.copy(elf, program);
        }
    }

    @AfterAll
    static void stopFleet() throws Exception {
        fleet.close();
    }

    @Start
    void start(Stage stage) throws Exception {
        workspace = new Workspace(fleet.signIn(home), LiveEvents.none());
        view = new GridView(workspace);
        stage.setScene(new Scene(view.root(), 1200, 900));
        stage.show();
        view.start();
    }

    @AfterEach
    void close(FxRobot robot) {
        robot.interact(view::stop);
    }

    @Test
    void aJobSubmittedInTheViewRunsToDoneWithResultsAndCredit(FxRobot robot) {
        fill(robot, program.toString(), "hello", "unit {unit}", 2, 2, 2);
        robot.interact(() -> robot.lookup("#submitJob").queryButton().fire());
        Fx.waitFor("submitted", () -> text(robot, "#submitStatus").startsWith("Job "));
        long id = Long.parseLong(text(robot, "#submitStatus").split(" ")[1]);

        try {
            Fx.waitFor(
                    "the job done",
                    Duration.ofSeconds(60),
                    () -> job(robot, id) != null && job(robot, id).status().equals("done"));
        } catch (AssertionError e) {
            throw new AssertionError(
                    e.getMessage() + "; the view shows " + job(robot, id) + " and says " + text(robot, "#gridStatus")
                            + "; the server has " + serverUnits(id),
                    e);
        }
        Job done = job(robot, id);
        assertEquals(2, done.unitsValid(), done::toString);
        assertEquals(1.0, done.progress());
        robot.interact(() -> robot.lookup("#jobsTable")
                .queryAs(TableView.class)
                .getSelectionModel()
                .select(done));
        Fx.waitFor(
                "a full progress bar",
                () -> onFx(() -> robot.lookup("#jobsTable .job-progress").queryAllAs(ProgressBar.class).stream()
                        .anyMatch(bar -> bar.getProgress() == 1.0)));

        Fx.waitFor("the units with their output", () -> {
            List<Unit> units = rows(robot, "#unitsTable", Unit.class);
            return units.size() == 2
                    && units.stream().allMatch(u -> u.status().equals("valid"))
                    && onFx(() ->
                            robot
                                    .lookup("#unitsTable .table-cell")
                                    .queryAllAs(javafx.scene.control.Labeled.class)
                                    .stream()
                                    .anyMatch(cell -> "first⏎second⏎".equals(cell.getText())));
        });
        Unit first = rows(robot, "#unitsTable", Unit.class).getFirst();
        assertEquals(7, first.canonical().exitStatus());

        Fx.waitFor(
                "credit for both agents",
                () -> credit(robot).size() == 2
                        && credit(robot).values().stream().allMatch(c -> c > 0));
    }

    @Test
    void aJobTheServerRefusesSaysWhy(FxRobot robot) {
        fill(robot, program.toString(), "bad", "", 1, 2, 3);
        robot.interact(() -> robot.lookup("#submitJob").queryButton().fire());
        Fx.waitFor("the refusal", () -> text(robot, "#submitStatus").startsWith("⚠"));
        assertTrue(text(robot, "#submitStatus").contains("quorum"), text(robot, "#submitStatus"));

        fill(robot, temp.resolve("missing.elf").toString(), "bad", "", 1, 2, 2);
        robot.interact(() -> robot.lookup("#submitJob").queryButton().fire());
        Fx.waitFor("the missing file", () -> text(robot, "#submitStatus").contains("no such file"));
    }

    @Test
    void cancelStopsARunningJob(FxRobot robot) throws Exception {
        long id;
        try (ApiClient api = fleet.admin()) {
            String sha = api.postBytes("/api/v1/grid/files", Files.readAllBytes(program))
                    .body()
                    .get("sha256")
                    .asText();
            // Three replicas on two agents: the unit cannot be decided, the job keeps running.
            id = api.post(
                            "/api/v1/jobs",
                            Map.of("name", "stuck", "program", sha, "units", List.of(Map.of()), "replication", 3))
                    .body()
                    .get("id")
                    .asLong();
        }
        Fx.waitFor("the running job", () -> job(robot, id) != null);
        robot.interact(() -> robot.lookup("#jobsTable")
                .queryAs(TableView.class)
                .getSelectionModel()
                .select(job(robot, id)));
        robot.interact(() -> robot.lookup("#cancelJob").queryButton().fire());
        Fx.waitFor("the job cancelled", () -> job(robot, id).status().equals("cancelled"));
        assertTrue(robot.lookup("#cancelJob").queryButton().isDisabled());
    }

    /** Waits until {@code n} agents are connected and say their desktop is idle: work reaches them at once. */
    static void awaitIdleAgents(int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (ApiClient api = fleet.admin()) {
            while (true) {
                int idle = 0;
                for (var agent : api.get("/api/v1/grid/agents").body().get("items")) {
                    idle += agent.path("status").path("idle").asBoolean(false) ? 1 : 0;
                }
                if (idle == n) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("agents not idle for the grid: "
                            + api.get("/api/v1/grid/agents").text());
                }
                Thread.sleep(200);
            }
        }
    }

    static String serverUnits(long id) {
        try (ApiClient api = fleet.admin()) {
            return api.get("/api/v1/jobs").text() + " "
                    + api.get("/api/v1/jobs/" + id + "/units").text();
        } catch (Exception e) {
            return e.toString();
        }
    }

    @SuppressWarnings("unchecked")
    static void fill(FxRobot robot, String path, String name, String args, int units, int replication, int quorum) {
        robot.interact(() -> {
            robot.lookup("#programPath").queryTextInputControl().setText(path);
            robot.lookup("#jobName").queryTextInputControl().setText(name);
            robot.lookup("#jobArgs").queryTextInputControl().setText(args);
            robot.lookup("#jobUnits").queryAs(Spinner.class).getValueFactory().setValue(units);
            robot.lookup("#jobReplication")
                    .queryAs(Spinner.class)
                    .getValueFactory()
                    .setValue(replication);
            robot.lookup("#jobQuorum").queryAs(Spinner.class).getValueFactory().setValue(quorum);
        });
    }

    static Job job(FxRobot robot, long id) {
        return rows(robot, "#jobsTable", Job.class).stream()
                .filter(j -> j.id() == id)
                .findFirst()
                .orElse(null);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Long> credit(FxRobot robot) {
        BarChart<String, Number> chart = robot.lookup("#creditChart").queryAs(BarChart.class);
        return onFx(() -> {
            Map<String, Long> out = new java.util.TreeMap<>();
            for (XYChart.Series<String, Number> series : chart.getData()) {
                for (XYChart.Data<String, Number> bar : series.getData()) {
                    out.put(bar.getXValue(), bar.getYValue().longValue());
                }
            }
            return out;
        });
    }

    static String text(FxRobot robot, String id) {
        return onFx(() -> robot.lookup(id).queryLabeled().getText());
    }

    @SuppressWarnings("unchecked")
    static <T> List<T> rows(FxRobot robot, String id, Class<T> type) {
        TableView<T> table = robot.lookup(id).queryAs(TableView.class);
        return onFx(() -> List.copyOf(table.getItems()));
    }

    static <T> T onFx(Callable<T> read) {
        try {
            return WaitForAsyncUtils.asyncFx(read).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
