package org.visorfleet.console.clients;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.HBox;
import javafx.stage.Window;

/**
 * The action buttons for the chosen clients: Run command…, Reboot, Shut down, Lock, Message….
 * Run and Message ask for their text, Reboot and Shut down for confirmation naming the clients;
 * then the action goes to each client through the {@link ActionResults}.
 *
 * <p>Node ids: {@code PREFIX-run}, {@code PREFIX-reboot}, {@code PREFIX-shutdown}, {@code
 * PREFIX-lock}, {@code PREFIX-message}, where the prefix tells the bars of the list and of the
 * detail apart.
 */
final class ClientActions {

    /** How many clients one action may go to at once: a selection of the whole fleet is a slip. */
    static final int MAX_CLIENTS = 1000;

    private final Supplier<List<String>> targets;
    private final ActionResults results;
    private final HBox root = new HBox(8);

    /**
     * @param idPrefix prefix of the buttons' ids
     * @param targets the names of the clients chosen now
     * @param nothingChosen true while no client is chosen (the buttons are disabled then)
     * @param results where the actions go and show
     */
    ClientActions(
            String idPrefix,
            Supplier<List<String>> targets,
            ObservableBooleanValue nothingChosen,
            ActionResults results) {
        this.targets = targets;
        this.results = results;
        root.getChildren()
                .addAll(
                        button(
                                idPrefix + "-run",
                                "_Run command…",
                                "Run a shell command on the chosen clients",
                                this::run),
                        button(idPrefix + "-reboot", "Re_boot", "Reboot the chosen clients", () -> confirmed("reboot")),
                        button(
                                idPrefix + "-shutdown",
                                "Shut _down",
                                "Shut the chosen clients down",
                                () -> confirmed("shutdown")),
                        button(
                                idPrefix + "-lock",
                                "_Lock",
                                "Lock the chosen clients' sessions",
                                () -> send("lock", Map.of())),
                        button(
                                idPrefix + "-message",
                                "_Message…",
                                "Show a message on the chosen clients",
                                this::message));
        root.getChildren().forEach(node -> node.disableProperty().bind(nothingChosen));
        root.getStyleClass().add("client-actions");
    }

    HBox root() {
        return root;
    }

    private static Button button(String id, String text, String accessible, Runnable action) {
        Button button = new Button(text);
        button.setId(id);
        button.setAccessibleText(accessible);
        button.setOnAction(e -> action.run());
        return button;
    }

    private void run() {
        ask("Run a command", "Command line (run by /bin/sh -c):")
                .ifPresent(command -> send("run", Map.of("command", command)));
    }

    private void message() {
        ask("Show a message", "Message:").ifPresent(text -> send("message", Map.of("title", "Helpdesk", "text", text)));
    }

    private void confirmed(String action) {
        List<String> clients = chosen();
        if (clients.isEmpty()) {
            return;
        }
        String verb = action.equals("reboot") ? "Reboot" : "Shut down";
        Alert confirm = new Alert(
                Alert.AlertType.CONFIRMATION,
                verb + " " + describe(clients) + "? Whoever works on them loses unsaved work.",
                ButtonType.OK,
                ButtonType.CANCEL);
        confirm.setTitle(verb);
        confirm.setHeaderText(verb + " " + clients.size() + (clients.size() == 1 ? " client" : " clients"));
        confirm.initOwner(window());
        confirm.getDialogPane().setId("confirmAction");
        if (confirm.showAndWait().filter(ButtonType.OK::equals).isPresent()) {
            results.send(clients, action, Map.of());
        }
    }

    private Optional<String> ask(String title, String prompt) {
        List<String> clients = chosen();
        if (clients.isEmpty()) {
            return Optional.empty();
        }
        TextInputDialog dialog = new TextInputDialog();
        dialog.setTitle(title);
        dialog.setHeaderText(title + " on " + describe(clients));
        dialog.setContentText(prompt);
        dialog.initOwner(window());
        dialog.getDialogPane().setId("actionInput");
        dialog.getEditor().setId("actionText");
        dialog.getEditor().setAccessibleText(prompt);
        return dialog.showAndWait().map(String::strip).filter(text -> !text.isEmpty());
    }

    private void send(String action, Map<String, String> args) {
        List<String> clients = chosen();
        if (!clients.isEmpty()) {
            results.send(clients, action, args);
        }
    }

    /** The chosen clients, or none (after saying so) when there are more than {@link #MAX_CLIENTS}. */
    private List<String> chosen() {
        List<String> clients = targets.get();
        if (clients.size() <= MAX_CLIENTS) {
            return clients;
        }
        Alert tooMany = new Alert(
                Alert.AlertType.WARNING,
                clients.size() + " clients are chosen; an action goes to at most " + MAX_CLIENTS + " at once.",
                ButtonType.OK);
        tooMany.initOwner(window());
        tooMany.showAndWait();
        return List.of();
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    /** "pc-01", "pc-01, pc-02 and pc-03", or "pc-01, pc-02, pc-03 and 7 more". */
    static String describe(List<String> clients) {
        if (clients.size() == 1) {
            return clients.getFirst();
        }
        int shown = Math.min(3, clients.size() - 1);
        String first = String.join(", ", clients.subList(0, shown));
        int rest = clients.size() - shown;
        return first + " and " + (rest == 1 ? clients.get(shown) : rest + " more");
    }
}
