package org.visorfleet.server.api;

import java.util.List;
import java.util.Map;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.auth.Users;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.ssh.SshKeys;

/**
 * A technician's SSH public keys, with which they sign in to the bastion and, through it, to
 * clients. Technicians manage their own keys; admins manage everyone's.
 */
public final class SshKeyRoutes {

    record KeyRequest(String publicKey) {}

    private final Database database;
    private final Users users;
    private final SshKeys keys;
    private final EventLog events;

    public SshKeyRoutes(Database database, Users users, SshKeys keys, EventLog events) {
        this.database = database;
        this.users = users;
        this.keys = keys;
        this.events = events;
    }

    public List<Route> routes() {
        return List.of(
                Route.of("GET", "/api/v1/users/{name}/keys", Role.VIEWER, this::list),
                Route.of("POST", "/api/v1/users/{name}/keys", Role.VIEWER, this::add),
                Route.of("DELETE", "/api/v1/users/{name}/keys", Role.VIEWER, this::remove));
    }

    private Reply list(Call call) throws Exception {
        String name = ownOrAdmin(call);
        return Reply.ok(
                Map.of("items", database.query(c -> keys.list(c, user(c, name).id()))));
    }

    private Reply add(Call call) throws Exception {
        String name = ownOrAdmin(call);
        SshKeys.ParsedKey key =
                SshKeys.ParsedKey.parse(call.body(KeyRequest.class).publicKey());
        SshKeys.KeyView added = database.transaction(c -> {
            SshKeys.KeyView view = keys.add(c, user(c, name).id(), key);
            events.append(
                    c, "user.key-added", call.actor(), null, name + ": " + view.type() + " " + view.fingerprint());
            return view;
        });
        return Reply.created(added);
    }

    /** {@code DELETE /api/v1/users/NAME/keys?fingerprint=SHA256:...} (fingerprints contain '/'). */
    private Reply remove(Call call) throws Exception {
        String name = ownOrAdmin(call);
        String fingerprint =
                call.query("fingerprint").orElseThrow(() -> Refusal.invalid("fingerprint query parameter is required"));
        database.transaction(c -> {
            if (!keys.remove(c, user(c, name).id(), fingerprint)) {
                throw Refusal.notFound("user " + name + " has no key " + fingerprint);
            }
            events.append(c, "user.key-removed", call.actor(), null, name + ": " + fingerprint);
            return null;
        });
        return Reply.noContent();
    }

    private static String ownOrAdmin(Call call) {
        String name = call.path(0);
        if (!call.principal().name().equals(name) && !call.principal().role().includes(Role.ADMIN)) {
            throw Refusal.forbidden("only admins manage other users' keys");
        }
        return name;
    }

    private Users.User user(java.sql.Connection c, String name) throws java.sql.SQLException {
        return users.find(c, name).orElseThrow(() -> Refusal.notFound("no user " + name));
    }
}
