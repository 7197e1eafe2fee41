package org.visorfleet.server.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.grid.GridBlobs;
import org.visorfleet.server.grid.GridResults;

/**
 * The grid for agents, over HTTPS with their client certificate: downloading the files of a work
 * unit, returning results. (Work itself arrives over the agent's WebSocket.)
 */
public final class AgentGridRoutes {

    private final Database database;
    private final GridBlobs blobs;
    private final GridResults results;

    public AgentGridRoutes(Database database, GridBlobs blobs, GridResults results) {
        this.database = database;
        this.blobs = blobs;
        this.results = results;
    }

    public List<Route> routes() {
        return List.of(
                Route.agent("GET", "/agent/v1/grid/blobs/{sha}", this::blob),
                Route.agent("PUT", "/agent/v1/grid/results/{assignment}", this::result));
    }

    /** A file some job references (program, stdin, input); others are not the agents' business. */
    private Reply blob(Call call) throws Exception {
        String sha = call.path(0);
        if (!GridBlobs.isSha256(sha)) {
            throw Refusal.notFound("no such file");
        }
        Long size = database.query(c -> {
            try (var ps = Sql.prepare(
                            c,
                            "SELECT b.size_bytes FROM grid_blobs b WHERE b.sha256 = ? AND EXISTS"
                                    + " (SELECT 1 FROM grid_job_files f WHERE f.sha256 = b.sha256)",
                            List.of(sha));
                    var rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        });
        if (size == null) {
            throw Refusal.notFound("no such file");
        }
        Path file = blobs.file(sha, size);
        return Reply.streamed("application/octet-stream", size, () -> Files.newInputStream(file));
    }

    private Reply result(Call call) throws Exception {
        long assignment;
        try {
            assignment = Long.parseLong(call.path(0));
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no such assignment");
        }
        return Reply.ok(results.accept(call.agent(), assignment, call.upload()));
    }
}
