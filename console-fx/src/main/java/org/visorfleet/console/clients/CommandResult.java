package org.visorfleet.console.clients;

import com.fasterxml.jackson.databind.JsonNode;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One action sent to one client, as the results list shows it: which client, which action, where
 * the command stands ({@code sending}, {@code pending}, {@code sent}, {@code done}, {@code failed},
 * {@code expired}, or {@code refused} when the server would not take it), its exit code and output.
 * Touched only on the JavaFX application thread.
 */
final class CommandResult {

    private final String client;
    private final String action;
    private long id = -1;
    private final ReadOnlyStringWrapper state = new ReadOnlyStringWrapper("sending");
    private final ReadOnlyStringWrapper exitCode = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper output = new ReadOnlyStringWrapper("");

    CommandResult(String client, String action) {
        this.client = client;
        this.action = action;
    }

    String client() {
        return client;
    }

    String action() {
        return action;
    }

    /** The server's command id, or -1 before the server took it. */
    long id() {
        return id;
    }

    ReadOnlyStringProperty stateProperty() {
        return state.getReadOnlyProperty();
    }

    ReadOnlyStringProperty exitCodeProperty() {
        return exitCode.getReadOnlyProperty();
    }

    ReadOnlyStringProperty outputProperty() {
        return output.getReadOnlyProperty();
    }

    /** Whether the command may still change: the server took it and it has not ended. */
    boolean open() {
        return id >= 0 && (state.get().equals("pending") || state.get().equals("sent"));
    }

    /** Takes what the server says about the command ({@code POST} answer or {@code GET} of it). */
    void update(JsonNode command) {
        id = command.path("id").asLong(id);
        state.set(command.path("status").asText(state.get()));
        exitCode.set(command.hasNonNull("exitCode") ? command.get("exitCode").asText() : "");
        output.set(outputOf(command));
    }

    /** The server refused the action; {@code why} is its message. */
    void refused(String why) {
        state.set("refused");
        output.set(why);
    }

    /** Standard output and error of a run (on one line), else the agent's short answer. */
    static String outputOf(JsonNode command) {
        StringBuilder text = new StringBuilder();
        for (String field : new String[] {"stdout", "stderr"}) {
            String part = command.path(field).asText("").strip();
            if (!part.isEmpty()) {
                text.append(text.isEmpty() ? "" : " | ").append(part);
            }
        }
        if (text.isEmpty()) {
            text.append(command.path("output").asText("").strip());
        }
        return text.toString().replace("\n", " ⏎ ");
    }
}
