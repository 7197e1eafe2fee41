package org.visorfleet.server.api;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.visorfleet.common.pki.FleetCa;
import org.visorfleet.common.pki.Pem;
import org.visorfleet.server.fleet.Clients;

/**
 * The fleet CA certificate and its revocation list, public like any CA's: {@code GET /api/v1/ca}
 * and {@code GET /api/v1/crl} (PEM). Deleted clients' certificates are not listed: the server
 * refuses them because it no longer knows them, and so should any verifier that asks it.
 */
public final class CaRoutes {

    private static final Duration CRL_VALIDITY = Duration.ofDays(1);

    private final FleetCa ca;
    private final Clients clients;

    public CaRoutes(FleetCa ca, Clients clients) {
        this.ca = ca;
        this.clients = clients;
    }

    public List<Route> routes() {
        return List.of(
                Route.of(
                        "GET",
                        "/api/v1/ca",
                        null,
                        c -> Reply.raw("application/x-pem-file", Pem.toPem(ca.certificate()))),
                Route.of("GET", "/api/v1/crl", null, this::crl));
    }

    private Reply crl(Call call) throws Exception {
        List<FleetCa.Revoked> revoked = clients.revokedCertificates().entrySet().stream()
                .map(e -> new FleetCa.Revoked(new BigInteger(e.getKey(), 16), Instant.ofEpochMilli(e.getValue())))
                .toList();
        return Reply.raw("application/x-pem-file", Pem.toPem(ca.issueCrl(revoked, CRL_VALIDITY)));
    }
}
