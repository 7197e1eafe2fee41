package org.visorfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code visorfleet export ...}: AoE exports of image versions and their per-client overlays. */
@Command(
        name = "export",
        description = "AoE exports: which image version is served at which address, and each client's overlay.",
        mixinStandardHelpOptions = true,
        subcommands = {
            ExportCli.Create.class,
            ExportCli.ListExports.class,
            ExportCli.Delete.class,
            ExportCli.Overlays.class,
            ExportCli.Reset.class,
            ExportCli.Promote.class
        })
final class ExportCli {

    static String path(String address) {
        return "/api/v1/exports/" + ApiSession.encode(address);
    }

    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Export an image version over AoE; prints its address (eSHELF.SLOT).")
    static final class Create extends AdminCommand {
        @Option(
                names = "--image",
                required = true,
                paramLabel = "NAME[:VERSION]",
                description = "the image version (default: the published one)")
        String image;

        @Option(names = "--address", paramLabel = "eSHELF.SLOT", description = "default: the first free on shelf 1")
        String address;

        @Override
        public Integer call() throws Exception {
            ImageCli.Ref ref = ImageCli.Ref.parse(image);
            Map<String, Object> body = new HashMap<>();
            body.put("image", ref.name());
            body.put("version", ref.version());
            body.put("address", address);
            JsonNode e = api().post("/api/v1/exports", body);
            if (!e.get("served").asBoolean()) {
                err().println("warning: not served yet: " + e.get("problem").asText());
            }
            out().println(e.get("address").asText());
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the exports.")
    static final class ListExports extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            JsonNode exports = api().get("/api/v1/exports");
            Table table = new Table("ADDRESS", "IMAGE", "SIZE", "GROUPS", "SERVED");
            for (JsonNode e : exports.get("items")) {
                table.row(
                        e.get("address").asText(),
                        e.get("image").asText() + ":" + e.get("version").asInt(),
                        Table.bytes(e.get("sizeBytes").asLong()),
                        String.join(
                                ",",
                                e.get("groups")
                                        .valueStream()
                                        .map(JsonNode::asText)
                                        .toList()),
                        e.get("served").asBoolean()
                                ? "yes"
                                : "no: " + e.get("problem").asText());
            }
            table.print(out());
            return 0;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Stop exporting ADDRESS and discard its overlays (refused while a group boots it).")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() throws Exception {
            api().delete(path(address));
            out().println("deleted " + address);
            return 0;
        }
    }

    @Command(
            name = "overlays",
            mixinStandardHelpOptions = true,
            description = "List the clients' copy-on-write overlays of ADDRESS.")
    static final class Overlays extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Override
        public Integer call() throws Exception {
            JsonNode overlays = api().get(path(address) + "/overlays");
            Table table = new Table("CLIENT", "WRITTEN", "ON DISK", "LAST WRITE");
            for (JsonNode o : overlays.get("items")) {
                long onDisk = o.get("fileBytesOnDisk").asLong();
                table.row(
                        o.get("client").asText(),
                        Table.bytes(o.get("writtenBytes").asLong()),
                        onDisk < 0 ? "?" : Table.bytes(onDisk),
                        Table.time(o.get("lastWrite")));
            }
            table.print(out());
            return 0;
        }
    }

    @Command(
            name = "reset",
            mixinStandardHelpOptions = true,
            description = "Discard a client's overlay: it boots the golden image again.")
    static final class Reset extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = "--mac", required = true, paramLabel = "MAC")
        String mac;

        @Option(names = "--force", description = "even if the client used its disk in the last 15 s")
        boolean force;

        @Override
        public Integer call() throws Exception {
            api().delete(path(address) + "/overlays/" + ApiSession.encode(mac) + (force ? "?force=true" : ""));
            out().println("reset " + address + " for " + mac);
            return 0;
        }
    }

    @Command(
            name = "promote",
            mixinStandardHelpOptions = true,
            description =
                    "Make a client's view of ADDRESS (golden image plus its overlay) a new image version; prints NAME:VERSION."
                            + " Shut the client down first.")
    static final class Promote extends AdminCommand {
        @Parameters(paramLabel = "ADDRESS")
        String address;

        @Option(names = "--mac", required = true, paramLabel = "MAC")
        String mac;

        @Option(
                names = "--image",
                paramLabel = "NAME",
                description = "image to add the version to (default: the export's)")
        String image;

        @Option(names = "--description", paramLabel = "TEXT")
        String description;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new HashMap<>();
            body.put("image", image);
            body.put("description", description);
            JsonNode v = api().post(path(address) + "/overlays/" + ApiSession.encode(mac) + "/promote", body);
            out().println(v.get("image").asText() + ":" + v.get("version").asInt());
            return 0;
        }
    }
}
