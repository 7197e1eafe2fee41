package org.visorfleet.console.clients;

import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * One row of the clients table: a stable holder whose {@link #summary} arrives when the row's page
 * has been fetched (null until then, shown as "…"). Cells observe the summary, so a page arriving
 * or a row refreshed in place updates what is shown without touching the table's item list.
 * Touched only on the JavaFX application thread.
 */
final class ClientRow {

    private final ReadOnlyObjectWrapper<ClientSummary> summary = new ReadOnlyObjectWrapper<>();

    /** The client in this row, or null while its page is being fetched. */
    ReadOnlyObjectProperty<ClientSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** The client in this row, or null while its page is being fetched. */
    ClientSummary summary() {
        return summary.get();
    }

    void show(ClientSummary client) {
        summary.set(client);
    }
}
