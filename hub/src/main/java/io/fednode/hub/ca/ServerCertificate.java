package io.fednode.hub.ca;

import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;

/**
 * The hub's TLS server certificate: a fresh key and a certificate from the federation CA for the
 * hub's names, in an in-memory key store. The hub issues a new one at two thirds of the lifetime
 * ({@link #renewAfter}) and swaps it in for new connections; nodes trust the CA, not the
 * certificate, so they do not notice.
 */
public final class ServerCertificate {
    public static final String ALIAS = "hub";
    public static final char[] PASSWORD = "in-memory".toCharArray();

    private final X509Certificate certificate;
    private final KeyStore keyStore;

    private ServerCertificate(X509Certificate certificate, KeyStore keyStore) {
        this.certificate = certificate;
        this.keyStore = keyStore;
    }

    public static ServerCertificate issue(FederationCa ca, List<String> names, Duration lifetime) {
        try {
            KeyPair key = FederationCa.newKeyPair();
            X509Certificate cert = ca.signServer(names, key.getPublic(), lifetime);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(
                    ALIAS, key.getPrivate(), PASSWORD, new Certificate[] {cert, ca.certificate()});
            return new ServerCertificate(cert, store);
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the server key store", e);
        }
    }

    /** When to issue the next one: two thirds of the lifetime. */
    public static Duration renewAfter(Duration lifetime) {
        return lifetime.multipliedBy(2).dividedBy(3);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public KeyStore keyStore() {
        return keyStore;
    }
}
