package org.visorfleet.server.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.ssh.RemoteSessions;

/** Remote sessions on clients, for technicians: the audit list and the asciicast recordings. */
public final class SessionRoutes {

    private final Database database;
    private final RemoteSessions sessions;

    public SessionRoutes(Database database, RemoteSessions sessions) {
        this.database = database;
        this.sessions = sessions;
    }

    public List<Route> routes() {
        return List.of(
                Route.of("GET", "/api/v1/sessions", Role.VIEWER, this::list),
                Route.of("GET", "/api/v1/sessions/{id}", Role.VIEWER, this::get),
                Route.of("GET", "/api/v1/sessions/{id}/recording", Role.HELPDESK, this::recording));
    }

    private Reply list(Call call) throws Exception {
        return Reply.ok(Map.of(
                "items",
                sessions.list(
                        call.query("client").orElse(null),
                        call.query("user").orElse(null),
                        call.intQuery("limit", 100))));
    }

    private Reply get(Call call) throws Exception {
        long id = id(call);
        return Reply.ok(
                database.query(c -> sessions.find(c, id)).orElseThrow(() -> Refusal.notFound("no session " + id)));
    }

    /** The asciicast v2 file ({@code asciinema play} plays it). */
    private Reply recording(Call call) throws Exception {
        long id = id(call);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!sessions.copyRecording(id, out)) {
            throw Refusal.notFound("session " + id + " has no recording");
        }
        byte[] bytes = out.toByteArray();
        return Reply.streamed("application/x-asciicast", bytes.length, () -> new ByteArrayInputStream(bytes));
    }

    private static long id(Call call) {
        try {
            return Long.parseLong(call.path(0));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no such session");
        }
    }
}
