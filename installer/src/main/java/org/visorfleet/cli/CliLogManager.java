package org.visorfleet.cli;

import java.util.logging.LogManager;

/**
 * Keeps log handlers alive during JVM shutdown. The stock LogManager resets (removes every handler)
 * from its own shutdown hook, which races with ours, so the lines a command logs while stopping
 * (the final counters of {@code aoe serve}) would be lost. Selected by the launcher with
 * {@code -Djava.util.logging.manager=org.visorfleet.cli.CliLogManager}.
 */
public final class CliLogManager extends LogManager {
    @Override
    public void reset() {
        // handlers are flushed per record; nothing to release before the process exits
    }
}
