package org.visorfleet.grid.vm;

/**
 * Thrown by {@link CompiledRegion#continueBlock} when a translated taken branch must leave its region
 * (budget reached, or the decoded code changed), and caught by the same generated method, which then
 * returns to the hart. Preallocated and stackless.
 *
 * <p>Why an exception and not a plain branch in the generated code: C2 compiles a branch that was never
 * taken while it profiled as a trap that deoptimizes the method, and the budget of a slice typically
 * runs out in code that never saw it run out, so each region would be deoptimized and recompiled
 * again and again. The check lives in one small shared method instead, whose profile does see the
 * exits (from all regions); C2 inlines it and turns the throw into a jump to the handler.
 */
final class BlockEnd extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final BlockEnd INSTANCE = new BlockEnd();

    private BlockEnd() {
        super("leave the translated region", null, false, false);
    }
}
