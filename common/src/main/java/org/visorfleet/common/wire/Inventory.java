package org.visorfleet.common.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What an agent reports about its desktop with every heartbeat.
 *
 * @param hostname the desktop's host name
 * @param os operating system name and version, e.g. {@code "Debian GNU/Linux 12 (bookworm)"}
 * @param kernel kernel release, e.g. {@code "6.1.0-26-amd64"}
 * @param cpuCount logical processors
 * @param load1 one-minute load average divided by nothing (as the kernel reports it)
 * @param memoryTotalBytes installed memory
 * @param memoryAvailableBytes memory available to new work (MemAvailable)
 * @param diskTotalBytes size of the file system holding the agent's data directory
 * @param diskFreeBytes bytes free on that file system
 * @param uptimeSeconds seconds since the desktop booted
 * @param idleSeconds seconds since the last keyboard or mouse input, or null where not measurable
 * @param agentVersion the agent's version
 * @param macAddresses MACs of the desktop's Ethernet interfaces ({@code 52:54:00:12:34:56}), which tie it to its
 *     network-boot record; null from agents that do not report them
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Inventory(
        String hostname,
        String os,
        String kernel,
        int cpuCount,
        double load1,
        long memoryTotalBytes,
        long memoryAvailableBytes,
        long diskTotalBytes,
        long diskFreeBytes,
        long uptimeSeconds,
        Long idleSeconds,
        String agentVersion,
        java.util.List<String> macAddresses) {}
