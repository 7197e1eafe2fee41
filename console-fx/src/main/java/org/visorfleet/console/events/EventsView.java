package org.visorfleet.console.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import org.visorfleet.console.Background;
import org.visorfleet.console.ConsoleView;
import org.visorfleet.console.Controls;
import org.visorfleet.console.Workspace;
import org.visorfleet.console.api.ApiException;
import org.visorfleet.console.api.EventFeed;
import org.visorfleet.console.api.FleetEvent;

/**
 * The server's event and audit log, newest first: the newest page from {@code GET /api/v1/events},
 * live events from the {@link Workspace#events() stream} added on top, and older pages on demand.
 * An {@link EventFilter} (type prefix, client, actor: on Enter or Apply; free text: as you type)
 * applies to pages and live events alike. At most {@link #MAX_ROWS} events are kept in memory; the
 * oldest go first when live events push them out (Load older fetches them again).
 *
 * <p>Node ids: {@code eventsTable}, {@code eventType}, {@code eventClient}, {@code eventActor},
 * {@code eventFilter} (free text), {@code applyFilter}, {@code loadOlder}, {@code eventsStatus}.
 */
public final class EventsView implements ConsoleView {

    /** Events kept in memory at most. */
    public static final int MAX_ROWS = 10_000;
    /** Events fetched per page. */
    public static final int PAGE = 200;

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Workspace workspace;
    private final int pageSize;
    private final Consumer<FleetEvent> listener = this::arrived;
    /** The stream delivers only what happens after it went live: what came before is fetched. */
    private final ChangeListener<EventFeed.State> streamState = (property, was, now) -> {
        if (now == EventFeed.State.LIVE) {
            fillGap();
        }
    };

    private final ObservableList<FleetEvent> loaded = FXCollections.observableArrayList();
    private final FilteredList<FleetEvent> shown = new FilteredList<>(loaded);
    private final Set<Long> ids = new HashSet<>();
    private final TableView<FleetEvent> table = new TableView<>(shown);
    private final TextField type = new TextField();
    private final TextField client = new TextField();
    private final TextField actor = new TextField();
    private final TextField text = new TextField();
    private final Button apply = new Button("_Apply");
    private final Button loadOlder = new Button("Load _older");
    private final Label status = new Label();
    private final BorderPane root = new BorderPane();
    private EventFilter filter = EventFilter.NONE;
    private long generation;
    private boolean more;
    private boolean loading;

    /** A view of the log of {@code workspace}'s server, {@link #PAGE} events per page. */
    public EventsView(Workspace workspace) {
        this(workspace, PAGE);
    }

    /** A view that fetches {@code pageSize} (1..1000) events per page. */
    public EventsView(Workspace workspace, int pageSize) {
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("page size must be 1..1000, got " + pageSize);
        }
        this.workspace = workspace;
        this.pageSize = pageSize;
        buildTable();
        field(type, "eventType", "Type prefix, e.g. client. or job.done");
        field(client, "eventClient", "Client name (exact)");
        field(actor, "eventActor", "Actor (exact), e.g. user:admin");
        field(text, "eventFilter", "Words to find in any column");
        for (TextField serverSide : List.of(type, client, actor)) {
            serverSide.setOnAction(e -> applyFilter());
        }
        text.textProperty().addListener((property, was, now) -> {
            filter = filter.withText(now);
            refilter();
        });
        apply.setId("applyFilter");
        apply.setAccessibleText("Apply the type, client and actor filter");
        apply.setOnAction(e -> applyFilter());
        loadOlder.setId("loadOlder");
        loadOlder.setAccessibleText("Load the next page of older events");
        loadOlder.setOnAction(e -> loadOlder());
        loadOlder.setDisable(true);
        status.setId("eventsStatus");
        status.setAccessibleText("Events status");

        FlowPane filters = new FlowPane(
                8,
                8,
                labelled("_Type", type),
                labelled("_Client", client),
                labelled("Ac_tor", actor),
                labelled("_Find", text),
                apply);
        HBox bottom = new HBox(12, loadOlder, status);
        bottom.setAlignment(Pos.CENTER_LEFT);
        Label title = new Label("Events");
        title.getStyleClass().add("title");
        root.setTop(new VBox(8, title, filters));
        root.setCenter(table);
        root.setBottom(bottom);
        BorderPane.setMargin(table, new Insets(8, 0, 8, 0));
        root.setPadding(new Insets(16));
        root.getStyleClass().add("events-view");
    }

    @Override
    public String title() {
        return "Events";
    }

    @Override
    public Parent root() {
        return root;
    }

    /** Loads the newest page and follows the live events. */
    @Override
    public void start() {
        workspace.events().subscribe(listener);
        workspace.events().stateProperty().addListener(streamState);
        reload();
    }

    @Override
    public void stop() {
        workspace.events().unsubscribe(listener);
        workspace.events().stateProperty().removeListener(streamState);
        generation++;
    }

    /** The filter in force (the free text as typed, the rest as last applied). */
    public EventFilter filter() {
        return filter;
    }

    private void buildTable() {
        table.setId("eventsTable");
        table.setAccessibleText("Events, newest first");
        table.setPlaceholder(new Label("No events"));
        table.getColumns()
                .setAll(List.of(
                        Controls.textColumn("Time", 165, e -> TIME.format(e.instant())),
                        Controls.textColumn("Type", 150, FleetEvent::type),
                        Controls.textColumn("Actor", 130, FleetEvent::actor),
                        Controls.textColumn("Client", 110, FleetEvent::client),
                        Controls.textColumn("Detail", 400, FleetEvent::detail),
                        Controls.textColumn("Server", 110, FleetEvent::server)));
        table.getColumns().forEach(column -> column.setSortable(false)); // newest first, as the log is paged
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
    }

    private static void field(TextField field, String id, String accessible) {
        field.setId(id);
        field.setAccessibleText(accessible);
        field.setPromptText(accessible);
        field.setPrefColumnCount(12);
    }

    private static Node labelled(String mnemonic, TextField target) {
        HBox box = new HBox(4, Controls.mnemonicLabel(mnemonic, target), target);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    private void applyFilter() {
        filter = new EventFilter(type.getText(), client.getText(), actor.getText(), text.getText());
        refilter();
        reload();
    }

    private void refilter() {
        EventFilter now = filter;
        shown.setPredicate(now::matches);
        showStatus();
    }

    /** Drops what is loaded and fetches the newest page for the current filter. */
    private void reload() {
        generation++;
        loaded.clear();
        ids.clear();
        more = false;
        fetch("");
    }

    private void loadOlder() {
        if (loaded.isEmpty()) {
            reload();
        } else {
            fetch("before=" + loaded.getLast().id() + "&");
        }
    }

    private void fetch(String cursor) {
        long asked = generation;
        String path = "/api/v1/events?" + filter.serverQuery() + cursor + "limit=" + pageSize;
        loading = true;
        loadOlder.setDisable(true);
        status.setText("Loading…");
        Background.run(
                () -> workspace.session().get(path), page -> received(asked, page, cursor.isEmpty()), failure -> {
                    if (asked == generation) {
                        loading = false;
                        loadOlder.setDisable(loaded.isEmpty() && !more);
                        status.setText("Could not load events: " + failure.getMessage());
                    }
                });
    }

    private void received(long asked, JsonNode page, boolean newest) {
        if (asked != generation) {
            return; // the filter changed while this page was on its way
        }
        loading = false;
        List<FleetEvent> fresh = new ArrayList<>();
        try {
            for (JsonNode item : page.path("items")) {
                FleetEvent event = FleetEvent.parse(item.toString());
                if (ids.add(event.id())) {
                    fresh.add(event);
                }
            }
        } catch (ApiException e) {
            status.setText("The server sent an event the console cannot read: " + e.getMessage());
            return;
        }
        more = page.hasNonNull("next");
        List<FleetEvent> merged = new ArrayList<>(loaded);
        merged.addAll(fresh);
        merged.sort(Comparator.comparingLong(FleetEvent::id).reversed());
        while (merged.size() > MAX_ROWS) {
            ids.remove(merged.removeFirst().id()); // older pages were asked for: the newest make room
        }
        loaded.setAll(merged);
        loadOlder.setDisable(!more);
        showStatus();
        if (newest) {
            fillGap(); // events recorded after this page and before the stream went live
        }
    }

    /**
     * Fetches the events after the newest one loaded (oldest first), so nothing is missing between a
     * page and the live stream, or while the stream was reconnecting.
     */
    private void fillGap() {
        if (loaded.isEmpty()) {
            return; // the newest page is on its way and fills the gap when it arrives
        }
        long asked = generation;
        String path = "/api/v1/events?" + filter.serverQuery() + "order=asc&after="
                + loaded.getFirst().id() + "&limit=1000";
        Background.run(() -> workspace.session().get(path), page -> filled(asked, page), failure -> {});
    }

    private void filled(long asked, JsonNode page) {
        if (asked != generation) {
            return;
        }
        try {
            for (JsonNode item : page.path("items")) {
                arrived(FleetEvent.parse(item.toString()));
            }
        } catch (ApiException e) {
            status.setText("The server sent an event the console cannot read: " + e.getMessage());
            return;
        }
        if (page.hasNonNull("next")) {
            fillGap();
        }
    }

    private void arrived(FleetEvent event) {
        if (!filter.withText("").matches(event) || !ids.add(event.id())) {
            return;
        }
        int at = 0;
        while (at < loaded.size() && loaded.get(at).id() > event.id()) {
            at++;
        }
        loaded.add(at, event);
        if (loaded.size() > MAX_ROWS) {
            ids.remove(loaded.removeLast().id());
            more = true;
            loadOlder.setDisable(loading);
        }
        showStatus();
    }

    private void showStatus() {
        if (loading) {
            return;
        }
        String count = shown.size() == loaded.size()
                ? loaded.size() + " events"
                : shown.size() + " of " + loaded.size() + " loaded events match";
        status.setText(count + (more ? "; older events on the server" : "; all loaded"));
    }
}
