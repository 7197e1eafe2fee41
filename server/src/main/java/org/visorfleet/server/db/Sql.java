package org.visorfleet.server.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;

/** Positional-parameter JDBC in one line: {@code Sql.update(c, "UPDATE t SET a = ? WHERE id = ?", a, id)}. */
public final class Sql {
    private Sql() {}

    /** Runs an INSERT, UPDATE or DELETE and returns the row count. A null argument is SQL NULL. */
    public static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, Arrays.asList(args))) { // asList keeps nulls
            return ps.executeUpdate();
        }
    }

    /** A statement with its parameters bound; the caller closes it. A null argument is SQL NULL. */
    public static PreparedStatement prepare(Connection c, String sql, List<?> args) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < args.size(); i++) {
                Object arg = args.get(i);
                if (arg == null) {
                    ps.setNull(i + 1, Types.NULL);
                } else {
                    ps.setObject(i + 1, arg);
                }
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }
}
