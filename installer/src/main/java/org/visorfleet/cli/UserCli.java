package org.visorfleet.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.visorfleet.server.ssh.SshKeys;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code visorfleet user ...}: technicians' accounts and the SSH keys they sign in to the bastion with. */
@Command(
        name = "user",
        description = "Technicians and their SSH keys.",
        mixinStandardHelpOptions = true,
        subcommands = {
            UserCli.AddKey.class,
            UserCli.RemoveKey.class,
            UserCli.Keys.class,
            UserCli.Add.class,
            UserCli.ListUsers.class
        })
final class UserCli {

    @Command(
            name = "add-key",
            mixinStandardHelpOptions = true,
            description = "Register an SSH public key (a .pub file) on your account, or with --for on another's"
                    + " (admins).")
    static final class AddKey extends AdminCommand {
        @Option(names = "--key", required = true, paramLabel = "FILE.pub", description = "OpenSSH public key file")
        Path key;

        @Option(names = "--for", paramLabel = "USER", description = "whose key (default: the signed-in user)")
        String owner;

        @Override
        public Integer call() throws Exception {
            String line = readKey(key);
            String user = owner != null ? owner : login.user;
            JsonNode added =
                    api().post("/api/v1/users/" + ApiSession.encode(user) + "/keys", Map.of("publicKey", line));
            out().println("added " + added.path("type").asText() + " key "
                    + added.path("fingerprint").asText() + " to " + user);
            return 0;
        }
    }

    @Command(name = "remove-key", mixinStandardHelpOptions = true, description = "Remove an SSH key from an account.")
    static final class RemoveKey extends AdminCommand {
        static final class Which {
            @Option(names = "--key", paramLabel = "FILE.pub", description = "the public key file")
            Path key;

            @Option(names = "--fingerprint", paramLabel = "SHA256:...", description = "as `user keys` lists it")
            String fingerprint;
        }

        @ArgGroup(multiplicity = "1")
        Which which;

        @Option(names = "--for", paramLabel = "USER", description = "whose key (default: the signed-in user)")
        String owner;

        @Override
        public Integer call() throws Exception {
            String fingerprint = which.fingerprint != null
                    ? which.fingerprint
                    : SshKeys.ParsedKey.parse(readKey(which.key)).fingerprint();
            String user = owner != null ? owner : login.user;
            api().delete("/api/v1/users/" + ApiSession.encode(user) + "/keys?fingerprint="
                    + ApiSession.encode(fingerprint));
            out().println("removed key " + fingerprint + " from " + user);
            return 0;
        }
    }

    @Command(name = "keys", mixinStandardHelpOptions = true, description = "List an account's SSH keys.")
    static final class Keys extends AdminCommand {
        @Option(names = "--for", paramLabel = "USER", description = "whose keys (default: the signed-in user)")
        String owner;

        @Override
        public Integer call() throws Exception {
            String user = owner != null ? owner : login.user;
            JsonNode items = api().get("/api/v1/users/" + ApiSession.encode(user) + "/keys")
                    .path("items");
            Table table = new Table("FINGERPRINT", "TYPE", "COMMENT");
            for (JsonNode k : items) {
                table.row(
                        k.path("fingerprint").asText(),
                        k.path("type").asText(),
                        k.path("comment").asText());
            }
            table.print(out());
            return 0;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a technician's account (admins).")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--role", required = true, paramLabel = "ROLE", description = "viewer, helpdesk or admin")
        String role;

        @Option(
                names = "--new-password",
                required = true,
                paramLabel = "PASSWORD",
                description = "the new account's password (8 characters or more)")
        String newPassword;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("role", role);
            body.put("password", newPassword);
            api().post("/api/v1/users", body);
            out().println("created user " + name + " (" + role + ")");
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List technicians (admins).")
    static final class ListUsers extends AdminCommand {
        @Override
        public Integer call() throws Exception {
            Table table = new Table("NAME", "ROLE");
            for (JsonNode u : api().get("/api/v1/users").path("items")) {
                table.row(u.path("name").asText(), u.path("role").asText());
            }
            table.print(out());
            return 0;
        }
    }

    private static String readKey(Path file) throws java.io.IOException {
        if (Files.size(file) > 16_384) {
            throw new IllegalArgumentException(file + " is too large for a public key");
        }
        List<String> lines = Files.readAllLines(file).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#"))
                .toList();
        if (lines.size() != 1) {
            throw new IllegalArgumentException(file + " must hold exactly one public key line, found " + lines.size());
        }
        return lines.getFirst();
    }
}
