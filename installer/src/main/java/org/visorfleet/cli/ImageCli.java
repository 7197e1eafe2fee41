package org.visorfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code visorfleet image ...}: the golden image library. Versions are named {@code NAME:VERSION}. */
@Command(
        name = "image",
        description = "Golden disk images: import, list, publish, delete versions.",
        mixinStandardHelpOptions = true,
        subcommands = {ImageCli.Import.class, ImageCli.ListImages.class, ImageCli.Publish.class, ImageCli.Delete.class})
final class ImageCli {

    /** {@code NAME:VERSION} → the pair; a bare {@code NAME} has a null version (the published one). */
    record Ref(String name, Integer version) {
        static Ref parse(String text) {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                return new Ref(text, null);
            }
            try {
                return new Ref(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("expected NAME or NAME:VERSION, got '" + text + "'");
            }
        }

        Ref requireVersion() {
            if (version == null) {
                throw new IllegalArgumentException("name a version: " + name + ":VERSION");
            }
            return this;
        }
    }

    @Command(
            name = "import",
            mixinStandardHelpOptions = true,
            description = "Upload a raw disk image as the next version of image NAME; prints NAME:VERSION.")
    static final class Import extends AdminCommand {
        @Option(names = "--name", required = true, paramLabel = "NAME", description = "image name (a DNS label)")
        String name;

        @Option(names = "--description", paramLabel = "TEXT", description = "what this version is")
        String description;

        @Option(names = "--publish", description = "publish the new version at once")
        boolean publish;

        @Parameters(paramLabel = "FILE", description = "raw disk image (size a multiple of 512)")
        Path file;

        @Override
        public Integer call() throws Exception {
            var err = err();
            long size = Files.size(file); // fails early, with the path, if missing
            long start = System.nanoTime();
            String sha = Sha256Files.of(file);
            ApiSession api = api();
            String path = "/api/v1/images/" + ApiSession.encode(name) + "/versions?sha256=" + sha
                    + (description == null ? "" : "&description=" + ApiSession.encode(description));
            JsonNode v = api.upload(path, file);
            double seconds = (System.nanoTime() - start) / 1e9;
            int version = v.get("version").asInt();
            if (publish) {
                api.post("/api/v1/images/" + ApiSession.encode(name) + "/publish", Map.of("version", version));
            }
            err.printf(
                    "imported %s v%d: %s, sha256 %s, verified by the server, in %.1f s (%.0f MiB/s)%s%n",
                    name,
                    version,
                    Table.bytes(size),
                    sha,
                    seconds,
                    size / 1048576.0 / Math.max(seconds, 1e-3),
                    publish ? ", published" : "");
            err.flush();
            out().println(name + ":" + version);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List images and their versions.")
    static final class ListImages extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            JsonNode images = api().get("/api/v1/images");
            Table table = new Table("VERSION", "SIZE", "SHA256", "PUBLISHED", "EXPORTS", "CREATED", "DESCRIPTION");
            for (JsonNode image : images.get("items")) {
                for (JsonNode v : image.get("versions")) {
                    table.row(
                            image.get("name").asText() + ":" + v.get("version").asInt(),
                            Table.bytes(v.get("sizeBytes").asLong()),
                            v.get("sha256").asText().substring(0, 16),
                            v.get("published").asBoolean() ? "yes" : "",
                            String.join(
                                    ",",
                                    v.get("exports")
                                            .valueStream()
                                            .map(JsonNode::asText)
                                            .toList()),
                            Table.time(v.get("createdAt")),
                            v.get("description").asText());
                }
            }
            table.print(out());
            return 0;
        }
    }

    @Command(
            name = "publish",
            mixinStandardHelpOptions = true,
            description = "Make NAME:VERSION the version new exports of NAME use.")
    static final class Publish extends AdminCommand {
        @Parameters(paramLabel = "NAME:VERSION")
        String ref;

        @Override
        public Integer call() throws Exception {
            Ref r = Ref.parse(ref).requireVersion();
            api().post("/api/v1/images/" + ApiSession.encode(r.name()) + "/publish", Map.of("version", r.version()));
            out().println("published " + r.name() + ":" + r.version());
            return 0;
        }
    }

    @Command(
            name = "delete",
            mixinStandardHelpOptions = true,
            description = "Delete NAME:VERSION (refused while an export uses it or it is published).")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "NAME:VERSION")
        String ref;

        @Override
        public Integer call() throws Exception {
            Ref r = Ref.parse(ref).requireVersion();
            api().delete("/api/v1/images/" + ApiSession.encode(r.name()) + "/versions/" + r.version());
            out().println("deleted " + r.name() + ":" + r.version());
            return 0;
        }
    }
}
