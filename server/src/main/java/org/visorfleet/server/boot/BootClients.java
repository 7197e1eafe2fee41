package org.visorfleet.server.boot;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.visorfleet.aoe.codec.MacAddress;
import org.visorfleet.server.Names;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.db.Sql;
import org.visorfleet.server.events.EventLog;

/**
 * Machines that network-boot, known by MAC: registered as pending on their first boot script
 * request, approved into a group by an administrator (or ignored), tied to the enrolled fleet
 * client whose agent reports the same MAC, with their boot and disk activity.
 */
public final class BootClients {

    /** A boot client as the API shows it. */
    public record BootClient(
            String mac,
            String status,
            String name,
            String group,
            String client,
            long firstSeen,
            String lastAddress,
            Long firstBoot,
            Long lastBoot,
            long boots,
            String lastExport,
            long bytesRead,
            long bytesWritten,
            Long lastIo) {}

    /** What a machine asking for its boot script gets. */
    public sealed interface Decision {
        /** Unknown until now, or still waiting for an administrator. */
        record Pending(MacAddress mac) implements Decision {}

        /** An administrator chose not to boot it from the network. */
        record Ignored(MacAddress mac) implements Decision {}

        /** Approved, but its group boots nothing. */
        record NoExport(MacAddress mac, String name, String reason) implements Decision {}

        /** Boot this export. */
        record Boot(MacAddress mac, String name, BootExports.Export export) implements Decision {}
    }

    /** New pending machines are no longer recorded past this many (a MAC-spraying flood stays bounded). */
    static final int MAX_PENDING = 10_000;

    private final Database database;
    private final BootExports exports;
    private final EventLog events;
    private final Clock clock;

    public BootClients(Database database, BootExports exports, EventLog events, Clock clock) {
        this.database = database;
        this.exports = exports;
        this.events = events;
        this.clock = clock;
    }

    /** Parses a MAC from the API or a boot request; a refusal says what is expected. */
    public static MacAddress parseMac(String text) {
        return MacAddress.parse(text)
                .orElseThrow(() -> Refusal.invalid("mac must look like 52:54:00:12:34:56, got "
                        + (text == null ? "nothing" : "\"" + clip(text) + "\"")));
    }

    /** Decides (and records) what the machine with {@code mac} boots; called once per boot script request. */
    public Decision decide(MacAddress mac, String remote) throws SQLException {
        return database.transaction(c -> {
            long now = clock.millis();
            Optional<Row> row = find(c, mac);
            if (row.isEmpty()) {
                if (count(c, "pending") >= MAX_PENDING) {
                    return new Decision.Pending(mac);
                }
                Sql.update(
                        c,
                        "INSERT INTO boot_clients (mac, status, first_seen, last_address) VALUES (?, 'pending', ?, ?)",
                        mac.toString(),
                        now,
                        remote);
                events.append(
                        c, "boot.pending", "remote:" + remote, null, mac + " asked to boot; waiting for approval");
                return new Decision.Pending(mac);
            }
            Row r = row.get();
            Sql.update(c, "UPDATE boot_clients SET last_address = ? WHERE mac = ?", remote, mac.toString());
            return switch (r.status()) {
                case "pending" -> new Decision.Pending(mac);
                case "ignored" -> new Decision.Ignored(mac);
                default -> approved(c, r, mac, now);
            };
        });
    }

    private Decision approved(Connection c, Row r, MacAddress mac, long now) throws SQLException {
        if (r.groupId() == null) {
            return refuse(c, mac, r.name(), "it is in no group");
        }
        Optional<String> address = groupExport(c, r.groupId());
        if (address.isEmpty()) {
            return refuse(c, mac, r.name(), "its group boots no export");
        }
        BootExports.Export export = exports.require(c, address.get());
        Sql.update(
                c,
                "UPDATE boot_clients SET first_boot = COALESCE(first_boot, ?), last_boot = ?, boots = boots + 1,"
                        + " last_export = ? WHERE mac = ?",
                now,
                now,
                export.address(),
                mac.toString());
        events.append(
                c,
                "boot.started",
                "boot:" + r.name(),
                null,
                r.name() + " (" + mac + ") boots " + export.image() + " v" + export.version() + " from "
                        + export.address());
        return new Decision.Boot(mac, r.name(), export);
    }

    private Decision refuse(Connection c, MacAddress mac, String name, String reason) throws SQLException {
        events.append(c, "boot.refused", "boot:" + name, null, name + " (" + mac + ") cannot boot: " + reason);
        return new Decision.NoExport(mac, name, reason);
    }

    /**
     * Approves (or re-assigns) a machine into {@code groupId} under {@code name} (default: from the
     * MAC). A MAC never seen before is registered approved, so machines can be set up before their
     * first boot.
     */
    public BootClient approve(Connection c, MacAddress mac, String name, long groupId) throws SQLException {
        Optional<Row> row = find(c, mac);
        String chosen = name != null
                ? name
                : row.map(Row::name).orElse(null) != null ? row.get().name() : defaultName(mac);
        Names.requireLabel("boot client", chosen);
        Optional<BootClient> holder = byName(c, chosen);
        if (holder.isPresent() && !holder.get().mac().equals(mac.toString())) {
            throw Refusal.conflict(
                    "name " + chosen + " is taken by " + holder.get().mac());
        }
        if (row.isEmpty()) {
            Sql.update(
                    c,
                    "INSERT INTO boot_clients (mac, status, first_seen, last_address) VALUES (?, 'approved', ?, '')",
                    mac.toString(),
                    clock.millis());
        }
        Sql.update(
                c,
                "UPDATE boot_clients SET status = 'approved', name = ?, group_id = ? WHERE mac = ?",
                chosen,
                groupId,
                mac.toString());
        return get(c, mac);
    }

    public BootClient ignore(Connection c, MacAddress mac) throws SQLException {
        require(c, mac);
        Sql.update(c, "UPDATE boot_clients SET status = 'ignored' WHERE mac = ?", mac.toString());
        return get(c, mac);
    }

    /** Forgets a machine; its next boot registers it as pending again. */
    public BootClient forget(Connection c, MacAddress mac) throws SQLException {
        BootClient gone = get(c, mac);
        Sql.update(c, "DELETE FROM boot_clients WHERE mac = ?", mac.toString());
        return gone;
    }

    /** "pc-525400123456": a DNS label that names the machine until an administrator picks a better one. */
    static String defaultName(MacAddress mac) {
        return "pc-" + mac.toString().replace(":", "");
    }

    public List<BootClient> list(String status) throws SQLException {
        if (status != null && !List.of("pending", "approved", "ignored").contains(status)) {
            throw Refusal.invalid("status must be pending, approved or ignored");
        }
        return database.query(c ->
                select(c, status == null ? "" : " WHERE b.status = ?", status == null ? List.of() : List.of(status)));
    }

    public BootClient get(Connection c, MacAddress mac) throws SQLException {
        return select(c, " WHERE b.mac = ?", List.of(mac.toString())).stream()
                .findFirst()
                .orElseThrow(() -> Refusal.notFound("no boot client " + mac));
    }

    public BootClient get(MacAddress mac) throws SQLException {
        return database.query(c -> get(c, mac));
    }

    /** The boot records of an enrolled client (its agent reported their MACs). */
    public List<BootClient> ofClient(String clientName) throws SQLException {
        return database.query(c -> select(c, " WHERE fc.name = ?", List.of(clientName)));
    }

    /** Adds disk activity counted by the AoE target since the last call. */
    public void addActivity(Collection<Activity> deltas) throws SQLException {
        if (deltas.isEmpty()) {
            return;
        }
        database.transaction(c -> {
            for (Activity a : deltas) {
                Sql.update(
                        c,
                        "UPDATE boot_clients SET bytes_read = bytes_read + ?, bytes_written = bytes_written + ?,"
                                + " last_io = GREATEST(COALESCE(last_io, 0), ?) WHERE mac = ?",
                        a.bytesRead(),
                        a.bytesWritten(),
                        a.lastIo(),
                        a.mac().toString());
            }
            return null;
        });
    }

    /** Disk activity of one machine over some interval. */
    public record Activity(MacAddress mac, long bytesRead, long bytesWritten, long lastIo) {}

    /**
     * Ties the boot records of {@code macs} (as an agent reported them; malformed ones are skipped) to
     * the enrolled client {@code clientId}, in the caller's transaction.
     */
    public static void tieToClient(Connection c, long clientId, Collection<String> macs) throws SQLException {
        for (String text : macs.stream().limit(64).toList()) {
            Optional<MacAddress> mac = MacAddress.parse(text);
            if (mac.isPresent()) {
                Sql.update(
                        c,
                        "UPDATE boot_clients SET client_id = ? WHERE mac = ? AND (client_id IS NULL OR client_id <> ?)",
                        clientId,
                        mac.get().toString(),
                        clientId);
            }
        }
    }

    private record Row(String status, String name, Long groupId) {}

    private static Optional<Row> find(Connection c, MacAddress mac) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(
                        c, "SELECT status, name, group_id FROM boot_clients WHERE mac = ?", List.of(mac.toString()));
                ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            long group = rs.getLong(3);
            return Optional.of(new Row(rs.getString(1), rs.getString(2), rs.wasNull() ? null : group));
        }
    }

    private static Row require(Connection c, MacAddress mac) throws SQLException {
        return find(c, mac).orElseThrow(() -> Refusal.notFound("no boot client " + mac));
    }

    private static Optional<String> groupExport(Connection c, long groupId) throws SQLException {
        try (PreparedStatement ps = Sql.prepare(
                        c,
                        "SELECT e.shelf, e.slot FROM client_groups g JOIN boot_exports e ON e.id = g.boot_export_id"
                                + " WHERE g.id = ?",
                        List.of(groupId));
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(BootExports.format(rs.getInt(1), rs.getInt(2))) : Optional.empty();
        }
    }

    private static long count(Connection c, String status) throws SQLException {
        try (PreparedStatement ps =
                        Sql.prepare(c, "SELECT COUNT(*) FROM boot_clients WHERE status = ?", List.of(status));
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Optional<BootClient> byName(Connection c, String name) throws SQLException {
        return select(c, " WHERE b.name = ?", List.of(name)).stream().findFirst();
    }

    private static List<BootClient> select(Connection c, String where, List<?> args) throws SQLException {
        String sql = "SELECT b.mac, b.status, b.name, g.name, fc.name, b.first_seen, b.last_address, b.first_boot,"
                + " b.last_boot, b.boots, b.last_export, b.bytes_read, b.bytes_written, b.last_io"
                + " FROM boot_clients b LEFT JOIN client_groups g ON g.id = b.group_id"
                + " LEFT JOIN clients fc ON fc.id = b.client_id" + where + " ORDER BY b.mac";
        List<BootClient> out = new ArrayList<>();
        try (PreparedStatement ps = Sql.prepare(c, sql, args);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new BootClient(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getLong(6),
                        rs.getString(7),
                        nullableLong(rs, 8),
                        nullableLong(rs, 9),
                        rs.getLong(10),
                        rs.getString(11),
                        rs.getLong(12),
                        rs.getLong(13),
                        nullableLong(rs, 14)));
            }
        }
        return out;
    }

    private static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static String clip(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
