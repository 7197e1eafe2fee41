package org.visorfleet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code visorfleet} command. */
@Command(
        name = "visorfleet",
        mixinStandardHelpOptions = true,
        version = "visorfleet 0.1.0",
        description = "Desktop-fleet appliance: network boot over AoE, secure VMM, remote control, desktop grid.",
        subcommands = {CommandLine.HelpCommand.class, AoeCli.class})
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }
}
