package org.visorfleet.server.init;

import java.nio.file.Path;

/**
 * The files of one server:
 *
 * <pre>
 * DATA/server.json      settings (see {@link ServerSettings})
 * DATA/ca.pem           fleet CA certificate (the key lives in the database)
 * DATA/server.pem       this server's certificate, then the CA
 * DATA/server-key.pem   this server's private key (0600)
 * DATA/db/              the embedded H2 database, unless settings name another JDBC URL
 * </pre>
 */
public record DataDirectory(Path root) {

    public Path settings() {
        return root.resolve("server.json");
    }

    public Path caCertificate() {
        return root.resolve("ca.pem");
    }

    public Path serverCertificate() {
        return root.resolve("server.pem");
    }

    public Path serverKey() {
        return root.resolve("server-key.pem");
    }
}
