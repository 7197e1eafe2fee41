package org.visorfleet.server.fleet;

import java.security.cert.X509Certificate;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.visorfleet.common.pki.Csr;
import org.visorfleet.common.pki.FleetCa;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.common.pki.PkiException;
import org.visorfleet.common.wire.Enrollment;
import org.visorfleet.server.Names;
import org.visorfleet.server.Refusal;
import org.visorfleet.server.db.Database;
import org.visorfleet.server.events.EventLog;

/**
 * Turns an enrollment token and a CSR into an enrolled client with a certificate. Everything happens
 * in one transaction: the token is claimed, the name chosen, the certificate issued and the client
 * and its event stored together, or nothing is (a server killed midway leaves the token unused).
 */
public final class Enroller {

    private static final Duration CLIENT_CERTIFICATE_VALIDITY = Duration.ofDays(825);

    private final Database database;
    private final FleetCa ca;
    private final EnrollmentTokens tokens;
    private final Clients clients;
    private final EventLog events;

    public Enroller(Database database, FleetCa ca, EnrollmentTokens tokens, Clients clients, EventLog events) {
        this.database = database;
        this.ca = ca;
        this.tokens = tokens;
        this.clients = clients;
        this.events = events;
    }

    /** Enrolls a desktop; refusals are {@link Refusal}s with the reason. */
    public Enrollment.Response enroll(Enrollment.Request request, List<String> serverUrls) throws SQLException {
        if (request.token() == null || request.csr() == null || request.hostname() == null) {
            throw Refusal.invalid("token, csr and hostname are required");
        }
        String hostname = request.hostname().strip();
        if (hostname.isEmpty() || hostname.length() > 255 || hostname.chars().anyMatch(Character::isISOControl)) {
            throw Refusal.invalid("hostname must be 1 to 255 printable characters");
        }
        Csr csr;
        try {
            csr = Csr.fromPem(request.csr());
        } catch (PkiException e) {
            throw Refusal.invalid("bad CSR: " + e.getMessage());
        }
        for (int attempt = 1; ; attempt++) {
            try {
                return enrollOnce(csr, hostname, request.token(), serverUrls);
            } catch (SQLException e) {
                // Two desktops with one host name enrolling at once both pick the same free name;
                // the loser's insert violates the unique name, rolls back whole, and tries again.
                if (!"23505".equals(e.getSQLState()) || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    private Enrollment.Response enrollOnce(Csr csr, String hostname, String secret, List<String> serverUrls)
            throws SQLException {
        return database.transaction(c -> {
            String name = clients.uniqueName(c, Names.labelFromHostname(hostname));
            EnrollmentTokens.Redeemable token = tokens.redeem(c, secret, name);
            X509Certificate certificate = ca.issueClient(csr, name, CLIENT_CERTIFICATE_VALIDITY);
            clients.insert(c, name, token.groupId(), hostname, certificate);
            events.append(
                    c,
                    "client.enrolled",
                    "enrollment-token:" + token.id(),
                    name,
                    "hostname " + hostname + ", certificate serial " + Clients.serialOf(certificate));
            return new Enrollment.Response(
                    name, Pem.toPem(certificate), Pem.toPem(ca.certificate()), List.copyOf(serverUrls));
        });
    }
}
