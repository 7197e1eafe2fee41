package org.visorfleet.server.api;

import java.util.List;
import java.util.Map;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.ApiTokens;
import org.visorfleet.server.auth.LoginThrottle;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.auth.Users;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;

/** Login, logout and user administration. */
public final class UserRoutes {

    record LoginRequest(String username, String password) {}

    record LoginReply(String token, long expiresAt, String username, String role) {}

    record UserRequest(String name, String role, String password) {}

    record UserChange(String role, String password) {}

    record UserReply(String name, String role, long createdAt) {
        static UserReply of(Users.User user) {
            return new UserReply(user.name(), user.role().wireName(), user.createdAt());
        }
    }

    private final Database database;
    private final Users users;
    private final ApiTokens tokens;
    private final EventLog events;
    private final LoginThrottle throttle;

    public UserRoutes(Database database, Users users, ApiTokens tokens, EventLog events, LoginThrottle throttle) {
        this.database = database;
        this.users = users;
        this.tokens = tokens;
        this.events = events;
        this.throttle = throttle;
    }

    public List<Route> routes() {
        return List.of(
                Route.of("POST", "/api/v1/login", null, this::login),
                Route.of("POST", "/api/v1/logout", Role.VIEWER, this::logout),
                Route.of("GET", "/api/v1/users", Role.ADMIN, this::list),
                Route.of("POST", "/api/v1/users", Role.ADMIN, this::create),
                Route.of("PATCH", "/api/v1/users/{name}", Role.ADMIN, this::update),
                Route.of("DELETE", "/api/v1/users/{name}", Role.ADMIN, this::delete));
    }

    private Reply login(Call call) throws Exception {
        LoginRequest request = call.body(LoginRequest.class);
        if (request.username() == null || request.password() == null) {
            throw Refusal.invalid("username and password are required");
        }
        var wait = throttle.retryAfter(request.username(), call.remote());
        if (wait.isPresent()) {
            events.append(
                    "user.login-throttled",
                    "remote:" + call.remote(),
                    null,
                    "user " + request.username() + ", retry in " + wait.get().toSeconds() + " s");
            throw new Refusal(
                            Refusal.Kind.TOO_MANY_REQUESTS,
                            "too many failed logins; retry in "
                                    + Math.max(1, wait.get().toSeconds()) + " s")
                    .alreadyRecorded();
        }
        var principal = users.authenticate(request.username(), request.password());
        if (principal.isEmpty()) {
            throttle.failed(request.username(), call.remote());
            events.append("user.login-failed", "remote:" + call.remote(), null, "user " + request.username());
            throw Refusal.unauthorized("wrong user name or password").alreadyRecorded();
        }
        throttle.succeeded(request.username());
        ApiTokens.Issued issued = tokens.issue(principal.get());
        events.append("user.login", principal.get().actor(), null, "from " + call.remote());
        return Reply.ok(new LoginReply(
                issued.token(),
                issued.expiresAt(),
                principal.get().name(),
                principal.get().role().wireName()));
    }

    private Reply logout(Call call) throws Exception {
        tokens.revoke(call.bearer());
        events.append("user.logout", call.actor(), null, "");
        return Reply.noContent();
    }

    private Reply list(Call call) throws Exception {
        return Reply.ok(Map.of("items", users.list().stream().map(UserReply::of).toList()));
    }

    private Reply create(Call call) throws Exception {
        UserRequest request = call.body(UserRequest.class);
        Role role = role(request.role());
        Users.User user = database.transaction(c -> {
            Users.User created = users.create(c, request.name(), role, request.password());
            events.append(c, "user.created", call.actor(), null, created.name() + " as " + role.wireName());
            return created;
        });
        return Reply.created(UserReply.of(user));
    }

    private Reply update(Call call) throws Exception {
        UserChange change = call.body(UserChange.class);
        Role role = change.role() == null ? null : role(change.role());
        Users.User user = database.transaction(c -> {
            Users.User updated = users.update(c, call.path(0), role, change.password());
            events.append(
                    c,
                    "user.updated",
                    call.actor(),
                    null,
                    updated.name()
                            + (role != null ? " role " + role.wireName() : "")
                            + (change.password() != null ? " password changed" : ""));
            return updated;
        });
        return Reply.ok(UserReply.of(user));
    }

    private Reply delete(Call call) throws Exception {
        database.transaction(c -> {
            users.delete(c, call.path(0));
            events.append(c, "user.deleted", call.actor(), null, call.path(0));
            return null;
        });
        return Reply.noContent();
    }

    private static Role role(String name) {
        return Role.fromWireName(name == null ? "" : name)
                .orElseThrow(() -> Refusal.invalid("role must be admin, helpdesk or viewer"));
    }
}
