package org.visorfleet.common.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/** The JSON bodies of {@code POST /api/v1/enroll}. */
public final class Enrollment {

    private Enrollment() {}

    /**
     * @param token the enrollment token's secret part ({@code vfe_...})
     * @param csr a PKCS#10 request in PEM
     * @param hostname the desktop's host name (the client name is derived from it)
     */
    public record Request(String token, String csr, String hostname) {}

    /**
     * @param name the client name the fleet assigned
     * @param certificate the agent's certificate (PEM)
     * @param caCertificate the fleet CA (PEM)
     * @param servers HTTPS URLs of the fleet's servers known at enrollment
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Response(String name, String certificate, String caCertificate, List<String> servers) {}
}
