package org.visorfleet.server.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.agents.AgentHub;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.grid.GridAgents;
import org.visorfleet.server.grid.GridBlobs;
import org.visorfleet.server.grid.GridJobs;
import org.visorfleet.server.grid.JobRequest;
import org.visorfleet.server.grid.JobSpec;

/** The grid for technicians: files, jobs and their results, and the agents' standing. */
public final class GridRoutes {

    /** Longest file upload (programs and inputs). */
    public static final long MAX_FILE_BYTES = 256L << 20;
    /** Longest job document. */
    public static final int MAX_JOB_BYTES = 4 << 20;

    record StoredFile(String sha256, long size) {}

    /** An agent's latest grid status, as it reported it to this server. */
    record StatusView(boolean idle, String reason, int running, int freeSlots) {}

    /** A client's grid standing; {@code status} is null unless it is connected to this server. */
    record AgentView(
            String name,
            long credit,
            int valid,
            int invalid,
            int errors,
            boolean flagged,
            String flagReason,
            Long flaggedAt,
            StatusView status) {}

    private final GridBlobs blobs;
    private final GridJobs jobs;
    private final GridAgents agents;
    private final AgentHub hub;
    private final Runnable kick;
    private final Runnable collect;

    /**
     * @param kick asks the scheduler for a pass (a new job reaches idle agents at once)
     * @param collect asks for a collection of files no job uses any more (after a purge)
     */
    public GridRoutes(
            GridBlobs blobs, GridJobs jobs, GridAgents agents, AgentHub hub, Runnable kick, Runnable collect) {
        this.blobs = blobs;
        this.jobs = jobs;
        this.agents = agents;
        this.hub = hub;
        this.kick = kick;
        this.collect = collect;
    }

    public List<Route> routes() {
        return List.of(
                Route.upload("POST", "/api/v1/grid/files", Role.HELPDESK, this::upload),
                Route.of("POST", "/api/v1/jobs", Role.HELPDESK, this::submit).withMaxBody(MAX_JOB_BYTES),
                Route.of("GET", "/api/v1/jobs", Role.VIEWER, c -> Reply.ok(Map.of("items", jobs.list()))),
                Route.of("GET", "/api/v1/jobs/{id}", Role.VIEWER, c -> Reply.ok(jobs.require(id(c)))),
                Route.of("DELETE", "/api/v1/jobs/{id}", Role.HELPDESK, c -> Reply.ok(jobs.cancel(id(c), c.actor()))),
                Route.of("POST", "/api/v1/jobs/{id}/purge", Role.HELPDESK, this::purge),
                Route.of("GET", "/api/v1/jobs/{id}/units", Role.VIEWER, this::units),
                Route.of("GET", "/api/v1/jobs/{id}/units/{index}/files/{name}", Role.VIEWER, this::file),
                Route.of("GET", "/api/v1/grid/agents", Role.VIEWER, this::listAgents),
                Route.of("POST", "/api/v1/grid/agents/{name}/unflag", Role.HELPDESK, this::unflag));
    }

    private Reply upload(Call call) throws Exception {
        GridBlobs.Blob blob = blobs.upload(call.upload(), MAX_FILE_BYTES, call.query("sha256"));
        return new Reply(blob.created() ? 201 : 200, new StoredFile(blob.sha256(), blob.size()));
    }

    private Reply submit(Call call) throws Exception {
        JobSpec spec = JobSpec.from(call.body(JobRequest.class));
        GridJobs.JobView job = jobs.submit(spec, call.actor());
        kick.run();
        return Reply.created(job);
    }

    /** Deletes a finished job's records at once and frees the files only it used (after the grace period). */
    private Reply purge(Call call) throws Exception {
        GridJobs.Purged purged = jobs.purge(id(call), call.actor());
        collect.run();
        return Reply.ok(purged);
    }

    private Reply units(Call call) throws Exception {
        int offset = call.intQuery("offset", 0);
        int limit = call.intQuery("limit", 1000);
        if (offset < 0 || limit < 1 || limit > 10_000) {
            throw Refusal.invalid("need offset >= 0 and 1 <= limit <= 10000");
        }
        GridJobs.JobView job = jobs.require(id(call));
        return Reply.ok(Map.of("total", job.unitsTotal(), "items", jobs.units(job.id(), offset, limit)));
    }

    private Reply file(Call call) throws Exception {
        int index = number(call.path(1), "unit index");
        GridJobs.ResultFile file = jobs.canonicalFile(id(call), index, call.path(2));
        java.nio.file.Path cached = blobs.file(file.sha256(), file.size());
        return Reply.streamed(
                "application/octet-stream", file.size(), () -> java.nio.file.Files.newInputStream(cached));
    }

    private Reply listAgents(Call call) throws Exception {
        List<AgentView> items = new ArrayList<>();
        for (GridAgents.Standing s : agents.list()) {
            items.add(view(s));
        }
        return Reply.ok(Map.of("items", items));
    }

    private AgentView view(GridAgents.Standing s) {
        AgentMessage.GridStatus status = hub.gridStatus(s.clientId()).orElse(null);
        return new AgentView(
                s.name(),
                s.credit(),
                s.valid(),
                s.invalid(),
                s.errors(),
                s.flagged(),
                s.flagReason(),
                s.flaggedAt(),
                status == null
                        ? null
                        : new StatusView(status.idle(), status.reason(), status.running(), status.freeSlots()));
    }

    private Reply unflag(Call call) throws Exception {
        String name = call.path(0);
        GridAgents.Standing standing = agents.list().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElseThrow(() -> Refusal.notFound("no client " + name));
        agents.unflag(standing.clientId(), name, call.actor());
        kick.run();
        GridAgents.Standing now = agents.list().stream()
                .filter(s -> s.name().equals(name))
                .findFirst()
                .orElse(standing);
        return Reply.ok(view(now));
    }

    private static long id(Call call) {
        return number(call.path(0), "job id");
    }

    private static int number(String text, String what) {
        try {
            int value = Integer.parseInt(text);
            if (value < 0) {
                throw Refusal.notFound("no such " + what + ": " + text);
            }
            return value;
        } catch (NumberFormatException e) {
            throw Refusal.notFound("no such " + what + ": " + (text.length() > 40 ? text.substring(0, 40) : text));
        }
    }
}
