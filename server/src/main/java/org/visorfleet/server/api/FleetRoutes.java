package org.visorfleet.server.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.visorfleet.common.wire.Enrollment;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.fleet.ClientQuery;
import org.visorfleet.server.fleet.ClientStatus;
import org.visorfleet.server.fleet.Clients;
import org.visorfleet.server.fleet.Enroller;
import org.visorfleet.server.fleet.EnrollmentTokens;
import org.visorfleet.server.fleet.Groups;
import org.visorfleet.server.fleet.LiveConnections;

/** Groups, enrollment tokens, enrollment and clients. */
public final class FleetRoutes {

    record GroupRequest(String name, String description) {}

    record GroupChange(String remoteRole, Boolean consent) {}

    record TokenRequest(String group, Long ttlSeconds) {}

    record TokenReply(String token, long id, String group, long expiresAt) {}

    record ClientChange(String group) {}

    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofHours(24);

    private final Database database;
    private final Groups groups;
    private final EnrollmentTokens tokens;
    private final Clients clients;
    private final Enroller enroller;
    private final EventLog events;
    private final LiveConnections live;
    private final Supplier<List<String>> serverUrls;

    public FleetRoutes(
            Database database,
            Groups groups,
            EnrollmentTokens tokens,
            Clients clients,
            Enroller enroller,
            EventLog events,
            LiveConnections live,
            Supplier<List<String>> serverUrls) {
        this.database = database;
        this.groups = groups;
        this.tokens = tokens;
        this.clients = clients;
        this.enroller = enroller;
        this.events = events;
        this.live = live;
        this.serverUrls = serverUrls;
    }

    public List<Route> routes() {
        return List.of(
                Route.of("GET", "/api/v1/groups", Role.VIEWER, c -> Reply.ok(Map.of("items", groups.list()))),
                Route.of("POST", "/api/v1/groups", Role.HELPDESK, this::createGroup),
                Route.of("PATCH", "/api/v1/groups/{name}", Role.ADMIN, this::updateGroup),
                Route.of("DELETE", "/api/v1/groups/{name}", Role.ADMIN, this::deleteGroup),
                Route.of(
                        "GET",
                        "/api/v1/enrollment-tokens",
                        Role.HELPDESK,
                        c -> Reply.ok(Map.of("items", tokens.list()))),
                Route.of("POST", "/api/v1/enrollment-tokens", Role.HELPDESK, this::createToken),
                Route.of("DELETE", "/api/v1/enrollment-tokens/{id}", Role.HELPDESK, this::deleteToken),
                Route.of("POST", "/api/v1/enroll", null, this::enroll),
                Route.of("GET", "/api/v1/clients", Role.VIEWER, this::listClients),
                Route.of("GET", "/api/v1/clients/{name}", Role.VIEWER, this::getClient),
                Route.of("PATCH", "/api/v1/clients/{name}", Role.HELPDESK, this::updateClient),
                Route.of("POST", "/api/v1/clients/{name}/revoke", Role.HELPDESK, this::revokeClient),
                Route.of("DELETE", "/api/v1/clients/{name}", Role.ADMIN, this::deleteClient));
    }

    private Reply createGroup(Call call) throws Exception {
        GroupRequest request = call.body(GroupRequest.class);
        Groups.Group group = database.transaction(c -> {
            Groups.Group created = groups.create(c, request.name(), request.description());
            events.append(c, "group.created", call.actor(), null, created.name());
            return created;
        });
        return Reply.created(group);
    }

    private Reply updateGroup(Call call) throws Exception {
        GroupChange change = call.body(GroupChange.class);
        Groups.Group group = database.transaction(c -> {
            Groups.Group updated = groups.updateRemote(c, call.path(0), change.remoteRole(), change.consent());
            events.append(
                    c,
                    "group.updated",
                    call.actor(),
                    null,
                    updated.name() + ": remote role " + updated.remoteRole() + ", consent "
                            + (updated.consent() ? "required" : "not required"));
            return updated;
        });
        return Reply.ok(group);
    }

    private Reply deleteGroup(Call call) throws Exception {
        database.transaction(c -> {
            groups.delete(c, call.path(0));
            events.append(c, "group.deleted", call.actor(), null, call.path(0));
            return null;
        });
        return Reply.noContent();
    }

    private Reply createToken(Call call) throws Exception {
        TokenRequest request = call.body(TokenRequest.class);
        long ttl = request.ttlSeconds() == null ? DEFAULT_TOKEN_LIFETIME.toSeconds() : request.ttlSeconds();
        if (ttl < 1 || ttl > EnrollmentTokens.MAX_LIFETIME.toSeconds()) {
            throw Refusal.invalid("ttlSeconds must be 1.." + EnrollmentTokens.MAX_LIFETIME.toSeconds());
        }
        TokenReply reply = database.transaction(c -> {
            Long groupId = request.group() == null
                    ? null
                    : groups.require(c, request.group()).id();
            EnrollmentTokens.Created created = tokens.create(c, groupId, Duration.ofSeconds(ttl), call.actor());
            events.append(
                    c,
                    "token.created",
                    call.actor(),
                    null,
                    "enrollment token" + (request.group() == null ? "" : " for group " + request.group()) + ", valid "
                            + ttl + " s");
            return new TokenReply(created.token().toString(), created.id(), request.group(), created.expiresAt());
        });
        return Reply.created(reply);
    }

    private Reply deleteToken(Call call) throws Exception {
        long id;
        try {
            id = Long.parseLong(call.path(0));
        } catch (NumberFormatException e) {
            throw Refusal.invalid("token id must be a number");
        }
        database.transaction(c -> {
            tokens.delete(c, id);
            events.append(c, "token.deleted", call.actor(), null, "enrollment token " + id);
            return null;
        });
        return Reply.noContent();
    }

    private Reply enroll(Call call) throws Exception {
        Enrollment.Request request = call.body(Enrollment.Request.class);
        try {
            return Reply.created(enroller.enroll(request, serverUrls.get()));
        } catch (Refusal refusal) {
            events.append(
                    "enroll.refused",
                    "remote:" + call.remote(),
                    null,
                    "hostname " + request.hostname() + ": " + refusal.getMessage());
            throw refusal.alreadyRecorded();
        }
    }

    private Reply listClients(Call call) throws Exception {
        ClientStatus status = call.query("status")
                .map(s -> ClientStatus.fromWireName(s).orElseThrow(() -> Refusal.invalid("unknown status " + s)))
                .orElse(null);
        ClientQuery query = new ClientQuery(
                status,
                call.query("group").orElse(null),
                call.query("q").orElse(null),
                call.query("sort").orElse("name"),
                call.intQuery("offset", 0),
                call.intQuery("limit", 100));
        return Reply.ok(clients.list(query));
    }

    private Reply getClient(Call call) throws Exception {
        return Reply.ok(clients.find(call.path(0)).orElseThrow(() -> Refusal.notFound("no client " + call.path(0))));
    }

    private Reply updateClient(Call call) throws Exception {
        ClientChange change = call.body(ClientChange.class);
        database.transaction(c -> {
            Clients.Identity client = clients.requireIdentity(c, call.path(0));
            Long groupId = change.group() == null
                    ? null
                    : groups.require(c, change.group()).id();
            clients.setGroup(c, client, groupId);
            events.append(
                    c,
                    "client.updated",
                    call.actor(),
                    client.name(),
                    change.group() == null ? "removed from its group" : "moved to group " + change.group());
            return null;
        });
        return getClient(call);
    }

    private Reply revokeClient(Call call) throws Exception {
        database.transaction(c -> {
            Clients.Identity client = clients.requireIdentity(c, call.path(0));
            if (client.revoked()) {
                throw Refusal.conflict("client " + client.name() + " is already revoked");
            }
            clients.revoke(c, client);
            events.append(c, "client.revoked", call.actor(), client.name(), "certificate revoked");
            return null;
        });
        live.disconnect(call.path(0), "certificate revoked");
        return getClient(call);
    }

    private Reply deleteClient(Call call) throws Exception {
        database.transaction(c -> {
            Clients.Identity client = clients.requireIdentity(c, call.path(0));
            clients.delete(c, client);
            events.append(c, "client.deleted", call.actor(), client.name(), "");
            return null;
        });
        live.disconnect(call.path(0), "client deleted");
        return Reply.noContent();
    }
}
