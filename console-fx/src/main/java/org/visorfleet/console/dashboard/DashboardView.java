package org.visorfleet.console.dashboard;

import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.Map;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.VBox;
import org.visorfleet.console.Background;
import org.visorfleet.console.ConsoleView;
import org.visorfleet.console.api.ClientStatus;
import org.visorfleet.console.api.Session;

/**
 * The fleet at a glance: how many clients are online, unreachable, offline, revoked and enrolled
 * (never connected), each as a number with words (colour only repeats what the words say). Refreshed
 * every {@link #PERIOD} on a background thread and by the Refresh button.
 *
 * <p>Node ids: {@code count-online}, {@code count-unreachable}, ... (one per {@link ClientStatus}),
 * {@code refresh}, {@code dashboardStatus}.
 */
public final class DashboardView implements ConsoleView {

    /** How often the counts are fetched again. */
    public static final Duration PERIOD = Duration.ofSeconds(5);

    private final Session session;
    private final Map<ClientStatus, Label> counts = new EnumMap<>(ClientStatus.class);
    private final Label status = new Label();
    private final Button refresh = new Button("_Refresh");
    private final VBox root = new VBox(16);
    private Thread poller;

    public DashboardView(Session session) {
        this.session = session;
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
        refresh.setOnAction(e -> refreshNow());
        Label title = new Label("Clients of " + session.address());
        title.getStyleClass().add("title");
        root.setPadding(new Insets(24));
        root.getStyleClass().add("dashboard-view");
        root.getChildren().addAll(title, tiles, refresh, status);
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
        poller = Thread.ofVirtual().name("dashboard-poller").start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Platform.runLater(this::refreshNow);
                    Thread.sleep(PERIOD);
                }
            } catch (InterruptedException e) {
                // stop() was called: the view is gone.
            }
        });
    }

    /** Stops the periodic refresh. */
    @Override
    public void stop() {
        if (poller != null) {
            poller.interrupt();
        }
    }

    private void refreshNow() {
        refresh.setDisable(true);
        Background.run(session::clientCounts, this::show, failure -> {
            refresh.setDisable(false);
            status.setText("Could not refresh: " + failure.getMessage());
        });
    }

    private void show(Map<ClientStatus, Integer> fresh) {
        refresh.setDisable(false);
        fresh.forEach((clientStatus, n) -> {
            Label label = counts.get(clientStatus);
            label.setText(n + " " + clientStatus.apiName());
            label.setAccessibleText(n + " clients " + clientStatus.apiName());
        });
        status.setText("Updated " + LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")));
    }
}
