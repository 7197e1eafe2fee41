package org.visorfleet.console;

import javafx.scene.Parent;

/**
 * One section of the signed-in console (dashboard, clients, grid, boot, events), shown in the
 * {@link MainView}. Built on the application thread with the {@link Workspace}; {@link #start} is
 * called once when the section is first shown, {@link #stop} once when the session is over.
 */
public interface ConsoleView {

    /** The section's name in the navigation list, e.g. "Clients". */
    String title();

    /** The node to show. */
    Parent root();

    /** Begins fetching and listening; called once, on the application thread. */
    default void start() {}

    /** Stops background work; called once, on the application thread. */
    default void stop() {}
}
