package org.visorfleet.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.visorfleet.console.ConsoleApp;
import org.visorfleet.console.ConsoleHome;
import org.visorfleet.console.api.KnownServers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code visorfleet demo}: a complete local fleet ({@link DemoFleet}) and the console signed in to
 * it; closing the console stops the fleet. With {@code --no-gui} it prints the URLs and credentials
 * and runs until interrupted.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Bring up a complete local fleet on this machine and open the console signed in to it:",
            "a server (embedded H2) in a fresh directory, desktop agents enrolled, a golden image exported",
            "over Ethernet-in-UDP AoE, a sample grid job running. Loopback only, free ports."
        })
final class DemoCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description = "where to keep it all (default: a new directory in /tmp)")
    Path data;

    @Option(names = "--no-gui", description = "print the URLs and credentials and keep running until Ctrl+C")
    boolean noGui;

    @Option(
            names = "--agents",
            paramLabel = "N",
            defaultValue = "3",
            description = "desktop agents (default: ${DEFAULT-VALUE})")
    int agents;

    @Option(
            names = "--units",
            paramLabel = "N",
            defaultValue = "40",
            description = "work units of the sample grid job (default: ${DEFAULT-VALUE})")
    int units;

    @Option(
            names = "--https-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "API port (default: a free one)")
    int httpsPort;

    @Option(names = "--verbose", description = "show the server's and the agents' log lines, not only warnings")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            // The server and three agents narrate every connection and work unit; the summary says what matters.
            java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        }
        DemoFleet.Settings settings = new DemoFleet.Settings(agents, units, httpsPort);
        PrintWriter out = spec.commandLine().getOut();
        Path dir = data != null ? data : Files.createTempDirectory("visorfleet-demo-");
        DemoFleet fleet = DemoFleet.start(dir, settings, spec.commandLine().getErr());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            fleet.close();
            stopped.countDown();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        printSummary(fleet, out);
        boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null;
        if (!noGui && !display) {
            out.println("No display (neither DISPLAY nor WAYLAND_DISPLAY is set): running as with --no-gui.");
        }
        if (noGui || !display) {
            out.println("Ctrl+C stops the demo; " + dir + " stays for a look afterwards.");
            out.flush();
            stopped.await();
            return 0;
        }
        out.println("Opening the console; closing its window stops the demo.");
        out.flush();
        openConsole(fleet);
        Runtime.getRuntime().removeShutdownHook(hook);
        fleet.close();
        return 0;
    }

    private static void printSummary(DemoFleet fleet, PrintWriter out) {
        out.println("visorfleet demo is running in " + fleet.dir());
        out.println("  console   ./visorfleet console --server " + fleet.url());
        out.println("  user      admin");
        out.println("  password  " + fleet.password() + "   (also in " + fleet.passwordFile() + ")");
        out.println("  API       " + fleet.url() + "/api/v1   (fleet CA: " + fleet.caPem() + ")");
        out.println("  SSH       bastion on localhost:" + fleet.sshPort() + " (host key " + fleet.sshHostKey() + ")");
        out.println(
                "  AoE       golden image as " + fleet.exportAddress() + " on " + String.join(", ", fleet.aoeLinks()));
        out.println("  boot      " + fleet.bootScripts() + "   (thin client " + DemoFleet.THIN_CLIENT
                + " is waiting for approval)");
        out.println("  agents    " + String.join(" ", fleet.agentNames()));
        out.println("  grid job  " + fleet.jobId() + " (demo-primes)");
        out.println("  CLI       export VISORFLEET_SERVER=" + fleet.url() + " VISORFLEET_PASSWORD=$(cat "
                + fleet.passwordFile() + ")");
        out.println("            ./visorfleet grid status --ca " + fleet.caPem() + " " + fleet.jobId());
        out.flush();
    }

    /** Trusts the demo server in a console home of its own and opens the console signed in; returns when it closes. */
    private static void openConsole(DemoFleet fleet) throws Exception {
        Path home = fleet.dir().resolve("console");
        new KnownServers(new ConsoleHome(home).knownServers()).remember(fleet.address(), fleet.caSha256());
        System.setProperty(ConsoleHome.PROPERTY, home.toString());
        ConsoleApp.main(List.of(
                        "--server", fleet.url(),
                        "--user", "admin",
                        "--password-file", fleet.passwordFile().toString())
                .toArray(String[]::new));
    }
}
