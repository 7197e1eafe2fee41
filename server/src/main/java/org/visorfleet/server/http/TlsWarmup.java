package org.visorfleet.server.http;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.visorfleet.common.pki.Csr;
import org.visorfleet.common.pki.FleetCa;
import org.visorfleet.common.pki.KeyPairs;
import org.visorfleet.common.pki.TlsStores;

/**
 * Runs mutual-TLS handshakes in memory (two {@link SSLEngine}s, no sockets) with the server's own
 * certificate and a throwaway client certificate, so the JIT has compiled the handshake and the
 * P-256 arithmetic before the first agents arrive. Without it, the first wave of a failover meets
 * an interpreted TLS stack: on a 2-core server that alone cost over a second for ten agents.
 */
public final class TlsWarmup {

    private TlsWarmup() {}

    /** Handshakes until {@code budget} is spent; returns how many completed. */
    public static int run(KeyStore identity, KeyStore trust, FleetCa ca, Duration budget) throws Exception {
        SSLContext server = context(identity, trust);
        KeyPair clientKey = KeyPairs.generateEc();
        X509Certificate clientCertificate =
                ca.issueClient(Csr.create(clientKey, "warmup"), "warmup", Duration.ofMinutes(10));
        SSLContext client = context(TlsStores.keyStore(clientKey.getPrivate(), clientCertificate), trust);
        long deadline = System.nanoTime() + budget.toNanos();
        int done = 0;
        while (System.nanoTime() < deadline) {
            handshake(server, client);
            done++;
        }
        return done;
    }

    private static SSLContext context(KeyStore identity, KeyStore trust) throws Exception {
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(identity, TlsStores.PASSWORD);
        TrustManagerFactory trusts = TrustManagerFactory.getInstance("PKIX");
        trusts.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), trusts.getTrustManagers(), null);
        return context;
    }

    private static void handshake(SSLContext serverContext, SSLContext clientContext) throws SSLException {
        SSLEngine server = serverContext.createSSLEngine();
        server.setUseClientMode(false);
        server.setNeedClientAuth(true);
        SSLEngine client = clientContext.createSSLEngine("localhost", 443);
        client.setUseClientMode(true);
        int size = Math.max(
                server.getSession().getPacketBufferSize(), client.getSession().getPacketBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(size * 4);
        ByteBuffer toClient = ByteBuffer.allocate(size * 4);
        ByteBuffer sink = ByteBuffer.allocate(server.getSession().getApplicationBufferSize() * 2);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < 200 && !(finished(client) && finished(server)); step++) {
            step(client, empty, toServer, toClient, sink);
            step(server, empty, toClient, toServer, sink);
        }
        if (!finished(client) || !finished(server)) {
            throw new SSLException("warm-up handshake did not complete");
        }
    }

    /** Advances one engine: produce what it wants to send, consume what it received, run tasks. */
    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws SSLException {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        if (status == SSLEngineResult.HandshakeStatus.NEED_TASK) {
            Runnable task;
            while ((task = engine.getDelegatedTask()) != null) {
                task.run();
            }
        } else if (status == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
            engine.wrap(empty, out);
        } else if (status == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
            in.flip();
            engine.unwrap(in, sink);
            in.compact();
            sink.clear();
        }
    }

    private static boolean finished(SSLEngine engine) {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
                || status == SSLEngineResult.HandshakeStatus.FINISHED;
    }
}
