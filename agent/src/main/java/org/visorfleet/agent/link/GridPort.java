package org.visorfleet.agent.link;

import org.visorfleet.common.wire.AgentMessage;
import org.visorfleet.common.wire.ServerMessage;

/** The link's view of the grid worker: where work messages go and where grid status comes from. */
public interface GridPort {

    /** A work unit replica to run. Called on the link's thread: must not block. */
    void accept(ServerMessage.Work work);

    /** A replica the server no longer needs. Called on the link's thread: must not block. */
    void cancel(ServerMessage.WorkCancel cancel);

    /**
     * The status to send now, or null for none; {@code newSession} is true right after a (re)connect,
     * when the server knows nothing yet. Called on the link's thread, at least once a second.
     */
    AgentMessage.GridStatus statusDue(boolean newSession);
}
