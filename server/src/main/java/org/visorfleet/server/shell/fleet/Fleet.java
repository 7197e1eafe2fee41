package org.visorfleet.server.shell.fleet;

import java.util.List;

/**
 * What a technician types in the fleet shell: every session imports these methods statically, so
 * {@code clients()}, {@code group("lab").clients()} and {@code jobs()} read the live fleet.
 */
public final class Fleet {

    /** Printed by {@link #help()}. */
    public static final String GUIDE =
            """
            The fleet, live (each call reads it now):
              clients()            all clients            client("desk-01")   one client
              groups()             all groups             group("lab")        one group; .clients()
              jobs()               grid jobs              job(42)             one job; .progress()
              events(20)           the latest events      me()                who you are
            A client: name() hostname() group() status() online() lastSeen() cpuLoad() memoryFree() os()
            Actions (your rights, audited; each returns a Command with status() and await(Duration)):
              reboot() shutdown() lock() message("text") run("command") action("ping", Map.of())
            Examples:
              clients().stream().filter(c -> c.cpuLoad() > 0.9).map(Client::name).toList()
              group("lab").clients().forEach(Client::reboot)
              client("desk-01").action("ping", Map.of()).await(Duration.ofSeconds(5))
            Java: java.util, java.util.stream, java.time, java.math, java.text, java.util.regex.
            Tab completes, Ctrl-C stops a running snippet, Ctrl-D leaves.""";

    private Fleet() {}

    /** Every client, sorted by name. */
    public static List<Client> clients() {
        return FleetSession.current().backend().clients(null);
    }

    public static Client client(String name) {
        return FleetSession.current().backend().client(name).orElseThrow(() -> new FleetException("no client " + name));
    }

    public static List<Group> groups() {
        return FleetSession.current().backend().groups();
    }

    public static Group group(String name) {
        return FleetSession.current().backend().group(name).orElseThrow(() -> new FleetException("no group " + name));
    }

    /** Grid jobs, newest first. */
    public static List<Job> jobs() {
        return FleetSession.current().backend().jobs();
    }

    public static Job job(long id) {
        return FleetSession.current().backend().job(id).orElseThrow(() -> new FleetException("no job " + id));
    }

    /** The {@code n} most recent events (1..1000), newest first. */
    public static List<Event> events(int n) {
        if (n < 1 || n > 1000) {
            throw new FleetException("events(n) takes n from 1 to 1000");
        }
        return FleetSession.current().backend().events(n);
    }

    /** The technician this session belongs to. */
    public static Technician me() {
        return FleetSession.current().technician();
    }

    /** Prints a short guide to the session. */
    public static void help() {
        FleetSession.current().out().println(GUIDE);
    }
}
