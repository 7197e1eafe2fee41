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
        subcommands = {GroupCli.Create.class, GroupCli.ListGroups.class})
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

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List groups.")
    static final class ListGroups extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            JsonNode groups = api().get("/api/v1/groups");
            Table table = new Table("GROUP", "CLIENTS", "BOOTS", "DESCRIPTION");
            for (JsonNode g : groups.get("items")) {
                table.row(
                        g.get("name").asText(),
                        g.get("clients").asLong(),
                        g.get("bootExport").asText(null),
                        g.get("description").asText());
            }
            table.print(out());
            return 0;
        }
    }
}
