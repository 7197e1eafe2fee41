package org.visorfleet.server.ssh;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.Service;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.session.AbstractServerSession;
import org.apache.sshd.server.session.ServerConnectionService;
import org.apache.sshd.server.session.ServerConnectionServiceFactory;

/**
 * MINA's connection service with one change: a refused jump's reason reaches the technician. MINA
 * replaces every channel-open failure text with "Generic error while opening channel"; here the
 * reason the {@link JumpChannel} recorded for that channel is sent instead, so OpenSSH prints
 * "open failed: administratively prohibited: no client desk-99".
 */
final class BastionConnections extends ServerConnectionServiceFactory {

    private static final AttributeKey<Map<Long, String>> REFUSALS = new AttributeKey<>();

    /** Records why the channel the client calls {@code recipient} is refused. */
    static void refuse(Session session, long recipient, String reason) {
        Map<Long, String> refusals = session.computeAttributeIfAbsent(REFUSALS, k -> new ConcurrentHashMap<>());
        refusals.put(recipient, reason);
    }

    @Override
    public Service create(Session session) throws IOException {
        AbstractServerSession server = (AbstractServerSession) session;
        ServerConnectionService service = new ServerConnectionService(server) {
            @Override
            protected IoWriteFuture sendChannelOpenFailure(
                    Buffer buffer, long recipient, int code, String message, String lang) throws IOException {
                Map<Long, String> refusals = session.getAttribute(REFUSALS);
                String reason = refusals == null ? null : refusals.remove(recipient);
                return reason == null
                        ? super.sendChannelOpenFailure(buffer, recipient, code, message, lang)
                        : super.sendChannelOpenFailure(
                                buffer, recipient, SshConstants.SSH_OPEN_ADMINISTRATIVELY_PROHIBITED, reason, lang);
            }
        };
        service.addPortForwardingEventListenerManager(this);
        return service;
    }
}
