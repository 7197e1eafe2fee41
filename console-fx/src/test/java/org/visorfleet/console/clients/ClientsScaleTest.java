package org.visorfleet.console.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import javafx.event.ActionEvent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
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

/**
 * The clients table with 100,000 clients in the server's database: the first rows, a search, a
 * server-side sort and scrolling to the middle and the end each take well under the bounds while the
 * JavaFX thread keeps answering within 100 ms. Prints the figures (docs/performance.md records them).
 */
@ExtendWith(ApplicationExtension.class)
class ClientsScaleTest {

    static final int CLIENTS = 100_000;
    static final int GROUPS = 10;
    /** Generous: CI runs on two shared cores; measured figures are far lower (see docs/performance.md). */
    static final Duration BOUND = Duration.ofSeconds(5);

    @TempDir
    static Path temp;

    static TestFleet fleet;
    static long seedMillis;
    static long startMillis;

    @TempDir
    Path home;

    ClientsView view;
    Workspace workspace;
    final Map<String, Long> figures = new LinkedHashMap<>();
    /** CPU time the JavaFX thread spent on each step (its own work, whatever the machine's load). */
    final Map<String, Long> fxCpu = new LinkedHashMap<>();

    static String name(int i) {
        return "pc-%06d".formatted(i);
    }

    static String hostname(int i) {
        return "ws%06d.floor%d.example".formatted((i * 7919L) % 1_000_000, i % GROUPS);
    }

    /**
     * The client rows enrollment would write (names, hostnames, groups, certificates, statuses, times),
     * generated inside the database in one statement: far quicker than enrolling 100,000 agents or
     * sending 100,000 rows over JDBC. {@link #name} and {@link #hostname} give the same values.
     */
    static void seed(Connection c) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO client_groups (id, name, description, created_at) VALUES (?, ?, '', ?)")) {
            for (int g = 0; g < GROUPS; g++) {
                ps.setLong(1, 1000 + g);
                ps.setString(2, "floor-" + g);
                ps.setLong(3, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients (name, group_id, hostname, cert_serial,"
                + " cert_fingerprint, cert_not_after, enrolled_at, status, status_since, last_seen)"
                + " SELECT 'pc-' || LPAD(CAST(X AS VARCHAR), 6, '0'), 1000 + MOD(X, 10),"
                + " 'ws' || LPAD(CAST(MOD(X * 7919, 1000000) AS VARCHAR), 6, '0') || '.floor' || MOD(X, 10)"
                + " || '.example', 'seed' || X, LPAD(CAST(X AS VARCHAR), 64, '0'), ?, ? - X * 1000,"
                + " CASE MOD(X, 5) WHEN 1 THEN 'unreachable' WHEN 3 THEN 'enrolled' ELSE 'offline' END, ? - X * 500,"
                + " CASE MOD(X, 5) WHEN 3 THEN NULL ELSE ? - X * 300 END FROM SYSTEM_RANGE(1, " + CLIENTS + ")")) {
            ps.setLong(1, now + Duration.ofDays(365).toMillis());
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.setLong(4, now);
            assertEquals(CLIENTS, ps.executeUpdate());
        }
    }

    @BeforeAll
    static void startFleet() throws Exception {
        long start = System.nanoTime();
        long[] seeded = new long[1];
        fleet = TestFleet.startSeeded(temp, c -> {
            long t = System.nanoTime();
            seed(c);
            seeded[0] = System.nanoTime() - t;
        });
        seedMillis = seeded[0] / 1_000_000;
        startMillis = (System.nanoTime() - start) / 1_000_000;
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
        stage.setScene(new Scene(view.root(), 1000, 600));
        stage.show();
    }

    @AfterEach
    void stop(FxRobot robot) {
        robot.interact(() -> {
            view.stop();
            workspace.events().close();
        });
    }

    @Test
    void aHundredThousandClientsFilterSortAndScrollWithoutBlockingTheUi(FxRobot robot) throws Exception {
        TableView<ClientRow> table = robot.lookup("#clientsTable").queryTableView();
        // The first rows include the table's first layout (skins, style sheets, class loading): a
        // figure, not a responsiveness check. Then the peer the checks are measured against: how late
        // the JavaFX thread answers while the table merely scrolls over loaded rows. On an idle
        // machine that is a few milliseconds and the limit is 100 ms; on a loaded one, the software
        // renderer the thread waits for each frame is starved too, and that is not the view's doing.
        timed(
                "first rows",
                () -> robot.interact(view::start),
                () -> count(robot).equals(CLIENTS + " clients") && shownRowsLoaded(robot, table, 0),
                null);
        scrollingWorst = answerWhileScrolling(table, Duration.ofSeconds(2));
        Duration limit = Duration.ofMillis(Math.max(100, 3 * scrollingWorst.toMillis()));

        String search = "4242";
        long matching = IntStream.rangeClosed(1, CLIENTS)
                .filter(i -> name(i).contains(search) || hostname(i).contains(search))
                .count();
        TextField field = robot.lookup("#clientSearch").queryAs(TextField.class);
        timed(
                "filter",
                () -> robot.interact(() -> {
                    field.setText(search);
                    field.fireEvent(new ActionEvent()); // Enter: no typing delay in the figure
                }),
                () -> count(robot).equals(matching + " clients") && shownRowsLoaded(robot, table, 0),
                limit);
        assertTrue(call(() -> table.getItems().getFirst().summary().name().contains(search)
                || table.getItems().getFirst().summary().hostname().contains(search)));

        timed(
                "clear filter",
                () -> robot.interact(() -> {
                    field.setText("");
                    field.fireEvent(new ActionEvent());
                }),
                () -> count(robot).equals(CLIENTS + " clients") && shownRowsLoaded(robot, table, 0),
                limit);
        assertEquals(name(1), call(() -> table.getItems().getFirst().summary().name()));

        timed(
                "scroll to middle",
                () -> robot.interact(() -> table.scrollTo(CLIENTS / 2)),
                () -> shownRowsLoaded(robot, table, CLIENTS / 2),
                limit);
        assertEquals(
                name(CLIENTS / 2 + 1),
                call(() -> table.getItems().get(CLIENTS / 2).summary().name()));

        timed(
                "scroll to end",
                () -> robot.interact(() -> table.scrollTo(CLIENTS - 1)),
                () -> shownRowsLoaded(robot, table, CLIENTS - 1),
                limit);
        assertEquals(
                name(CLIENTS),
                call(() -> table.getItems().get(CLIENTS - 1).summary().name()));

        String lastHostname = IntStream.rangeClosed(1, CLIENTS)
                .mapToObj(ClientsScaleTest::hostname)
                .max(String::compareTo)
                .orElseThrow();
        timed(
                "sort by hostname, descending",
                () -> robot.interact(() -> {
                    TableColumn<ClientRow, ?> hostname = table.getColumns().get(1);
                    hostname.setSortType(TableColumn.SortType.DESCENDING);
                    table.getSortOrder().setAll(List.of(hostname));
                }),
                () -> shownRowsLoaded(robot, table, 0)
                        && lastHostname.equals(
                                call(() -> table.getItems().getFirst().summary().hostname())),
                limit);

        List<String> parts = new ArrayList<>();
        figures.forEach((what, millis) ->
                parts.add(what + " " + millis + " ms (JavaFX thread CPU " + fxCpu.get(what) + " ms)"));
        System.out.println("100k clients (rows seeded in " + seedMillis + " ms, fleet up in " + startMillis + " ms): "
                + String.join(", ", parts) + "; JavaFX thread answered within " + slowestAnswer.get() / 1_000_000
                + " ms at worst (limit " + limit.toMillis() + " ms; scrolling loaded rows: " + scrollingWorst.toMillis()
                + " ms)");
    }

    final AtomicLong slowestAnswer = new AtomicLong();
    Duration scrollingWorst = Duration.ZERO;

    /**
     * The slowest the JavaFX thread answers within {@code period} while the table scrolls a row at a
     * time over the first page (loaded: nothing is fetched).
     */
    static Duration answerWhileScrolling(TableView<ClientRow> table, Duration period) throws InterruptedException {
        long worst = 0;
        long end = System.nanoTime() + period.toNanos();
        for (int step = 0; System.nanoTime() < end; step++) {
            int row = step % 20;
            javafx.application.Platform.runLater(() -> table.scrollTo(row));
            long start = System.nanoTime();
            Fx.assertFxThreadAnswersWithin(Duration.ofSeconds(5));
            worst = Math.max(worst, System.nanoTime() - start);
            Thread.sleep(20);
        }
        return Duration.ofNanos(worst);
    }

    /**
     * Runs {@code action}, waits for {@code done}, and records how long that took, while a second
     * thread checks every 20 ms that the JavaFX thread answers within {@code limit} (no check if null).
     */
    void timed(String what, Runnable action, BooleanSupplier done, Duration limit) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> blocked = new AtomicReference<>();
        Thread prober = Thread.ofPlatform().name("fx-prober").start(() -> {
            while (limit != null && running.get() && blocked.get() == null) {
                long start = System.nanoTime();
                try {
                    Fx.assertFxThreadAnswersWithin(limit);
                    slowestAnswer.accumulateAndGet(System.nanoTime() - start, Math::max);
                    Thread.sleep(20);
                } catch (AssertionError | InterruptedException e) {
                    blocked.set(new AssertionError("during " + what + ": " + e.getMessage(), e));
                }
            }
        });
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long fxThread = call(() -> Thread.currentThread().threadId());
        long cpu = threads.getThreadCpuTime(fxThread);
        long start = System.nanoTime();
        action.run();
        Fx.waitFor(what, BOUND, done);
        long millis = (System.nanoTime() - start) / 1_000_000;
        fxCpu.put(what, (threads.getThreadCpuTime(fxThread) - cpu) / 1_000_000);
        running.set(false);
        prober.join();
        if (blocked.get() != null) {
            throw new AssertionError(blocked.get());
        }
        figures.put(what, millis);
    }

    /** Whether row {@code index} is on screen and every row on screen shows its client (no "…"). */
    static boolean shownRowsLoaded(FxRobot robot, TableView<ClientRow> table, int index) {
        return call(() -> {
            boolean indexShown = false;
            int shown = 0;
            for (TableRow<?> row : robot.from(table).lookup(".table-row-cell").<TableRow<?>>queryAll()) {
                if (!row.isVisible() || row.isEmpty() || !(row.getItem() instanceof ClientRow client)) {
                    continue;
                }
                if (client.summary() == null) {
                    return false;
                }
                indexShown |= row.getIndex() == index;
                shown++;
            }
            return indexShown && shown > 10;
        });
    }

    static String count(FxRobot robot) {
        return call(() -> robot.lookup("#clientCount").queryAs(Label.class).getText());
    }

    static <T> T call(Callable<T> work) {
        try {
            return WaitForAsyncUtils.asyncFx(work).get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
