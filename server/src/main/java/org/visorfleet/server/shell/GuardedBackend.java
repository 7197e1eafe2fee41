package org.visorfleet.server.shell;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.visorfleet.server.shell.fleet.Client;
import org.visorfleet.server.shell.fleet.Command;
import org.visorfleet.server.shell.fleet.CommandResult;
import org.visorfleet.server.shell.fleet.Event;
import org.visorfleet.server.shell.fleet.FleetBackend;
import org.visorfleet.server.shell.fleet.Group;
import org.visorfleet.server.shell.fleet.Job;
import org.visorfleet.server.shell.fleet.Technician;

/**
 * The backend as a session's snippets reach it: each call is marked on the running snippet, so that
 * a stop (time limit, Ctrl-C) never interrupts the thread in the middle of database work, and a
 * call that ends on a stopped snippet throws at once.
 */
final class GuardedBackend implements FleetBackend {

    private final FleetBackend fleet;

    GuardedBackend(FleetBackend fleet) {
        this.fleet = fleet;
    }

    private static <T> T call(Supplier<T> work) {
        if (!SnippetGuard.RUN.isBound()) {
            return work.get();
        }
        SnippetGuard.Run run = SnippetGuard.RUN.get();
        run.enterFleet();
        try {
            return work.get();
        } finally {
            run.leaveFleet();
        }
    }

    @Override
    public List<Client> clients(String group) {
        return call(() -> fleet.clients(group));
    }

    @Override
    public Optional<Client> client(String name) {
        return call(() -> fleet.client(name));
    }

    @Override
    public List<Group> groups() {
        return call(fleet::groups);
    }

    @Override
    public Optional<Group> group(String name) {
        return call(() -> fleet.group(name));
    }

    @Override
    public List<Job> jobs() {
        return call(fleet::jobs);
    }

    @Override
    public Optional<Job> job(long id) {
        return call(() -> fleet.job(id));
    }

    @Override
    public List<Event> events(int count) {
        return call(() -> fleet.events(count));
    }

    @Override
    public Command act(Technician who, String client, String action, Map<String, String> args) {
        return call(() -> fleet.act(who, client, action, args));
    }

    @Override
    public CommandResult command(String client, long id) {
        return call(() -> fleet.command(client, id));
    }
}
