package org.visorfleet.console.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.visorfleet.console.Background;
import org.visorfleet.console.Controls;
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Session;

/**
 * One client in full: everything {@code GET /api/v1/clients/{name}} tells (identity, status,
 * certificate, the inventory the agent last reported), its recent events (new ones are added as
 * they happen), its command history with results, the action buttons and a Terminal button. Back
 * (or Escape) returns to the list.
 *
 * <p>Node ids: {@code detailTitle}, {@code closeDetail}, {@code openTerminal}, {@code inventory},
 * {@code clientEvents}, {@code commandHistory}, {@code detailStatus}, and the action buttons {@code
 * detail-run}, {@code detail-reboot}, ... (see {@link ClientActions}).
 */
final class ClientDetailView {

    /** One line of the inventory: what and its value. */
    record Fact(String name, String value) {}

    private static final DateTimeFormatter CLOCK =
            DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private final Session session;
    private final String name;
    private final Label title = new Label();
    private final Label status = new Label();
    private final TableView<Fact> inventory = new TableView<>();
    private final ListView<FleetEvent> events = new ListView<>();
    private final TableView<JsonNode> commands = new TableView<>();
    private final Button back = new Button("← Back (Esc)");
    private final VBox root;

    /**
     * @param session the signed-in session
     * @param name the client to show
     * @param results where actions from this view go
     * @param terminal opens a terminal; the Terminal button is disabled for {@link TerminalOpener#NONE}
     * @param onClose called when the user goes back to the list
     */
    ClientDetailView(Session session, String name, ActionResults results, TerminalOpener terminal, Runnable onClose) {
        this.session = session;
        this.name = name;

        title.setId("detailTitle");
        title.getStyleClass().add("title");
        title.setText(name);
        back.setId("closeDetail");
        back.setAccessibleText("Back to the list of clients");
        back.setCancelButton(true); // Escape; no mnemonic: B belongs to Reboot
        back.setMnemonicParsing(false);
        back.setOnAction(e -> onClose.run());
        Button openTerminal = new Button("_Terminal");
        openTerminal.setId("openTerminal");
        openTerminal.setAccessibleText("Open a terminal on " + name);
        openTerminal.setDisable(terminal == TerminalOpener.NONE);
        openTerminal.setOnAction(e -> terminal.open(name));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        ClientActions actions =
                new ClientActions("detail", () -> List.of(name), new SimpleBooleanProperty(false), results);
        HBox header = new HBox(12, back, title, spacer, openTerminal);
        header.setAlignment(Pos.CENTER_LEFT);
        buildLists();
        status.setId("detailStatus");
        status.setAccessibleText("Detail status");

        VBox history = new VBox(
                4,
                Controls.mnemonicLabel("Recent _events", events),
                events,
                Controls.mnemonicLabel("_Command history", commands),
                commands);
        VBox.setVgrow(events, Priority.ALWAYS);
        VBox.setVgrow(commands, Priority.ALWAYS);
        VBox facts = new VBox(4, Controls.mnemonicLabel("_Inventory", inventory), inventory);
        VBox.setVgrow(inventory, Priority.ALWAYS);
        SplitPane split = new SplitPane(facts, history);
        split.setDividerPositions(0.45);
        root = new VBox(8, header, actions.root(), split, status);
        VBox.setVgrow(split, Priority.ALWAYS);
        root.setPadding(new Insets(8));
        root.getStyleClass().add("client-detail");
    }

    /** The inventory table, the events list and the command history table. */
    private void buildLists() {
        inventory.setId("inventory");
        inventory.setAccessibleText("Inventory of " + name);
        inventory.getColumns().add(factColumn("Property", 170, Fact::name));
        inventory.getColumns().add(factColumn("Value", 300, Fact::value));
        inventory.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_LAST_COLUMN);
        inventory.setPlaceholder(new Label("…"));

        events.setId("clientEvents");
        events.setAccessibleText("Recent events of " + name);
        events.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(FleetEvent event, boolean empty) {
                super.updateItem(event, empty);
                setText(empty || event == null ? null : describe(event));
            }
        });
        events.setPlaceholder(new Label("No events yet."));

        commands.setId("commandHistory");
        commands.setAccessibleText("Commands sent to " + name);
        commands.getColumns().add(commandColumn("Id", 50, c -> c.path("id").asText()));
        commands.getColumns()
                .add(commandColumn("Action", 80, c -> c.path("action").asText()));
        commands.getColumns()
                .add(commandColumn("State", 80, c -> c.path("status").asText()));
        commands.getColumns()
                .add(commandColumn("Exit code", 70, c -> c.path("exitCode").asText("")));
        commands.getColumns()
                .add(commandColumn("Created", 120, c -> time(c.path("createdAt").asLong())));
        commands.getColumns()
                .add(commandColumn("By", 80, c -> c.path("createdBy").asText("")));
        commands.getColumns().add(commandColumn("Output", 200, CommandResult::outputOf));
        commands.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_LAST_COLUMN);
        commands.setPlaceholder(new Label("No commands yet."));
    }

    private static TableColumn<Fact, String> factColumn(
            String title, double width, java.util.function.Function<Fact, String> value) {
        TableColumn<Fact, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    private static TableColumn<JsonNode, String> commandColumn(
            String title, double width, java.util.function.Function<JsonNode, String> value) {
        TableColumn<JsonNode, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())));
        column.setPrefWidth(width);
        return column;
    }

    Parent root() {
        return root;
    }

    /** The client shown. */
    String name() {
        return name;
    }

    /** Focuses the inventory, so the keyboard starts in the view. */
    void focus() {
        inventory.requestFocus();
    }

    /** Fetches the client, its events and its commands. */
    void load() {
        loadClient();
        Background.run(
                () -> {
                    JsonNode reply = session.get("/api/v1/events?limit=100&client=" + ClientFilter.encode(name));
                    List<FleetEvent> items = new ArrayList<>();
                    for (JsonNode item : reply.path("items")) {
                        items.add(FleetEvent.parse(item.toString()));
                    }
                    return items;
                },
                items -> events.getItems().setAll(items),
                this::failed);
        loadCommands();
    }

    /** Adds an event about this client; reloads what it may have changed. */
    void onEvent(FleetEvent event) {
        if (!name.equals(event.client())) {
            return;
        }
        events.getItems().addFirst(event);
        if (event.type().startsWith("command.")) {
            loadCommands();
        } else if (event.type().startsWith("client.")) {
            loadClient();
        }
    }

    private void loadClient() {
        Background.run(
                () -> session.get("/api/v1/clients/" + ClientFilter.encode(name)), this::showClient, this::failed);
    }

    private void loadCommands() {
        Background.run(
                () -> session.get("/api/v1/clients/" + ClientFilter.encode(name) + "/commands"),
                reply -> {
                    List<JsonNode> items = new ArrayList<>();
                    reply.path("items").forEach(items::add);
                    items.sort((a, b) ->
                            Long.compare(b.path("id").asLong(), a.path("id").asLong()));
                    commands.getItems().setAll(items);
                },
                this::failed);
    }

    private void failed(Exception failure) {
        status.setText("Could not load " + name + ": " + failure.getMessage());
    }

    private void showClient(JsonNode client) {
        String state = client.path("status").asText();
        title.setText(name + "  " + StatusText.of(state));
        title.getStyleClass().removeIf(style -> style.startsWith("status-"));
        title.getStyleClass().add(StatusText.styleClass(state));
        inventory.getItems().setAll(facts(client));
        status.setText("");
    }

    /** The client's fields in reading order, then its inventory flattened to dotted names. */
    static List<Fact> facts(JsonNode client) {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("Name", client.path("name").asText()));
        facts.add(new Fact("Hostname", client.path("hostname").asText()));
        facts.add(new Fact("Group", client.path("group").asText("(none)")));
        facts.add(new Fact("Status", StatusText.of(client.path("status").asText())));
        facts.add(new Fact("Status since", StatusText.time(optionalTime(client, "statusSince"))));
        facts.add(new Fact("Last seen", StatusText.time(optionalTime(client, "lastSeen"))));
        facts.add(new Fact("Enrolled at", StatusText.time(optionalTime(client, "enrolledAt"))));
        if (client.hasNonNull("revokedAt")) {
            facts.add(new Fact(
                    "Revoked at", StatusText.time(client.get("revokedAt").asLong())));
        }
        facts.add(new Fact("Server", client.path("server").asText("(none)")));
        JsonNode certificate = client.path("certificate");
        facts.add(new Fact("Certificate serial", certificate.path("serial").asText()));
        facts.add(new Fact("Certificate SHA-256", certificate.path("sha256").asText()));
        facts.add(new Fact("Certificate valid until", StatusText.time(optionalTime(certificate, "notAfter"))));
        JsonNode inventory = client.path("inventory");
        if (inventory.isObject()) {
            flatten("", inventory, facts);
        } else {
            facts.add(new Fact("Inventory", "not reported yet"));
        }
        return facts;
    }

    private static Long optionalTime(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asLong() : null;
    }

    private static void flatten(String prefix, JsonNode node, List<Fact> facts) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), facts);
            }
        } else if (node.isArray() && node.size() > 0 && node.get(0).isContainerNode()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), facts);
            }
        } else if (node.isArray()) {
            List<String> values = new ArrayList<>();
            node.forEach(value -> values.add(value.asText()));
            facts.add(new Fact(prefix, String.join(", ", values)));
        } else if (!node.isNull()) {
            facts.add(new Fact(prefix, node.asText()));
        }
    }

    private static String describe(FleetEvent event) {
        return time(event.time()) + "  " + event.type()
                + (event.detail() == null || event.detail().isEmpty() ? "" : " — " + event.detail());
    }

    private static String time(long epochMillis) {
        return CLOCK.format(Instant.ofEpochMilli(epochMillis));
    }
}
