package org.visorfleet.server.events;

/**
 * One row of the append-only event log.
 *
 * @param id position in the log (grows with time; gaps are possible)
 * @param time epoch milliseconds
 * @param type e.g. {@code client.online}, {@code user.login}, {@code agent.failover}
 * @param actor who caused it: {@code user:NAME}, {@code client:NAME}, {@code server:ID} or a remote address
 * @param client the client concerned, or null
 * @param detail human-readable detail
 * @param server the server that recorded it
 */
public record EventRecord(long id, long time, String type, String actor, String client, String detail, String server) {}
