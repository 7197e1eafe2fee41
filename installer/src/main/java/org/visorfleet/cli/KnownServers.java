package org.visorfleet.cli;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.visorfleet.common.pki.Fingerprints;
import org.visorfleet.common.pki.SingleAnchorTrust;

/**
 * Trust on first use for the admin CLI, like ssh's known_hosts: the first time it talks to a server
 * ({@code host:port}) the CLI remembers the SHA-256 of the certificate at the top of the chain the
 * server presents (the fleet CA, so a renewed server certificate is still trusted) and says so on
 * stderr; afterwards it accepts only chains that end in that certificate and whose server
 * certificate it signed. A mismatch is refused with both fingerprints.
 *
 * <p>File: {@code $VISORFLEET_HOME/known_servers} (default {@code ~/.visorfleet}), one
 * {@code host:port sha256} per line.
 */
final class KnownServers {

    private final Path file;

    KnownServers(Path file) {
        this.file = file;
    }

    static KnownServers atDefaultPlace() {
        String home = System.getenv("VISORFLEET_HOME");
        Path dir = home != null && !home.isBlank()
                ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".visorfleet");
        return new KnownServers(dir.resolve("known_servers"));
    }

    Path file() {
        return file;
    }

    /** A trust manager for {@code server} (host:port) that pins on first use; {@code notice} hears about new pins. */
    X509ExtendedTrustManager trustManagerFor(String server, Consumer<String> notice) {
        return new Pinning(server.toLowerCase(Locale.ROOT), notice);
    }

    private synchronized Map<String, String> read() throws IOException {
        Map<String, String> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length == 2 && !line.startsWith("#")) {
                out.put(parts[0], parts[1]);
            }
        }
        return out;
    }

    private synchronized void remember(String server, String sha256) throws IOException {
        Files.createDirectories(file.getParent());
        String existing = Files.exists(file) ? Files.readString(file) : "";
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, existing + server + " " + sha256 + "\n");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private final class Pinning extends X509ExtendedTrustManager {
        private final String server;
        private final Consumer<String> notice;

        Pinning(String server, Consumer<String> notice) {
            this.server = server;
            this.notice = notice;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server presented no certificate");
            }
            X509Certificate top = chain[chain.length - 1];
            for (int i = 0; i + 1 < chain.length; i++) {
                try {
                    chain[i].verify(chain[i + 1].getPublicKey());
                } catch (java.security.GeneralSecurityException e) {
                    throw new CertificateException("the server's certificate chain does not verify: " + e.getMessage());
                }
            }
            chain[0].checkValidity();
            String sha = Fingerprints.sha256(top);
            try {
                String known = read().get(server);
                if (known == null) {
                    remember(server, sha);
                    notice.accept("trusting " + server + " on first use: certificate "
                            + top.getSubjectX500Principal().getName() + " sha256 " + sha + " (remembered in " + file
                            + ")");
                } else if (!known.equals(sha)) {
                    throw new CertificateException("the certificate of " + server + " changed: it has sha256 " + sha
                            + ", " + file + " remembers " + known
                            + "; if the server was re-initialized on purpose, remove that line");
                }
            } catch (IOException e) {
                throw new CertificateException("cannot use " + file + ": " + e.getMessage(), e);
            }
        }

        /** The pin, then the JDK's checks against the pinned anchor, host name included. */
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
            SingleAnchorTrust.at(SingleAnchorTrust.top(chain)).checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
            SingleAnchorTrust.at(SingleAnchorTrust.top(chain)).checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
