package org.visorfleet.console.grid;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.visorfleet.console.Background;
import org.visorfleet.console.ConsoleView;
import org.visorfleet.console.Controls;
import org.visorfleet.console.Poller;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.ApiException;
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Listing;
import org.visorfleet.console.grid.GridRows.Agent;
import org.visorfleet.console.grid.GridRows.Job;
import org.visorfleet.console.grid.GridRows.Unit;

/**
 * The desktop grid: a {@link JobForm} to submit jobs, the jobs with progress bars (units decided of
 * all, and the state in words), the selected job's units (status, canonical result's exit status,
 * instructions and standard output), Cancel, and each client's credit as a bar chart. Fetched again
 * at once on {@code job.} and {@code grid.} events and every {@link #PERIOD} while the view is shown
 * (unit progress has no events of its own).
 *
 * <p>Node ids: those of the {@link JobForm}, {@code jobsTable}, {@code cancelJob}, {@code unitsTable},
 * {@code creditChart}, {@code gridStatus}.
 */
public final class GridView implements ConsoleView {

    /** How often jobs, units and credit are fetched while the view is shown. */
    public static final Duration PERIOD = Duration.ofSeconds(3);
    /** Units listed (and standard outputs previewed) for the selected job at most. */
    static final int UNITS_SHOWN = 200;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Workspace workspace;
    private final TableView<Job> jobs = new TableView<>();
    private final TableView<Unit> units = new TableView<>();
    private final BarChart<String, Number> credit = new BarChart<>(new CategoryAxis(), new NumberAxis());
    private final Button cancel = new Button("_Cancel job");
    private final Label status = new Label();
    private final VBox root = new VBox(10);
    private final Map<String, String> stdoutPreviews = new HashMap<>();
    private final Consumer<FleetEvent> listener = this::arrived;
    private Poller poller;

    public GridView(Workspace workspace) {
        this.workspace = workspace;
        JobForm form = new JobForm(workspace.session(), id -> refreshNow());
        buildJobs();
        buildUnits();
        credit.setId("creditChart");
        credit.setAccessibleText("Credit per client: instructions retired in valid results");
        credit.setTitle("Credit per client (instructions)");
        credit.setLegendVisible(false);
        credit.setAnimated(false);
        credit.getXAxis().setLabel("client");
        credit.getYAxis().setLabel("instructions");
        credit.setPrefHeight(220);
        cancel.setId("cancelJob");
        cancel.setAccessibleText("Cancel the selected job");
        cancel.setDisable(true);
        cancel.setOnAction(e -> cancelSelected());
        jobs.getSelectionModel().selectedItemProperty().addListener((p, was, now) -> {
            cancel.setDisable(now == null || !now.status().equals("running"));
            if (now != null) { // null while a refresh replaces the rows: the units stay until then
                loadUnits();
            }
        });
        status.setId("gridStatus");
        status.setAccessibleText("Grid status");

        Label title = new Label("Grid");
        title.getStyleClass().add("title");
        HBox jobBar = new HBox(12, cancel, status);
        jobBar.setAlignment(Pos.CENTER_LEFT);
        HBox tables = new HBox(10, jobs, units);
        HBox.setHgrow(jobs, Priority.ALWAYS);
        HBox.setHgrow(units, Priority.ALWAYS);
        VBox.setVgrow(tables, Priority.ALWAYS);
        root.getChildren().addAll(title, form.root(), tables, jobBar, credit);
        root.setPadding(new Insets(16));
        root.getStyleClass().add("grid-view");
    }

    @Override
    public String title() {
        return "Grid";
    }

    @Override
    public Parent root() {
        return root;
    }

    @Override
    public void start() {
        workspace.events().subscribe(listener);
        poller = Poller.every(PERIOD, "grid-poller", () -> {
            if (root.getScene() != null) { // only while shown
                refreshNow();
            }
        });
    }

    @Override
    public void stop() {
        workspace.events().unsubscribe(listener);
        if (poller != null) {
            poller.stop();
        }
    }

    private void buildJobs() {
        jobs.setId("jobsTable");
        jobs.setAccessibleText("Grid jobs, newest first");
        jobs.setPlaceholder(new Label("No jobs"));
        TableColumn<Job, Job> progress = new TableColumn<>("Progress");
        progress.setCellValueFactory(cell -> new ReadOnlyObjectWrapper<>(cell.getValue()));
        progress.setCellFactory(column -> new ProgressCell());
        progress.setPrefWidth(170);
        jobs.getColumns()
                .setAll(List.of(
                        Controls.textColumn("Job", 50, j -> Long.toString(j.id())),
                        Controls.textColumn("Name", 110, Job::name),
                        Controls.textColumn("State", 130, Job::statusText)));
        jobs.getColumns().add(progress);
        jobs.getColumns()
                .addAll(List.of(
                        Controls.textColumn("Submitted by", 110, Job::submittedBy),
                        Controls.textColumn(
                                "Submitted", 150, j -> TIME.format(Instant.ofEpochMilli(j.submittedAt())))));
    }

    private void buildUnits() {
        units.setId("unitsTable");
        units.setAccessibleText("Units of the selected job");
        units.setPlaceholder(new Label("Select a job to see its units"));
        units.getColumns()
                .setAll(List.of(
                        Controls.textColumn("Unit", 45, u -> Integer.toString(u.index())),
                        Controls.textColumn("Status", 90, GridView::unitStatus),
                        Controls.textColumn(
                                "Exit",
                                45,
                                u -> u.canonical() == null || u.canonical().exitStatus() == null
                                        ? ""
                                        : u.canonical().exitStatus().toString()),
                        Controls.textColumn(
                                "Instructions",
                                95,
                                u -> u.canonical() == null || u.canonical().instructions() == null
                                        ? ""
                                        : u.canonical().instructions().toString()),
                        Controls.textColumn(
                                "Standard output", 220, u -> stdoutPreviews.getOrDefault(previewKey(u), "")),
                        Controls.textColumn(
                                "Result",
                                110,
                                u -> u.canonicalSha256() == null
                                        ? (u.failure() == null ? "" : u.failure())
                                        : u.canonicalSha256().substring(0, 12))));
    }

    private static String unitStatus(Unit unit) {
        return switch (unit.status()) {
            case "valid" -> "✔ valid";
            case "failed" -> "✖ failed";
            case "open" -> "… open";
            case "cancelled" -> "✖ cancelled";
            default -> unit.status();
        };
    }

    /** A progress bar with "decided/total" on it, so the number reads without the bar. */
    private static final class ProgressCell extends TableCell<Job, Job> {
        private final ProgressBar bar = new ProgressBar();
        private final Label text = new Label();
        private final StackPane pane = new StackPane(bar, text);

        ProgressCell() {
            bar.setMaxWidth(Double.MAX_VALUE);
            bar.getStyleClass().add("job-progress");
        }

        @Override
        protected void updateItem(Job job, boolean empty) {
            super.updateItem(job, empty);
            if (empty || job == null) {
                setGraphic(null);
                return;
            }
            int decided = job.unitsValid() + job.unitsFailed();
            bar.setProgress(job.progress());
            text.setText(decided + "/" + job.unitsTotal() + " units");
            bar.setAccessibleText(decided + " of " + job.unitsTotal() + " units decided");
            setGraphic(pane);
        }
    }

    private void arrived(FleetEvent event) {
        if (event.type().startsWith("job.") || event.type().startsWith("grid.")) {
            refreshNow();
        }
    }

    private void refreshNow() {
        Background.run(
                () -> Listing.items(workspace.session().get("/api/v1/jobs"), Job.class), this::showJobs, this::failed);
        Background.run(
                () -> Listing.items(workspace.session().get("/api/v1/grid/agents"), Agent.class),
                this::showCredit,
                this::failed);
    }

    private void showJobs(List<Job> fresh) {
        status.setText(fresh.size() + " job(s); updated "
                + DateTimeFormatter.ofPattern("HH:mm:ss").format(java.time.LocalTime.now()));
        if (jobs.getItems().equals(fresh)) {
            return;
        }
        if (fresh.isEmpty()) {
            units.getItems().clear();
        }
        Job selected = jobs.getSelectionModel().getSelectedItem();
        jobs.getItems().setAll(fresh);
        if (selected != null) {
            fresh.stream().filter(j -> j.id() == selected.id()).findFirst().ifPresent(j -> jobs.getSelectionModel()
                    .select(j));
        } else {
            jobs.getSelectionModel().selectFirst();
        }
    }

    private void showCredit(List<Agent> agents) {
        XYChart.Series<String, Number> series = new XYChart.Series<>();
        series.setName("credit");
        for (Agent agent : agents) {
            series.getData()
                    .add(new XYChart.Data<>(agent.name() + (agent.flagged() ? " ⚑ flagged" : ""), agent.credit()));
        }
        credit.getData().setAll(List.of(series));
    }

    private void loadUnits() {
        Job job = jobs.getSelectionModel().getSelectedItem();
        if (job == null) {
            units.getItems().clear();
            return;
        }
        String path = "/api/v1/jobs/" + job.id() + "/units?limit=" + UNITS_SHOWN;
        Set<String> known = Set.copyOf(stdoutPreviews.keySet());
        Background.run(
                () -> {
                    List<Unit> fresh = Listing.items(workspace.session().get(path), Unit.class);
                    return new UnitsWithPreviews(fresh, fetchPreviews(job.id(), fresh, known));
                },
                loaded -> {
                    Job now = jobs.getSelectionModel().getSelectedItem();
                    if (now == null || now.id() != job.id()) {
                        return;
                    }
                    if (stdoutPreviews.size() > 10_000) {
                        stdoutPreviews.clear(); // a bound; the shown units' previews are fetched again
                    }
                    stdoutPreviews.putAll(loaded.previews());
                    if (!loaded.previews().isEmpty() || !units.getItems().equals(loaded.units())) {
                        units.getItems().setAll(loaded.units());
                    }
                },
                this::failed);
    }

    private record UnitsWithPreviews(List<Unit> units, Map<String, String> previews) {}

    /** Standard output of valid units not in {@code known} (a canonical result never changes). Blocking. */
    private Map<String, String> fetchPreviews(long jobId, List<Unit> fresh, Set<String> known) throws Exception {
        Map<String, String> previews = new HashMap<>();
        for (Unit unit : fresh) {
            String key = previewKey(unit);
            if (key == null || known.contains(key) || previews.containsKey(key)) {
                continue;
            }
            try {
                byte[] out = workspace
                        .session()
                        .getBytes("/api/v1/jobs/" + jobId + "/units/" + unit.index() + "/files/stdout");
                previews.put(key, GridRows.preview(new String(out, StandardCharsets.UTF_8), 120));
            } catch (ApiException e) {
                previews.put(key, e.status() == 404 ? "(none)" : "⚠ " + e.getMessage());
            }
        }
        return previews;
    }

    /** Previews are kept by canonical result (the same result has the same output); null without one. */
    private static String previewKey(Unit unit) {
        return unit.canonicalSha256();
    }

    private void cancelSelected() {
        Job job = jobs.getSelectionModel().getSelectedItem();
        if (job == null) {
            return;
        }
        cancel.setDisable(true);
        Background.run(
                () -> workspace.session().send("DELETE", "/api/v1/jobs/" + job.id(), null),
                done -> {
                    status.setText("Job " + job.id() + " cancelled.");
                    refreshNow();
                },
                failure -> {
                    cancel.setDisable(false);
                    failed(failure);
                });
    }

    private void failed(Exception failure) {
        status.setText("⚠ " + failure.getMessage());
    }
}
