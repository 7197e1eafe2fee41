package org.visorfleet.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code visorfleet} command. */
@Command(
        name = "visorfleet",
        mixinStandardHelpOptions = true,
        version = "visorfleet 0.1.0",
        description = "Desktop-fleet appliance: network boot over AoE, secure VMM, remote control, desktop grid.",
        subcommands = {
            CommandLine.HelpCommand.class,
            AoeCli.class,
            PxeCli.class,
            ServerCli.class,
            AgentCli.class,
            GroupCli.class,
            RemoteCli.class,
            ImageCli.class,
            ExportCli.class,
            BootCli.class,
            GridCli.class,
            UserCli.class,
            ConsoleCli.class,
            DemoCli.class
        })
public final class Main {
    /**
     * Libraries that narrate their routine work (pool started, migration validated, connector
     * opened) at INFO: only their warnings reach the console. Held here because java.util.logging
     * keeps loggers only weakly.
     */
    private static final List<Logger> QUIET = Stream.of(
                    "com.zaxxer.hikari", "org.flywaydb", "org.eclipse.jetty", "org.apache.sshd")
            .map(Logger::getLogger)
            .peek(logger -> logger.setLevel(Level.WARNING))
            .toList();

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(Main::reportFailure)
                .execute(args);
    }

    /**
     * Expected failures (I/O: a missing image, an overlay in use; bad values only checked while
     * running) are one line on stderr and a non-zero status; anything else is a bug and keeps
     * picocli's stack trace.
     */
    private static int reportFailure(Exception failure, CommandLine command, CommandLine.ParseResult parsed)
            throws Exception {
        String name = command.getCommandSpec().qualifiedName();
        switch (failure) {
            case IOException e -> {
                command.getErr().println(name + ": " + describe(e));
                return CommandLine.ExitCode.SOFTWARE;
            }
            case IllegalArgumentException e -> {
                command.getErr().println(name + ": " + e.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            default -> throw failure;
        }
    }

    /**
     * NoSuchFileException and friends carry only the path as their message; some network exceptions
     * (HttpClient's ConnectException for a refused connection) carry none, so the first cause with a
     * message is shown instead of "null".
     */
    private static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException f -> "no such file: " + f.getFile();
            case AccessDeniedException f -> "permission denied: " + f.getFile();
            case FileSystemException f
            when f.getReason() == null -> f.getClass().getSimpleName() + ": " + f.getFile();
            default -> e.getMessage() != null ? e.getMessage() : firstMessage(e);
        };
    }

    private static String firstMessage(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getMessage() != null) {
                return e.getClass().getSimpleName() + ": " + t.getMessage();
            }
        }
        return e.getClass().getSimpleName();
    }
}
