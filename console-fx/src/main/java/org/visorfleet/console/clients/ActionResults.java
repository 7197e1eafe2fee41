package org.visorfleet.console.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.visorfleet.console.Background;
import org.visorfleet.console.api.FleetEvent;
import org.visorfleet.console.api.Session;

/**
 * The results of actions sent to clients, newest first: client, action, state, exit code and
 * output, each row updated as its command moves on. A command that is still open is asked about
 * when an event says it ended ({@code command.done}, {@code command.failed}) and, in case an event
 * is missed, every {@link #POLL}. A refusal (no such client, a role that may not, a bad argument)
 * shows the server's message.
 *
 * <p>Node id: {@code actionResults} (the table). Used on the JavaFX application thread.
 */
final class ActionResults {

    static final Duration POLL = Duration.ofSeconds(1);

    private final Session session;
    private final TableView<CommandResult> table = new TableView<>();
    private final VBox root;
    private final Timeline poll;
    private final Map<CommandResult, Boolean> asking = new HashMap<>();

    ActionResults(Session session) {
        this.session = session;
        table.setId("actionResults");
        table.setAccessibleText("Results of actions sent to clients");
        table.setPlaceholder(new Label("Actions sent to clients show their results here."));
        table.getColumns().add(column("Client", 140, r -> new ReadOnlyStringWrapper(r.client())));
        table.getColumns().add(column("Action", 90, r -> new ReadOnlyStringWrapper(r.action())));
        table.getColumns().add(column("State", 90, CommandResult::stateProperty));
        table.getColumns().add(column("Exit code", 80, CommandResult::exitCodeProperty));
        TableColumn<CommandResult, String> output = column("Output", 420, CommandResult::outputProperty);
        table.getColumns().add(output);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_LAST_COLUMN);
        table.setPrefHeight(150);
        Label title = new Label("Action res_ults");
        title.setMnemonicParsing(true);
        title.setLabelFor(table);
        root = new VBox(4, title, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        root.getStyleClass().add("action-results");
        poll = new Timeline(new KeyFrame(javafx.util.Duration.millis(POLL.toMillis()), e -> askOpen()));
        poll.setCycleCount(Timeline.INDEFINITE);
        poll.play();
    }

    private static TableColumn<CommandResult, String> column(
            String title, double width, Function<CommandResult, ObservableValue<String>> value) {
        TableColumn<CommandResult, String> column = new TableColumn<>(title);
        column.setCellValueFactory(cell -> value.apply(cell.getValue()));
        column.setPrefWidth(width);
        column.setSortable(false);
        return column;
    }

    VBox root() {
        return root;
    }

    /** The rows, newest first. */
    List<CommandResult> results() {
        return table.getItems();
    }

    /** Sends {@code action} with {@code args} to each of {@code clients}, each as its own row. */
    void send(List<String> clients, String action, Map<String, String> args) {
        Map<String, Object> body = Map.of("action", action, "args", args);
        for (String client : clients) {
            CommandResult result = new CommandResult(client, action);
            table.getItems().addFirst(result);
            Background.run(
                    () -> session.send("POST", commandsOf(client), body),
                    result::update,
                    failure -> result.refused(failure.getMessage()));
        }
    }

    /** Asks about the open commands of the event's client when the event says one ended. */
    void onEvent(FleetEvent event) {
        if (event.type().startsWith("command.") && event.client() != null) {
            for (CommandResult result : new ArrayList<>(table.getItems())) {
                if (result.open() && result.client().equals(event.client())) {
                    ask(result);
                }
            }
        }
    }

    private void askOpen() {
        table.getItems().stream().filter(CommandResult::open).forEach(this::ask);
    }

    private void ask(CommandResult result) {
        if (asking.putIfAbsent(result, Boolean.TRUE) != null) {
            return;
        }
        Background.run(
                () -> session.get(commandsOf(result.client()) + "/" + result.id()),
                (JsonNode command) -> {
                    asking.remove(result);
                    result.update(command);
                },
                failure -> {
                    asking.remove(result);
                    // Asked again at the next poll; a refusal here (client deleted) ends the row.
                    if (failure instanceof org.visorfleet.console.api.ApiException api && api.status() == 404) {
                        result.refused(failure.getMessage());
                    }
                });
    }

    private static String commandsOf(String client) {
        return "/api/v1/clients/" + ClientFilter.encode(client) + "/commands";
    }

    /** Stops asking about open commands. */
    void stop() {
        poll.stop();
    }
}
