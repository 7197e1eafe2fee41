package org.visorfleet.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** An admin command: logs in to a server's API ({@link ApiSession.Login} options) and prints to stdout. */
abstract class AdminCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ApiSession.Login login;

    /** A session logged in with the command's options. */
    ApiSession api() throws IOException, InterruptedException {
        return login.open(err());
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
