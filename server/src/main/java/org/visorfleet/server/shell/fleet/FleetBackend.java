package org.visorfleet.server.shell.fleet;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet as the shell's model reads it. Every call reads the fleet's current state (nothing is
 * cached between calls). Implementations are thread-safe; they throw {@link FleetException} with a
 * one-line reason for refusals and failures. Snippets never see this interface: they reach it
 * through {@link Fleet} and the model's records.
 */
public interface FleetBackend {

    /** The clients, sorted by name; only those of {@code group} unless it is null. */
    List<Client> clients(String group);

    Optional<Client> client(String name);

    /** The groups, sorted by name. */
    List<Group> groups();

    Optional<Group> group(String name);

    /** Grid jobs, newest first. */
    List<Job> jobs();

    Optional<Job> job(long id);

    /** The {@code count} most recent events, newest first. */
    List<Event> events(int count);

    /**
     * Queues {@code action} for {@code client} on behalf of {@code who}, if the fleet's remote-access
     * rule lets that technician reach the client, and records it.
     */
    Command act(Technician who, String client, String action, Map<String, String> args);

    /** A command of {@code client}, as it stands now. */
    CommandResult command(String client, long id);
}
