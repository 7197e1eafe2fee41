package org.visorfleet.server.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.aoe.server.OverlayStorage;
import org.visorfleet.server.Names;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.auth.Role;
import org.visorfleet.server.boot.AoeService;
import org.visorfleet.server.boot.BootClients;
import org.visorfleet.server.boot.BootExports;
import org.visorfleet.server.boot.ImageLibrary;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;
import org.visorfleet.server.fleet.Groups;

/** The boot service: golden images, AoE exports and their overlays, network-booting machines. */
public final class BootRoutes {

    record PublishRequest(Integer version) {}

    record ExportRequest(String image, Integer version, String address) {}

    record PromoteRequest(String image, String description) {}

    record GroupExportRequest(String export) {}

    record ApproveRequest(String group, String name) {}

    /** An export as the API shows it: the row, and whether this server serves it. */
    record ExportView(
            String address,
            String image,
            int version,
            long sizeBytes,
            String sha256,
            List<String> groups,
            boolean served,
            String problem,
            String createdBy,
            long createdAt) {}

    private final Database database;
    private final ImageLibrary images;
    private final BootExports exports;
    private final BootClients machines;
    private final Groups groups;
    private final AoeService aoe;
    private final EventLog events;

    public BootRoutes(
            Database database,
            ImageLibrary images,
            BootExports exports,
            BootClients machines,
            Groups groups,
            AoeService aoe,
            EventLog events) {
        this.database = database;
        this.images = images;
        this.exports = exports;
        this.machines = machines;
        this.groups = groups;
        this.aoe = aoe;
        this.events = events;
    }

    public List<Route> routes() {
        return List.of(
                Route.of("GET", "/api/v1/images", Role.VIEWER, c -> Reply.ok(Map.of("items", images.list()))),
                Route.of("GET", "/api/v1/images/{name}", Role.VIEWER, this::getImage),
                Route.upload("POST", "/api/v1/images/{name}/versions", Role.ADMIN, this::uploadVersion),
                Route.of("POST", "/api/v1/images/{name}/publish", Role.ADMIN, this::publish),
                Route.of("DELETE", "/api/v1/images/{name}/versions/{version}", Role.ADMIN, this::deleteVersion),
                Route.of("GET", "/api/v1/exports", Role.VIEWER, c -> Reply.ok(Map.of("items", exportViews()))),
                Route.of("POST", "/api/v1/exports", Role.ADMIN, this::createExport),
                Route.of("GET", "/api/v1/exports/{address}", Role.VIEWER, this::getExport),
                Route.of("DELETE", "/api/v1/exports/{address}", Role.ADMIN, this::deleteExport),
                Route.of("GET", "/api/v1/exports/{address}/overlays", Role.VIEWER, this::listOverlays),
                Route.of("DELETE", "/api/v1/exports/{address}/overlays/{mac}", Role.HELPDESK, this::resetOverlay),
                Route.of("POST", "/api/v1/exports/{address}/overlays/{mac}/promote", Role.ADMIN, this::promote),
                Route.of("PUT", "/api/v1/groups/{name}/boot-export", Role.ADMIN, this::setGroupExport),
                Route.of("GET", "/api/v1/boot/clients", Role.VIEWER, this::listMachines),
                Route.of("GET", "/api/v1/boot/clients/{mac}", Role.VIEWER, this::getMachine),
                Route.of("POST", "/api/v1/boot/clients/{mac}/approve", Role.HELPDESK, this::approve),
                Route.of("POST", "/api/v1/boot/clients/{mac}/ignore", Role.HELPDESK, this::ignore),
                Route.of("DELETE", "/api/v1/boot/clients/{mac}", Role.HELPDESK, this::forget),
                Route.of(
                        "GET",
                        "/api/v1/clients/{name}/boot",
                        Role.VIEWER,
                        c -> Reply.ok(Map.of("items", machines.ofClient(c.path(0))))));
    }

    // ---- images

    private Reply getImage(Call call) throws Exception {
        return Reply.ok(database.query(c -> images.require(c, call.path(0))));
    }

    private Reply uploadVersion(Call call) throws Exception {
        String name = call.path(0);
        Names.requireLabel("image", name);
        Optional<String> sha = call.query("sha256");
        String description = call.query("description").orElse("");
        ImageLibrary.Staged staged = images.stage(call.upload(), sha);
        return Reply.created(commit(call, staged, name, description, "upload by " + call.actor()));
    }

    /** Adds a staged file as the next version of {@code name}, with its event; the staged file never outlives this. */
    private ImageLibrary.Version commit(
            Call call, ImageLibrary.Staged staged, String name, String description, String source)
            throws IOException, SQLException {
        try {
            return images.add(
                    staged,
                    name,
                    description,
                    source,
                    call.actor(),
                    (c, v) -> events.append(
                            c,
                            "image.imported",
                            call.actor(),
                            null,
                            name + " v" + v.version() + ": " + v.sizeBytes() + " bytes, sha256 " + v.sha256() + " ("
                                    + source + ")"));
        } finally {
            Files.deleteIfExists(staged.file());
        }
    }

    private Reply publish(Call call) throws Exception {
        PublishRequest request = call.body(PublishRequest.class);
        if (request.version() == null) {
            throw Refusal.invalid("version is required");
        }
        ImageLibrary.Version v = database.transaction(c -> {
            ImageLibrary.Version published = images.publish(c, call.path(0), request.version());
            events.append(c, "image.published", call.actor(), null, call.path(0) + " v" + request.version());
            return published;
        });
        return Reply.ok(v);
    }

    private Reply deleteVersion(Call call) throws Exception {
        int version = intPath(call.path(1), "version");
        String fileName = database.transaction(c -> {
            String file = images.delete(c, call.path(0), version);
            events.append(c, "image.deleted", call.actor(), null, call.path(0) + " v" + version);
            return file;
        });
        images.discard(fileName);
        return Reply.noContent();
    }

    // ---- exports

    private List<ExportView> exportViews() throws SQLException {
        Map<String, String> problems = aoe.problems();
        return exports.list().stream().map(e -> view(e, problems)).toList();
    }

    private static ExportView view(BootExports.Export e, Map<String, String> problems) {
        String problem = problems.get(e.address());
        return new ExportView(
                e.address(),
                e.image(),
                e.version(),
                e.sizeBytes(),
                e.sha256(),
                e.groups(),
                problem == null,
                problem,
                e.createdBy(),
                e.createdAt());
    }

    /** Brings the AoE target in line with the database after a change made here. */
    private Map<String, String> sync() throws SQLException {
        return aoe.sync(exports.list());
    }

    private Reply createExport(Call call) throws Exception {
        ExportRequest request = call.body(ExportRequest.class);
        if (request.image() == null) {
            throw Refusal.invalid("image is required");
        }
        BootExports.Export export = database.transaction(c -> {
            ImageLibrary.VersionFile version = images.requireVersion(c, request.image(), request.version());
            BootExports.Export created = exports.create(
                    c,
                    version,
                    request.address() == null ? null : BootExports.parseAddress(request.address()),
                    call.actor());
            events.append(
                    c,
                    "export.created",
                    call.actor(),
                    null,
                    created.address() + ": " + created.image() + " v" + created.version());
            return created;
        });
        return Reply.created(view(export, sync()));
    }

    private Reply getExport(Call call) throws Exception {
        BootExports.Export export = database.query(c -> exports.require(c, call.path(0)));
        return Reply.ok(view(export, aoe.problems()));
    }

    private Reply deleteExport(Call call) throws Exception {
        BootExports.Export export = database.transaction(c -> {
            BootExports.Export deleted = exports.delete(c, call.path(0));
            events.append(
                    c,
                    "export.deleted",
                    call.actor(),
                    null,
                    deleted.address() + ": " + deleted.image() + " v" + deleted.version());
            return deleted;
        });
        sync();
        int discarded = aoe.discardOverlays(export.aoeAddress());
        if (discarded > 0) {
            events.append(
                    "overlay.discarded",
                    call.actor(),
                    null,
                    export.address() + ": " + discarded + " client overlay(s) removed with the export");
        }
        return Reply.noContent();
    }

    // ---- overlays

    private Reply listOverlays(Call call) throws Exception {
        database.query(c -> exports.require(c, call.path(0)));
        return Reply.ok(Map.of("items", aoe.overlays(call.path(0))));
    }

    private Reply resetOverlay(Call call) throws Exception {
        BootExports.Export export = database.query(c -> exports.require(c, call.path(0)));
        MacAddress mac = BootClients.parseMac(call.path(1));
        boolean force = call.query("force").map(Boolean::parseBoolean).orElse(false);
        boolean existed = aoe.reset(export.address(), mac, force);
        if (!existed) {
            throw Refusal.notFound("client " + mac + " has no overlay on " + export.address());
        }
        events.append(
                "overlay.reset",
                call.actor(),
                null,
                export.address() + ": " + mac + " sees " + export.image() + " v" + export.version() + " again"
                        + (force ? " (forced)" : ""));
        return Reply.noContent();
    }

    private Reply promote(Call call) throws Exception {
        PromoteRequest request =
                call.body().isBlank() ? new PromoteRequest(null, null) : call.body(PromoteRequest.class);
        BootExports.Export export = database.query(c -> exports.require(c, call.path(0)));
        MacAddress mac = BootClients.parseMac(call.path(1));
        String image = request.image() != null ? request.image() : export.image();
        Names.requireLabel("image", image);
        Path destination = images.incomingPath();
        OverlayStorage.Snapshot snapshot;
        try {
            snapshot = aoe.snapshot(export.address(), mac, destination);
        } catch (IOException e) {
            throw ImageLibrary.diskFull(e);
        }
        ImageLibrary.Staged staged = new ImageLibrary.Staged(destination, snapshot.bytes(), snapshot.sha256());
        String description = request.description() != null
                ? request.description()
                : "promoted from " + mac + " on " + export.address() + " (" + export.image() + " v" + export.version()
                        + ")";
        return Reply.created(commit(call, staged, image, description, "overlay of " + mac + " on " + export.address()));
    }

    // ---- groups and machines

    private Reply setGroupExport(Call call) throws Exception {
        GroupExportRequest request = call.body(GroupExportRequest.class);
        database.transaction(c -> {
            Groups.Group group = groups.require(c, call.path(0));
            BootExports.Export export = request.export() == null ? null : exports.require(c, request.export());
            exports.setGroupExport(c, group.id(), export);
            events.append(
                    c,
                    "group.boot-export",
                    call.actor(),
                    null,
                    group.name() + (export == null ? " boots nothing" : " boots " + export.address()));
            return null;
        });
        return Reply.ok(database.query(c -> groups.require(c, call.path(0))));
    }

    private Reply listMachines(Call call) throws Exception {
        return Reply.ok(Map.of("items", machines.list(call.query("status").orElse(null))));
    }

    private Reply getMachine(Call call) throws Exception {
        return Reply.ok(machines.get(BootClients.parseMac(call.path(0))));
    }

    private Reply approve(Call call) throws Exception {
        ApproveRequest request = call.body(ApproveRequest.class);
        MacAddress mac = BootClients.parseMac(call.path(0));
        if (request.group() == null) {
            throw Refusal.invalid("group is required");
        }
        return Reply.ok(database.transaction(c -> {
            Groups.Group group = groups.require(c, request.group());
            BootClients.BootClient approved = machines.approve(c, mac, request.name(), group.id());
            events.append(
                    c,
                    "boot.approved",
                    call.actor(),
                    null,
                    mac + " approved as " + approved.name() + " in group " + group.name());
            return approved;
        }));
    }

    private Reply ignore(Call call) throws Exception {
        MacAddress mac = BootClients.parseMac(call.path(0));
        return Reply.ok(database.transaction(c -> {
            BootClients.BootClient ignored = machines.ignore(c, mac);
            events.append(c, "boot.ignored", call.actor(), null, mac + " will not be booted from the network");
            return ignored;
        }));
    }

    private Reply forget(Call call) throws Exception {
        MacAddress mac = BootClients.parseMac(call.path(0));
        database.transaction(c -> {
            machines.forget(c, mac);
            events.append(
                    c, "boot.forgotten", call.actor(), null, mac + " forgotten; its next boot registers it again");
            return null;
        });
        return Reply.noContent();
    }

    private static int intPath(String text, String what) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw Refusal.invalid(what + " must be a number");
        }
    }
}
