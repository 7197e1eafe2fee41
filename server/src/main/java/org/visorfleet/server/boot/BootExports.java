package org.visorfleet.server.boot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.visorfleet.aoe.store.ExportAddress;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;

/**
 * AoE exports as the database keeps them: an address ({@code eSHELF.SLOT}) bound to one image
 * version, and the groups that boot it. What is actually served is {@link AoeService}'s business.
 */
public final class BootExports {

    /** An export row with what the API shows about it. */
    public record Export(
            long id,
            String address,
            String image,
            int version,
            long sizeBytes,
            String sha256,
            String fileName,
            List<String> groups,
            String createdBy,
            long createdAt) {

        public ExportAddress aoeAddress() {
            return parseAddress(address);
        }
    }

    /** The shelf new exports go to unless the request names an address. */
    static final int DEFAULT_SHELF = 1;

    private final Database database;
    private final Clock clock;

    public BootExports(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** Parses {@code e1.0} or {@code 1.0}; a refusal names the accepted form. */
    public static ExportAddress parseAddress(String text) {
        String bare = text != null && text.startsWith("e") ? text.substring(1) : text;
        return Optional.ofNullable(bare)
                .flatMap(ExportAddress::parse)
                .orElseThrow(() -> Refusal.invalid(
                        "export address must be eSHELF.SLOT with shelf 0-65534 and slot 0-254, e.g. e1.0"));
    }

    public static String format(ExportAddress address) {
        return format(address.shelf(), address.slot());
    }

    /** {@code e1.0}: how the API, the CLI and iPXE ({@code aoe:e1.0}) spell an export address. */
    public static String format(int shelf, int slot) {
        return "e" + shelf + "." + slot;
    }

    /** Creates an export of {@code version}; {@code address} null takes the first free slot on shelf 1. */
    public Export create(Connection c, ImageLibrary.VersionFile version, ExportAddress address, String actor)
            throws SQLException {
        Set<String> taken = new HashSet<>();
        for (Export e : list(c)) {
            taken.add(e.address());
        }
        ExportAddress chosen = address != null ? address : firstFree(taken);
        if (taken.contains(format(chosen))) {
            throw Refusal.conflict("export " + format(chosen) + " already exists");
        }
        Sql.update(
                c,
                "INSERT INTO boot_exports (shelf, slot, image_version_id, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                chosen.shelf(),
                chosen.slot(),
                version.version().id(),
                actor,
                clock.millis());
        return require(c, format(chosen));
    }

    private static ExportAddress firstFree(Set<String> taken) {
        for (int shelf = DEFAULT_SHELF; shelf < 0xFFFF; shelf++) {
            for (int slot = 0; slot < 0xFF; slot++) {
                ExportAddress candidate = new ExportAddress(shelf, slot);
                if (!taken.contains(format(candidate))) {
                    return candidate;
                }
            }
        }
        throw Refusal.conflict("every AoE address is taken");
    }

    public List<Export> list() throws SQLException {
        return database.query(this::list);
    }

    public List<Export> list(Connection c) throws SQLException {
        return select(c, "", List.of());
    }

    public Optional<Export> find(Connection c, String address) throws SQLException {
        ExportAddress a = parseAddress(address);
        List<Export> found = select(c, " WHERE e.shelf = ? AND e.slot = ?", List.of(a.shelf(), a.slot()));
        return found.stream().findFirst();
    }

    public Export require(Connection c, String address) throws SQLException {
        return find(c, address).orElseThrow(() -> Refusal.notFound("no export " + format(parseAddress(address))));
    }

    /** Deletes an export no group boots. */
    public Export delete(Connection c, String address) throws SQLException {
        Export export = require(c, address);
        if (!export.groups().isEmpty()) {
            throw Refusal.conflict("export " + export.address() + " is booted by group(s) "
                    + String.join(", ", export.groups()) + "; give them another export first");
        }
        Sql.update(c, "DELETE FROM boot_exports WHERE id = ?", export.id());
        return export;
    }

    /** Sets (or with null clears) the export the clients of a group boot. */
    public void setGroupExport(Connection c, long groupId, Export export) throws SQLException {
        Sql.update(
                c,
                "UPDATE client_groups SET boot_export_id = ? WHERE id = ?",
                export == null ? null : export.id(),
                groupId);
    }

    private List<Export> select(Connection c, String where, List<?> args) throws SQLException {
        String sql = "SELECT e.id, e.shelf, e.slot, i.name, v.version, v.size_bytes, v.sha256, v.file_name,"
                + " e.created_by, e.created_at"
                + " FROM boot_exports e JOIN image_versions v ON v.id = e.image_version_id"
                + " JOIN images i ON i.id = v.image_id" + where + " ORDER BY e.shelf, e.slot";
        List<Export> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long id = rs.getLong(1);
                out.add(new Export(
                        id,
                        format(rs.getInt(2), rs.getInt(3)),
                        rs.getString(4),
                        rs.getInt(5),
                        rs.getLong(6),
                        rs.getString(7),
                        rs.getString(8),
                        groupsOf(c, id),
                        rs.getString(9),
                        rs.getLong(10)));
            }
        }
        return out;
    }

    private static List<String> groupsOf(Connection c, long exportId) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(
                        c, "SELECT name FROM client_groups WHERE boot_export_id = ? ORDER BY name", List.of(exportId));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
