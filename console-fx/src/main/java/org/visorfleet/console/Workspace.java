package org.visorfleet.console;

import org.visorfleet.console.api.Session;

/**
 * What every {@link ConsoleView} works with: the signed-in {@link Session} (blocking calls: use
 * {@link Background}) and the {@link LiveEvents} of the server, delivered on the application thread.
 */
public record Workspace(Session session, LiveEvents events) {}
