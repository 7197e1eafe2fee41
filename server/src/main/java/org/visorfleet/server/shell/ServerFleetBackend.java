package org.visorfleet.server.shell;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.visorfleet.server.Page;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.api.ApiJson;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.events.EventQuery;
import org.visorfleet.server.events.EventRecord;
import org.visorfleet.server.fleet.ClientQuery;
import org.visorfleet.server.fleet.ClientView;
import org.visorfleet.server.fleet.Clients;
import org.visorfleet.server.fleet.Commands;
import org.visorfleet.server.fleet.Groups;
import org.visorfleet.server.fleet.RemoteAccess;
import org.visorfleet.server.grid.GridJobs;
import org.visorfleet.server.shell.fleet.Client;
import org.visorfleet.server.shell.fleet.Command;
import org.visorfleet.server.shell.fleet.CommandResult;
import org.visorfleet.server.shell.fleet.Event;
import org.visorfleet.server.shell.fleet.FleetBackend;
import org.visorfleet.server.shell.fleet.FleetException;
import org.visorfleet.server.shell.fleet.Group;
import org.visorfleet.server.shell.fleet.Job;
import org.visorfleet.server.shell.fleet.Technician;

/**
 * The fleet shell's model over the server's own services: every call reads the database now.
 * Actions follow the API's rule: {@link RemoteAccess#require} first, then {@link Commands#create}
 * with the technician as actor and a {@code command.created} event, in one transaction.
 */
public final class ServerFleetBackend implements FleetBackend {

    private static final int PAGE = 1000;

    private final Database database;
    private final EventLog events;
    private final Clients clients;
    private final Groups groups;
    private final Commands commands;
    private final GridJobs jobs;

    public ServerFleetBackend(Database database, EventLog events, Clock clock) {
        this.database = database;
        this.events = events;
        this.clients = new Clients(database, clock, ApiJson.MAPPER);
        this.groups = new Groups(database, clock);
        this.commands = new Commands(database, clock, ApiJson.MAPPER);
        this.jobs = new GridJobs(database, events, ApiJson.MAPPER, clock);
    }

    @Override
    public List<Client> clients(String group) {
        return read(() -> {
            List<Client> out = new ArrayList<>();
            for (int offset = 0; ; offset += PAGE) {
                Page<ClientView> page = clients.list(new ClientQuery(null, group, null, "name", offset, PAGE));
                page.items().forEach(v -> out.add(client(v)));
                if (page.items().size() < PAGE || out.size() >= page.total()) {
                    return out;
                }
            }
        });
    }

    @Override
    public Optional<Client> client(String name) {
        return read(() -> clients.find(name).map(ServerFleetBackend::client));
    }

    @Override
    public List<Group> groups() {
        return read(() -> {
            List<Group> out = new ArrayList<>();
            for (Groups.Group g : groups.list()) {
                out.add(group(g));
            }
            return out;
        });
    }

    @Override
    public Optional<Group> group(String name) {
        return read(() -> {
            Optional<Groups.Group> found = database.query(c -> groups.find(c, name));
            return found.isPresent() ? Optional.of(group(found.get())) : Optional.empty();
        });
    }

    @Override
    public List<Job> jobs() {
        return read(() -> jobs.list().stream()
                .map(j -> new Job(j.id(), j.name(), j.status(), j.unitsTotal(), j.unitsValid(), j.unitsFailed()))
                .toList());
    }

    @Override
    public Optional<Job> job(long id) {
        return read(() -> {
            try {
                GridJobs.JobView j = jobs.require(id);
                return Optional.of(
                        new Job(j.id(), j.name(), j.status(), j.unitsTotal(), j.unitsValid(), j.unitsFailed()));
            } catch (Refusal e) {
                if (e.kind() == Refusal.Kind.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public List<Event> events(int count) {
        return read(() -> {
            List<Event> out = new ArrayList<>();
            for (EventRecord e : events.query(new EventQuery(null, null, null, 0, 0, count, false))) {
                out.add(new Event(e.id(), Instant.ofEpochMilli(e.time()), e.type(), e.actor(), e.client(), e.detail()));
            }
            return out;
        });
    }

    @Override
    public Command act(Technician who, String client, String action, Map<String, String> args) {
        Principal principal = new Principal(
                who.userId(), who.name(), Role.fromWireName(who.role()).orElse(Role.VIEWER));
        return read(() -> database.transaction(c -> {
            Clients.Identity identity = clients.requireIdentity(c, client);
            RemoteAccess.require(c, principal, identity);
            long id = commands.create(c, principal, identity, action, args);
            events.append(
                    c,
                    "command.created",
                    principal.actor(),
                    identity.name(),
                    action + " (command " + id + ", from the fleet shell)");
            return new Command(id, identity.name(), action);
        }));
    }

    @Override
    public CommandResult command(String client, long id) {
        return read(() -> {
            Commands.CommandView view = commands.list(client, id).stream()
                    .findFirst()
                    .orElseThrow(() -> Refusal.notFound("no command " + id + " for client " + client));
            return new CommandResult(
                    view.id(),
                    view.client(),
                    view.action(),
                    view.status(),
                    view.output(),
                    view.exitCode(),
                    view.stdout(),
                    view.stderr());
        });
    }

    private Group group(Groups.Group g) throws SQLException {
        RemoteAccess.Policy policy =
                database.query(c -> RemoteAccess.groupPolicy(c, g.name())).orElse(RemoteAccess.DEFAULT);
        return new Group(g.name(), g.description(), policy.remoteRole().wireName(), policy.consent(), g.clients());
    }

    private static Client client(ClientView v) {
        JsonNode inventory = v.inventory();
        double load = 0;
        long memoryFree = 0;
        String os = null;
        if (inventory != null) {
            int cpus = inventory.path("cpuCount").asInt(0);
            load = cpus > 0 ? inventory.path("load1").asDouble(0) / cpus : 0;
            memoryFree = inventory.path("memoryAvailableBytes").asLong(0);
            os = inventory.path("os").isTextual() ? inventory.path("os").asText() : null;
        }
        return new Client(
                v.name(),
                v.hostname(),
                v.group(),
                v.status(),
                v.lastSeen() == null ? null : Instant.ofEpochMilli(v.lastSeen()),
                load,
                memoryFree,
                os);
    }

    /** A read or write of the fleet; what the fleet refuses becomes the technician's one-line reason. */
    private interface Work<T> {
        T run() throws SQLException;
    }

    private static <T> T read(Work<T> work) {
        try {
            return work.run();
        } catch (Refusal e) {
            throw new FleetException(e.kind().code + ": " + e.getMessage());
        } catch (SQLException e) {
            throw new FleetException("the fleet database is unavailable: " + e.getMessage());
        }
    }
}
