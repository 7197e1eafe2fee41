package org.visorfleet.console.api;

/**
 * How an attempt to sign in to a server ended. Each outcome the user must tell apart is its own
 * record, so views {@code switch} over them and none is forgotten.
 */
public sealed interface LoginResult {

    /** Signed in; {@code session} makes further calls with the token. */
    record LoggedIn(Session session) implements LoginResult {}

    /** The server answered 401: the user name or password is wrong. */
    record WrongCredentials() implements LoginResult {}

    /** The server answered 429: too many failed attempts, the user must wait. */
    record Throttled() implements LoginResult {}

    /** No connection could be made to {@code address} ({@code host:port}). */
    record Unreachable(String address, String detail) implements LoginResult {}

    /** First contact: the user has not yet said whether to trust {@code certificate}. */
    record UnknownCertificate(ServerCertificate certificate) implements LoginResult {}

    /**
     * The server presents another certificate than the one remembered for it; nothing was sent.
     *
     * @param remembered the fingerprint the user trusted earlier
     * @param presented the certificate the server presents now
     */
    record CertificateChanged(String remembered, ServerCertificate presented) implements LoginResult {}

    /** Something answered, but not as a visorfleet server does (wrong TLS, wrong JSON, wrong status). */
    record NotAFleetServer(String detail) implements LoginResult {}
}
