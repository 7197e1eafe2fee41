package org.visorfleet.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.visorfleet.console.ConsoleApp;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code visorfleet console [--server URL]}: opens the JavaFX helpdesk console. */
@Command(
        name = "console",
        mixinStandardHelpOptions = true,
        description = "Open the helpdesk console (a desktop window); it talks to the server over HTTPS only.")
final class ConsoleCli implements Callable<Integer> {

    @Option(names = "--server", paramLabel = "URL", description = "prefill the server URL, e.g. https://fleet:8443")
    String server;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (server != null) {
            args.add("--server");
            args.add(server);
        }
        // Returns when the window is closed.
        ConsoleApp.main(args.toArray(String[]::new));
        return 0;
    }
}
