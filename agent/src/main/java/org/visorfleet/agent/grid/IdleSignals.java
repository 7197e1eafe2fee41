package org.visorfleet.agent.grid;

import java.util.OptionalLong;

/** What the idle policy watches on a desktop. */
public interface IdleSignals {

    /** Seconds since the last user input, or empty where no input source can be watched. */
    OptionalLong secondsSinceInput();

    /**
     * CPU load of everything but this agent since the previous call, as a fraction of all processors
     * (0..1); NaN when it cannot be measured (the first call, no {@code /proc}).
     */
    double nonGridLoad();
}
