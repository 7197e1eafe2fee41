package org.visorfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code visorfleet boot ...}: network-booting machines and what their groups boot. */
@Command(
        name = "boot",
        description = "Network-booting machines (known by MAC): approve, ignore, forget; set what a group boots.",
        mixinStandardHelpOptions = true,
        subcommands = {
            BootCli.Clients.class,
            BootCli.Approve.class,
            BootCli.Ignore.class,
            BootCli.Forget.class,
            BootCli.Group.class
        })
final class BootCli {

    static String path(String mac) {
        return "/api/v1/boot/clients/" + ApiSession.encode(mac);
    }

    @Command(name = "clients", mixinStandardHelpOptions = true, description = "List network-booting machines.")
    static final class Clients extends AdminCommand {
        @Option(names = "--status", paramLabel = "STATUS", description = "pending, approved or ignored")
        String status;

        @Override
        public Integer call() throws Exception {
            JsonNode list =
                    api().get("/api/v1/boot/clients" + (status == null ? "" : "?status=" + ApiSession.encode(status)));
            Table table = new Table(
                    "MAC", "STATUS", "NAME", "GROUP", "CLIENT", "BOOTS", "LAST BOOT", "EXPORT", "READ", "WRITTEN");
            for (JsonNode b : list.get("items")) {
                table.row(
                        b.get("mac").asText(),
                        b.get("status").asText(),
                        b.get("name").asText(null),
                        b.get("group").asText(null),
                        b.get("client").asText(null),
                        b.get("boots").asLong(),
                        Table.time(b.get("lastBoot")),
                        b.get("lastExport").asText(null),
                        Table.bytes(b.get("bytesRead").asLong()),
                        Table.bytes(b.get("bytesWritten").asLong()));
            }
            table.print(out());
            return 0;
        }
    }

    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            description = "Approve a machine into a group (or move it); it boots the group's export.")
    static final class Approve extends AdminCommand {
        @Option(names = "--mac", required = true, paramLabel = "MAC")
        String mac;

        @Option(names = "--group", required = true, paramLabel = "GROUP")
        String group;

        @Option(names = "--name", paramLabel = "NAME", description = "machine name (default: pc-<mac digits>)")
        String name;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new HashMap<>();
            body.put("group", group);
            body.put("name", name);
            JsonNode b = api().post(path(mac) + "/approve", body);
            out().println("approved " + b.get("mac").asText() + " as "
                    + b.get("name").asText() + " in group "
                    + b.get("group").asText());
            return 0;
        }
    }

    @Command(name = "ignore", mixinStandardHelpOptions = true, description = "Never boot a machine from the network.")
    static final class Ignore extends AdminCommand {
        @Option(names = "--mac", required = true, paramLabel = "MAC")
        String mac;

        @Override
        public Integer call() throws Exception {
            api().post(path(mac) + "/ignore", Map.of());
            out().println("ignoring " + mac);
            return 0;
        }
    }

    @Command(
            name = "forget",
            mixinStandardHelpOptions = true,
            description = "Forget a machine; its next boot registers it as pending again.")
    static final class Forget extends AdminCommand {
        @Option(names = "--mac", required = true, paramLabel = "MAC")
        String mac;

        @Override
        public Integer call() throws Exception {
            api().delete(path(mac));
            out().println("forgot " + mac);
            return 0;
        }
    }

    @Command(
            name = "group",
            mixinStandardHelpOptions = true,
            description = "Set the export a group's machines boot (--export none: nothing).")
    static final class Group extends AdminCommand {
        @Option(names = "--group", required = true, paramLabel = "GROUP")
        String group;

        @Option(names = "--export", required = true, paramLabel = "eSHELF.SLOT|none")
        String export;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new HashMap<>();
            body.put("export", "none".equals(export) ? null : export);
            api().put("/api/v1/groups/" + ApiSession.encode(group) + "/boot-export", body);
            out().println("group " + group + (body.get("export") == null ? " boots nothing" : " boots " + export));
            return 0;
        }
    }
}
