package org.visorfleet.server.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Principal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.fleet.Clients;
import org.visorfleet.server.fleet.RemoteAccess;
import org.visorfleet.server.ssh.RemoteSessions;
import org.visorfleet.server.ssh.SshKeys;

/**
 * What a client's own SSH server asks the fleet, over HTTPS with the agent's certificate. A
 * technician reaches the client's SSH server end to end through the bastion, so the client decides
 * who comes in, and it asks here: is this key a technician's who may reach me, must my user
 * consent; then it reports each session, its end and its recording.
 */
public final class AgentSshRoutes {

    /** A technician knocking with a key: {@code publicKey} in OpenSSH form. */
    record Knock(String user, String publicKey) {}

    record Verdict(String technician, String role, boolean consent) {}

    record SessionRequest(String user, String publicKey, String kind, String detail, String consent) {}

    private static final int MAX_JSON = 64 * 1024;

    private final Database database;
    private final SshKeys keys;
    private final RemoteSessions sessions;
    private final EventLog events;

    public AgentSshRoutes(Database database, SshKeys keys, RemoteSessions sessions, EventLog events) {
        this.database = database;
        this.keys = keys;
        this.sessions = sessions;
        this.events = events;
    }

    public List<Route> routes() {
        return List.of(
                Route.agent("POST", "/agent/v1/ssh/authorize", this::authorize),
                Route.agent("POST", "/agent/v1/ssh/sessions", this::open),
                Route.agent("POST", "/agent/v1/ssh/sessions/{id}/end", this::end),
                Route.agent("PUT", "/agent/v1/ssh/sessions/{id}/recording", this::recording));
    }

    private Reply authorize(Call call) throws Exception {
        Knock knock = json(call, Knock.class);
        Admitted admitted = admit(call, knock.user(), knock.publicKey());
        return Reply.ok(new Verdict(
                admitted.who().name(),
                admitted.who().role().wireName(),
                admitted.policy().consent()));
    }

    private Reply open(Call call) throws Exception {
        SessionRequest request = json(call, SessionRequest.class);
        if (!RemoteSessions.KINDS.contains(request.kind())) {
            throw Refusal.invalid("kind must be one of " + RemoteSessions.KINDS);
        }
        if (!RemoteSessions.CONSENTS.contains(request.consent())) {
            throw Refusal.invalid("consent must be one of " + RemoteSessions.CONSENTS);
        }
        Admitted admitted = admit(call, request.user(), request.publicKey());
        if (admitted.policy().consent() && "not-required".equals(request.consent())) {
            throw Refusal.invalid("this client's group requires the user's consent");
        }
        String detail = request.detail() == null ? "" : request.detail().replaceAll("\\p{Cntrl}", " ");
        long id = database.transaction(c -> {
            long created = sessions.open(
                    c, call.agent().clientId(), admitted.who().name(), request.kind(), detail, request.consent());
            String type = "denied".equals(request.consent()) ? "remote.session-declined" : "remote.session-started";
            events.append(
                    c,
                    type,
                    admitted.who().actor(),
                    call.agent().name(),
                    request.kind() + (detail.isEmpty() ? "" : " " + clip(detail)) + " (session " + created
                            + ", consent " + request.consent() + ")");
            return created;
        });
        return Reply.created(Map.of("id", id));
    }

    private Reply end(Call call) throws Exception {
        long id = id(call);
        RemoteSessions.SessionView ended = database.transaction(c -> {
            var view = sessions.end(c, call.agent().clientId(), id)
                    .orElseThrow(() -> Refusal.notFound("no open session " + id + " of this client"));
            events.append(
                    c,
                    "remote.session-ended",
                    "user:" + view.user(),
                    view.client(),
                    view.kind() + " after " + view.seconds() + " s (session " + id + ")");
            return view;
        });
        return Reply.ok(ended);
    }

    private Reply recording(Call call) throws Exception {
        long id = id(call);
        long size = sessions.storeRecording(call.agent().clientId(), id, call.upload());
        return Reply.ok(Map.of("id", id, "bytes", size));
    }

    private record Admitted(Principal who, RemoteAccess.Policy policy) {}

    /** The technician owning {@code publicKey}, if they may reach the calling client; else a 403. */
    private Admitted admit(Call call, String user, String publicKey) throws Exception {
        if (user == null || publicKey == null) {
            throw Refusal.invalid("user and publicKey are required");
        }
        SshKeys.ParsedKey key = SshKeys.ParsedKey.parse(publicKey);
        Principal who = keys.owner(user, key.key()).orElse(null);
        if (who == null) {
            events.append(
                    "remote.refused",
                    "remote:" + call.remote(),
                    call.agent().name(),
                    "user " + clip(user) + " with key " + key.fingerprint() + ": not a registered key of that user");
            throw Refusal.forbidden("not a registered key of " + clip(user)).alreadyRecorded();
        }
        try {
            RemoteAccess.Policy policy = database.query(c -> RemoteAccess.require(
                    c,
                    who,
                    new Clients.Identity(call.agent().clientId(), call.agent().name(), false)));
            return new Admitted(who, policy);
        } catch (Refusal refusal) {
            events.append("remote.refused", who.actor(), call.agent().name(), refusal.getMessage());
            throw refusal.alreadyRecorded();
        }
    }

    private static <T> T json(Call call, Class<T> type) throws IOException {
        byte[] body = call.upload().readNBytes(MAX_JSON + 1);
        if (body.length > MAX_JSON) {
            throw Refusal.invalid("request body larger than " + MAX_JSON + " bytes");
        }
        return ApiJson.read(new String(body, StandardCharsets.UTF_8), type);
    }

    private static long id(Call call) {
        try {
            return Long.parseLong(call.path(0));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no such session");
        }
    }

    private static String clip(String s) {
        String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
