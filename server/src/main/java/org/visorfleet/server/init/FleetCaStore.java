package org.visorfleet.server.init;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import org.visorfleet.common.pki.FleetCa;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.PkiException;
import org.visorfleet.server.db.Database;

/**
 * The fleet CA's home: one row in the database, so every server sharing the database issues
 * certificates under the same CA. Whoever can read the database can already rule the fleet, so
 * the key is no more exposed there than the fleet itself.
 */
public final class FleetCaStore {

    private FleetCaStore() {}

    public static Optional<FleetCa> load(Database database) throws SQLException, IOException {
        Optional<String[]> row = database.query(c -> {
            try (PreparedStatement ps =
                            c.prepareStatement("SELECT certificate_pem, private_key_pem FROM fleet_ca WHERE id = 1");
                    ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new String[] {rs.getString(1), rs.getString(2)}) : Optional.empty();
            }
        });
        if (row.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new FleetCa(Pem.readCertificates(row.get()[0]).getFirst(), Pem.readPrivateKey(row.get()[1])));
        } catch (PkiException e) {
            throw new IOException("fleet CA in the database is unreadable: " + e.getMessage(), e);
        }
    }

    /** Stores the CA unless one exists; returns the one that is stored afterwards. */
    public static FleetCa storeIfAbsent(Database database, FleetCa ca, long now) throws SQLException, IOException {
        database.transaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO fleet_ca (id, certificate_pem,"
                    + " private_key_pem, created_at) SELECT 1, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM fleet_ca)")) {
                ps.setString(1, Pem.toPem(ca.certificate()));
                ps.setString(2, Pem.toPem(ca.privateKey()));
                ps.setLong(3, now);
                ps.executeUpdate();
            }
            return null;
        });
        return load(database).orElseThrow();
    }
}
