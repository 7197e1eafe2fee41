package org.visorfleet.bench;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Many client identities in one TLS client: the key is chosen per connection by the address the
 * connection goes to. Each simulated agent talks to the server through its own loopback address
 * (127.A.B.C; all of 127/8 reaches the server bound to 0.0.0.0), so the peer host names the agent.
 * Bench only: the real agent has one identity per process.
 */
final class PerPeerKeyManager extends X509ExtendedKeyManager {

    record Identity(PrivateKey key, X509Certificate[] chain) {}

    private final ConcurrentHashMap<String, Identity> byPeerHost = new ConcurrentHashMap<>();

    void put(String peerHost, Identity identity) {
        byPeerHost.put(peerHost, identity);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        String host = engine.getPeerHost();
        return host != null && byPeerHost.containsKey(host) ? host : null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null; // Jetty uses SSLEngine; a blocking socket here is a bug in the bench
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        Identity identity = byPeerHost.get(alias);
        return identity == null ? null : identity.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        Identity identity = byPeerHost.get(alias);
        return identity == null ? null : identity.key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return byPeerHost.keySet().toArray(String[]::new);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
    }

    /** The loopback address of agent {@code index}: 127.A.B.C with C in 1..254. */
    static String loopbackAddress(int index) {
        int c = 1 + index % 254;
        int b = (index / 254) % 256;
        int a = 1 + index / (254 * 256);
        if (a > 254) {
            throw new IllegalArgumentException("too many agents for 127/8: " + index);
        }
        return "127." + a + "." + b + "." + c;
    }
}
