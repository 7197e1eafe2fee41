package org.visorfleet.agent.grid;

import org.visorfleet.grid.sandbox.Limits;
import org.visorfleet.grid.sandbox.Pacer;
import org.visorfleet.grid.sandbox.RunResult;
import org.visorfleet.grid.sandbox.Sandbox;
import org.visorfleet.grid.sandbox.WorkUnit;

/** Runs one work unit; the agent's is the sandbox (tests may wrap it, e.g. to play a cheating desktop). */
@FunctionalInterface
public interface WorkRunner {
    WorkRunner SANDBOX = Sandbox::run;

    RunResult run(WorkUnit unit, Limits limits, Pacer pacer);
}
