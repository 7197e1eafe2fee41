package org.visorfleet.console.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import org.visorfleet.console.Background;
import org.visorfleet.console.LiveEvents;
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Session;

/**
 * The dashboard's recent alerts: the newest {@link #SHOWN} events of the {@link #TYPES} that need a
 * technician's eye, fetched from the event log and kept current from the live events. Each row starts
 * with ⚠ and names the type, so it reads without colour.
 *
 * <p>Node id: {@code alerts}.
 */
final class AlertsPane {

    /** How many alerts are shown. */
    static final int SHOWN = 10;

    /**
     * Alert-worthy event types: a client the server lost, refused or revoked; a grid agent caught
     * disagreeing with the quorum, a unit that failed, a result refused; failed or throttled sign-ins
     * (console and SSH).
     */
    static final Set<String> TYPES = Set.of(
            "client.unreachable",
            "client.revoked",
            "client.refused",
            "grid.agent-flagged",
            "grid.unit-failed",
            "grid.result-refused",
            "user.login-failed",
            "user.login-throttled",
            "ssh.login-failed");

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Session session;
    private final LiveEvents events;
    private final ListView<FleetEvent> list = new ListView<>();
    private final Consumer<FleetEvent> listener = this::arrived;

    AlertsPane(Session session, LiveEvents events) {
        this.session = session;
        this.events = events;
        list.setId("alerts");
        list.setAccessibleText("Recent alerts, newest first");
        list.setPlaceholder(new javafx.scene.control.Label("No alerts"));
        list.setPrefHeight(200);
        list.setCellFactory(view -> new ListCell<>() {
            @Override
            protected void updateItem(FleetEvent event, boolean empty) {
                super.updateItem(event, empty);
                setText(empty || event == null ? null : describe(event));
            }
        });
        list.getStyleClass().add("alerts");
    }

    ListView<FleetEvent> node() {
        return list;
    }

    static String describe(FleetEvent event) {
        return "⚠ " + TIME.format(event.instant()) + "  " + event.type()
                + (event.client() == null ? "" : "  " + event.client()) + "  " + event.detail();
    }

    /** Follows the live events and fetches the newest alerts. */
    void start() {
        events.subscribe(listener);
        reload();
    }

    void stop() {
        events.unsubscribe(listener);
    }

    /** Fetches the newest alerts of every type again (one small query per type). */
    void reload() {
        Background.run(this::fetch, this::merge, failure -> {});
    }

    private List<FleetEvent> fetch() throws Exception {
        List<FleetEvent> found = new ArrayList<>();
        for (String type : TYPES) {
            JsonNode page = session.get("/api/v1/events?type=" + type + "&limit=" + SHOWN);
            for (JsonNode item : page.path("items")) {
                found.add(FleetEvent.parse(item.toString()));
            }
        }
        return found;
    }

    private void arrived(FleetEvent event) {
        if (TYPES.contains(event.type())) {
            merge(List.of(event));
        }
    }

    private void merge(List<FleetEvent> fresh) {
        List<FleetEvent> all = new ArrayList<>(list.getItems());
        for (FleetEvent event : fresh) {
            if (all.stream().noneMatch(e -> e.id() == event.id())) {
                all.add(event);
            }
        }
        all.sort(Comparator.comparingLong(FleetEvent::id).reversed());
        list.getItems().setAll(all.subList(0, Math.min(SHOWN, all.size())));
    }
}
