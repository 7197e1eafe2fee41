package org.visorfleet.console.clients;

/**
 * Opens a remote terminal on a client; the {@link ClientsView}'s Terminal button calls it. Called on
 * the JavaFX application thread; an implementation that connects must do so in the background.
 */
@FunctionalInterface
public interface TerminalOpener {

    /** Opens a terminal on the client named {@code clientName}. */
    void open(String clientName);

    /** No terminal: the Terminal button stays disabled. */
    TerminalOpener NONE = name -> {};
}
