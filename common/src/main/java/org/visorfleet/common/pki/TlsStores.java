package org.visorfleet.common.pki;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * In-memory PKCS#12 key stores for JSSE ({@code KeyManagerFactory}/{@code TrustManagerFactory}) and
 * Jetty's {@code SslContextFactory}. The stores are never written to disk, so their password protects
 * nothing and is a fixed constant.
 */
public final class TlsStores {

    /** Password of every store and key entry made here. Shared: do not modify the array. */
    public static final char[] PASSWORD = "visorfleet".toCharArray();

    /** Alias of the single key entry in {@link #keyStore}. */
    public static final String KEY_ALIAS = "key";

    private TlsStores() {}

    /**
     * A store holding {@code key} under alias {@code "key"} with {@code chain} (leaf first).
     *
     * @throws IllegalArgumentException if the chain is empty or the store rejects the entry
     */
    public static KeyStore keyStore(PrivateKey key, X509Certificate... chain) {
        if (chain.length == 0) {
            throw new IllegalArgumentException("a key entry needs at least its own certificate");
        }
        KeyStore store = empty();
        try {
            store.setKeyEntry(KEY_ALIAS, key, PASSWORD, chain);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("key store rejects the key or chain: " + e.getMessage(), e);
        }
        return store;
    }

    /**
     * A store of trusted certificates under aliases {@code "ca0"}, {@code "ca1"}, ... in argument order.
     *
     * @throws IllegalArgumentException if no anchor is given
     */
    public static KeyStore trustStore(X509Certificate... anchors) {
        if (anchors.length == 0) {
            throw new IllegalArgumentException("a trust store needs at least one anchor");
        }
        KeyStore store = empty();
        try {
            for (int i = 0; i < anchors.length; i++) {
                store.setCertificateEntry("ca" + i, anchors[i]);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("trust store rejects a certificate: " + e.getMessage(), e);
        }
        return store;
    }

    private static KeyStore empty() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, PASSWORD);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("JDK cannot create an empty PKCS12 store", e);
        }
    }
}
