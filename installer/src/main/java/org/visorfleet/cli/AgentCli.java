package org.visorfleet.cli;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.visorfleet.agent.Agent;
import org.visorfleet.agent.AgentData;
import org.visorfleet.agent.enroll.AgentEnroller;
import org.visorfleet.agent.grid.GridSettings;
import org.visorfleet.agent.grid.WorkRunner;
import org.visorfleet.agent.link.LinkListener;
import org.visorfleet.agent.link.ServerLink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code visorfleet agent ...}: the desktop agent. */
@Command(
        name = "agent",
        description = "The desktop agent: enrollment, heartbeats, failover between servers.",
        mixinStandardHelpOptions = true,
        subcommands = {AgentCli.Enroll.class, AgentCli.Run.class})
final class AgentCli {

    @Command(
            name = "enroll",
            mixinStandardHelpOptions = true,
            description = "Enroll this desktop with a one-time token.")
    static final class Enroll implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--server",
                required = true,
                paramLabel = "URL",
                description = "server URL, e.g. https://fleet.example:8443")
        URI server;

        @Option(
                names = "--token",
                required = true,
                paramLabel = "TOKEN",
                description = "enrollment token from POST /api/v1/enrollment-tokens")
        String token;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "agent data directory to create")
        Path data;

        @Option(names = "--hostname", paramLabel = "NAME", description = "host name to report (default: this host's)")
        String hostname;

        @Override
        public Integer call() throws Exception {
            String host =
                    hostname != null ? hostname : InetAddress.getLocalHost().getHostName();
            AgentData.Settings settings = AgentEnroller.enroll(server, token, data, host);
            var out = spec.commandLine().getOut();
            out.println("enrolled as " + settings.name() + "; servers: " + String.join(", ", settings.servers()));
            out.println("next: visorfleet agent run --data " + data);
            return 0;
        }
    }

    @Command(name = "run", mixinStandardHelpOptions = true, description = "Run the agent until stopped (SIGTERM).")
    static final class Run implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--data",
                required = true,
                paramLabel = "DIR",
                description = "agent data directory made by agent enroll")
        Path data;

        @Option(
                names = "--server",
                paramLabel = "URL",
                description = "server URL, in failover order (repeatable; default: the enrolled list)")
        List<URI> servers = new ArrayList<>();

        @Option(names = "--no-grid", description = "never run grid work on this desktop")
        boolean noGrid;

        @Option(
                names = "--grid-idle-after",
                paramLabel = "SECONDS",
                description = "grid work needs this long without user input (default: grid.json, else 600)")
        Long idleAfter;

        @Option(
                names = "--grid-max-load",
                paramLabel = "FRACTION",
                description = "highest non-grid CPU load, 0..1 of all processors (default: grid.json, else 0.25)")
        Double maxLoad;

        @Option(
                names = "--grid-slots",
                paramLabel = "N",
                description = "work units run at once (default: grid.json, else 1)")
        Integer slots;

        @Option(
                names = "--grid-activity-file",
                paramLabel = "FILE",
                description = "a file whose modification counts as user input (repeatable)")
        List<String> activityFiles = new ArrayList<>();

        /** DATA/grid.json with this command's overrides. */
        private GridSettings gridSettings(AgentData agentData) throws java.io.IOException {
            GridSettings g = GridSettings.load(agentData.gridSettings());
            if (noGrid) {
                g = g.withEnabled(false);
            }
            if (idleAfter != null) {
                g = g.withIdleAfterSeconds(idleAfter);
            }
            if (maxLoad != null) {
                g = g.withMaxLoad(maxLoad);
            }
            if (slots != null) {
                g = g.withSlots(slots);
            }
            if (!activityFiles.isEmpty()) {
                List<String> all = new ArrayList<>(g.activityFiles());
                all.addAll(activityFiles);
                g = g.withActivityFiles(all);
            }
            return g;
        }

        @Override
        public Integer call() throws Exception {
            var out = spec.commandLine().getOut();
            LinkListener print = new LinkListener() {
                @Override
                public void online(String serverUrl, String serverId) {
                    out.println("online on " + serverUrl + " (" + serverId + ")");
                    out.flush();
                }

                @Override
                public void offline(String serverUrl, String reason) {
                    out.println("lost " + serverUrl + ": " + reason);
                    out.flush();
                }
            };
            AgentData agentData = new AgentData(data);
            GridSettings grid = gridSettings(agentData);
            Agent agent = Agent.open(agentData, servers, ServerLink.Timing.defaults(), print, grid, WorkRunner.SANDBOX);
            CountDownLatch done = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    agent.close();
                } catch (Exception e) {
                    // exiting anyway; the server will notice the socket is gone
                }
                done.countDown();
            }));
            out.println("agent " + agent.name() + " starting"
                    + (grid.enabled()
                            ? "; grid work after " + grid.idleAfterSeconds() + " s idle below load " + grid.maxLoad()
                                    + ", " + grid.slots() + " slot(s)"
                            : "; grid work disabled"));
            out.flush();
            agent.run();
            if (agent.link().refusal().isPresent()) {
                agent.close();
                throw new java.io.IOException(agent.link().refusal().get());
            }
            done.await();
            return 0;
        }
    }
}
