package org.visorfleet.grid.sandbox;

/**
 * Lets the host pause or stop a run at its checkpoints (every {@link Sandbox#SLICE} instructions,
 * a fraction of a second): the desktop agent suspends grid work while the user is at the machine
 * and abandons a replica the server cancelled. Pausing changes nothing the program can observe.
 */
@FunctionalInterface
public interface Pacer {
    /** Never pauses, never stops. */
    Pacer NONE = () -> true;

    /**
     * Called on the run's thread at each checkpoint; may block while the run should stay paused.
     *
     * @return false to stop the run now ({@link Outcome.Stopped})
     * @throws InterruptedException if interrupted while paused (the run then stops too)
     */
    boolean proceed() throws InterruptedException;
}
