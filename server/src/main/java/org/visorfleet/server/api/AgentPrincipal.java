package org.visorfleet.server.api;

import java.security.PublicKey;

/**
 * An enrolled agent calling an agent route, identified by its TLS client certificate.
 *
 * @param publicKey the key of the certificate the agent presented; what it signs with
 */
public record AgentPrincipal(long clientId, String name, PublicKey publicKey) {}
