package org.visorfleet.console.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.visorfleet.console.Background;
import org.visorfleet.console.ConsoleView;
import org.visorfleet.console.LiveEvents;
import org.visorfleet.console.Poller;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.ClientStatus;
import org.visorfleet.console.api.Session;

/**
 * The fleet at a glance: how many clients are online, unreachable, offline, revoked and enrolled
 * (never connected), each as a number with words (colour only repeats what the words say); the recent
 * alerts ({@link AlertsPane}); a chart of the clients online over the last hour (sampled at each
 * refresh, kept in memory) and one of grid throughput (units decided per minute, from the jobs'
 * counts). Refreshed every {@link #PERIOD} on a background thread and by the Refresh button.
 *
 * <p>Node ids: {@code count-online}, {@code count-unreachable}, ... (one per {@link ClientStatus}),
 * {@code refresh}, {@code dashboardStatus}, {@code alerts}, {@code onlineChart}, {@code throughputChart}.
 */
public final class DashboardView implements ConsoleView {

    /** How often the counts are fetched again. */
    public static final Duration PERIOD = Duration.ofSeconds(5);

    /** How much history the charts keep. */
    static final Duration HISTORY = Duration.ofHours(1);

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneId.systemDefault());

    private final Session session;
    private final Duration period;
    private final AlertsPane alerts;
    private final TimeSeries online = new TimeSeries(HISTORY);
    private final Throughput throughput = new Throughput(HISTORY);
    private final LineChart<Number, Number> onlineChart = chart("onlineChart", "Clients online", "clients");
    private final LineChart<Number, Number> throughputChart =
            chart("throughputChart", "Grid throughput", "units per minute");
    private final Map<ClientStatus, Label> counts = new EnumMap<>(ClientStatus.class);
    private final Label status = new Label();
    private final Button refresh = new Button("_Refresh");
    private final VBox root = new VBox(16);
    private Poller poller;

    /** A dashboard without live events (alerts are fetched at start and on Refresh only). */
    public DashboardView(Session session) {
        this(session, LiveEvents.none(), PERIOD);
    }

    /** The dashboard of {@code workspace}'s server, alerts kept current from its live events. */
    public DashboardView(Workspace workspace) {
        this(workspace.session(), workspace.events(), PERIOD);
    }

    /** A dashboard refreshed every {@code period}. */
    public DashboardView(Workspace workspace, Duration period) {
        this(workspace.session(), workspace.events(), period);
    }

    private DashboardView(Session session, LiveEvents events, Duration period) {
        this.session = session;
        this.period = period;
        this.alerts = new AlertsPane(session, events);
        FlowPane tiles = new FlowPane(12, 12);
        for (ClientStatus clientStatus : ClientStatus.values()) {
            Label count = new Label("… " + clientStatus.apiName());
            count.setId("count-" + clientStatus.apiName());
            count.getStyleClass().addAll("count", "count-" + clientStatus.apiName());
            count.setFocusTraversable(true);
            counts.put(clientStatus, count);
            tiles.getChildren().add(count);
        }
        status.setId("dashboardStatus");
        status.setAccessibleText("Dashboard status");
        refresh.setId("refresh");
        refresh.setAccessibleText("Refresh the counts now");
        refresh.setOnAction(e -> {
            refreshNow();
            alerts.reload();
        });
        Label title = new Label("Clients of " + session.address());
        title.getStyleClass().add("title");
        root.setPadding(new Insets(24));
        root.getStyleClass().add("dashboard-view");
        Label alertsTitle = new Label("Recent _alerts");
        alertsTitle.setMnemonicParsing(true);
        alertsTitle.setLabelFor(alerts.node());
        HBox charts = new HBox(12, onlineChart, throughputChart);
        HBox.setHgrow(onlineChart, Priority.ALWAYS);
        HBox.setHgrow(throughputChart, Priority.ALWAYS);
        root.getChildren().addAll(title, tiles, refresh, status, alertsTitle, alerts.node(), charts);
    }

    private static LineChart<Number, Number> chart(String id, String title, String unit) {
        NumberAxis time = new NumberAxis();
        time.setForceZeroInRange(false);
        time.setLabel("time");
        time.setTickLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Number epochSecond) {
                return CLOCK.format(Instant.ofEpochSecond(epochSecond.longValue()));
            }

            @Override
            public Number fromString(String text) {
                throw new UnsupportedOperationException("the time axis is not edited");
            }
        });
        NumberAxis value = new NumberAxis();
        value.setLabel(unit);
        value.setMinorTickVisible(false);
        LineChart<Number, Number> chart = new LineChart<>(time, value);
        chart.setId(id);
        chart.setTitle(title);
        chart.setAccessibleText(title + " over the last hour");
        chart.setAnimated(false);
        chart.setLegendVisible(false);
        chart.setCreateSymbols(true);
        chart.setPrefHeight(240);
        chart.getData().add(new XYChart.Series<>());
        return chart;
    }

    private static void plot(LineChart<Number, Number> chart, java.util.List<TimeSeries.Point> points) {
        java.util.List<XYChart.Data<Number, Number>> data = new java.util.ArrayList<>();
        for (TimeSeries.Point p : points) {
            data.add(new XYChart.Data<>(p.epochSecond(), p.value()));
        }
        chart.getData().getFirst().getData().setAll(data);
        // A fixed window ending now (at least five minutes), so one sample does not stretch the axis.
        long now = Instant.now().getEpochSecond();
        long first = points.isEmpty() ? now : points.getFirst().epochSecond();
        long span = Math.max(300, now - first);
        NumberAxis time = (NumberAxis) chart.getXAxis();
        time.setAutoRanging(false);
        time.setLowerBound(now - span);
        time.setUpperBound(now + span / 20);
        time.setTickUnit(span / 5.0);
    }

    @Override
    public String title() {
        return "Dashboard";
    }

    @Override
    public Parent root() {
        return root;
    }

    /** Starts fetching the counts now and every {@link #PERIOD}; call {@link #stop} when leaving the view. */
    @Override
    public void start() {
        alerts.start();
        poller = Poller.every(period, "dashboard-poller", this::refreshNow);
    }

    /** Stops the periodic refresh. */
    @Override
    public void stop() {
        alerts.stop();
        if (poller != null) {
            poller.stop();
        }
    }

    private void refreshNow() {
        refresh.setDisable(true);
        Background.run(session::clientCounts, this::show, failure -> {
            refresh.setDisable(false);
            status.setText("Could not refresh: " + failure.getMessage());
        });
        Background.run(this::unitsDecided, this::showThroughput, failure -> {});
    }

    /** Units decided so far, summed over the jobs the server lists. Blocking. */
    private long unitsDecided() throws Exception {
        long total = 0;
        for (JsonNode job : session.get("/api/v1/jobs").path("items")) {
            total += job.path("unitsValid").asLong() + job.path("unitsFailed").asLong();
        }
        return total;
    }

    private void showThroughput(long decided) {
        throughput.sample(Instant.now(), decided);
        plot(throughputChart, throughput.perMinute());
    }

    private void show(Map<ClientStatus, Integer> fresh) {
        refresh.setDisable(false);
        fresh.forEach((clientStatus, n) -> {
            Label label = counts.get(clientStatus);
            label.setText(n + " " + clientStatus.apiName());
            label.setAccessibleText(n + " clients " + clientStatus.apiName());
        });
        online.add(Instant.now(), fresh.getOrDefault(ClientStatus.ONLINE, 0));
        plot(onlineChart, online.points());
        status.setText("Updated " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")));
    }
}
