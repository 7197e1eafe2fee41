package org.visorfleet.server.api;

import java.util.List;
import java.util.Map;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.fleet.Clients;
import org.visorfleet.server.fleet.Commands;

/**
 * Commands sent to an agent over its WebSocket, and their answers. Anything but {@code ping} needs
 * the caller to reach the client ({@link org.visorfleet.server.fleet.RemoteAccess}).
 */
public final class CommandRoutes {

    record CommandRequest(String action, Map<String, String> args) {}

    private final Database database;
    private final Clients clients;
    private final Commands commands;
    private final EventLog events;

    public CommandRoutes(Database database, Clients clients, Commands commands, EventLog events) {
        this.database = database;
        this.clients = clients;
        this.commands = commands;
        this.events = events;
    }

    public List<Route> routes() {
        return List.of(
                Route.of("POST", "/api/v1/clients/{name}/commands", Role.HELPDESK, this::create),
                Route.of("GET", "/api/v1/clients/{name}/commands", Role.VIEWER, this::list),
                Route.of("GET", "/api/v1/clients/{name}/commands/{id}", Role.VIEWER, this::get));
    }

    private Reply create(Call call) throws Exception {
        CommandRequest request = call.body(CommandRequest.class);
        long id = database.transaction(c -> {
            Clients.Identity client = clients.requireIdentity(c, call.path(0));
            long created = commands.create(c, call.principal(), client, request.action(), request.args());
            events.append(
                    c, "command.created", call.actor(), client.name(), request.action() + " (command " + created + ")");
            return created;
        });
        return new Reply(202, commands.list(call.path(0), id).getFirst());
    }

    private Reply list(Call call) throws Exception {
        return Reply.ok(Map.of("items", commands.list(call.path(0), null)));
    }

    private Reply get(Call call) throws Exception {
        long id;
        try {
            id = Long.parseLong(call.path(1));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("command id must be a number");
        }
        return Reply.ok(commands.list(call.path(0), id).stream()
                .findFirst()
                .orElseThrow(() -> Refusal.notFound("no command " + id + " for client " + call.path(0))));
    }
}
