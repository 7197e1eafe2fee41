package org.visorfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code visorfleet group ...}: client groups. */
@Command(
        name = "group",
        description = "Client groups.",
        mixinStandardHelpOptions = true,
        subcommands = {GroupCli.Create.class, GroupCli.ListGroups.class, GroupCli.Set.class})
final class GroupCli {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a group.")
    static final class Create extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new HashMap<>();
            body.put("name", name);
            body.put("description", description);
            api().post("/api/v1/groups", body);
            out().println("created group " + name);
            return 0;
        }
    }

    @Command(
            name = "set",
            mixinStandardHelpOptions = true,
            description =
                    "Change a group's remote policy: who may reach its clients, whether their users must consent.")
    static final class Set extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(
                names = "--remote-role",
                paramLabel = "ROLE",
                description = "lowest role that may reach its clients: helpdesk or admin")
        String remoteRole;

        @Option(
                names = "--consent",
                negatable = true,
                description = "whether the desktop's user must agree before an interactive session")
        Boolean consent;

        @Override
        public Integer call() throws Exception {
            if (remoteRole == null && consent == null) {
                throw new IllegalArgumentException(
                        "nothing to change: give --remote-role and/or --consent/--no-consent");
            }
            Map<String, Object> body = new HashMap<>();
            if (remoteRole != null) {
                body.put("remoteRole", remoteRole);
            }
            if (consent != null) {
                body.put("consent", consent);
            }
            JsonNode group = api().patch("/api/v1/groups/" + ApiSession.encode(name), body);
            out().println("group " + name + ": remote role "
                    + group.path("remoteRole").asText() + ", consent "
                    + (group.path("consent").asBoolean() ? "required" : "not required"));
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List groups.")
    static final class ListGroups extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            JsonNode groups = api().get("/api/v1/groups");
            Table table = new Table("GROUP", "CLIENTS", "BOOTS", "REMOTE", "CONSENT", "DESCRIPTION");
            for (JsonNode g : groups.get("items")) {
                table.row(
                        g.get("name").asText(),
                        g.get("clients").asLong(),
                        g.get("bootExport").asText(null),
                        g.path("remoteRole").asText("-"),
                        g.path("consent").asBoolean() ? "yes" : "no",
                        g.get("description").asText());
            }
            table.print(out());
            return 0;
        }
    }
}
