package org.visorfleet.agent.remote;

import java.util.List;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.kex.AbstractKexFactoryManager;

/**
 * The ciphers this agent's SSH endpoints offer: AES-GCM only (the JDK runs it on the CPU's AES and
 * carry-less multiply instructions, about 2 GiB/s a core here; every OpenSSH since 6.2 has it). Not
 * chacha20-poly1305, which MINA runs in plain Java at 120-160 MiB/s, nor AES-CTR, whose HMAC costs
 * more than GCM: OpenSSH clients pick by their own order, which puts both before AES-GCM (see
 * docs/performance.md, "SSH jump through the bastion vs OpenSSH").
 */
final class Ciphers {

    private Ciphers() {}

    static void aesGcmOnly(AbstractKexFactoryManager endpoint) {
        endpoint.setCipherFactories(List.of(BuiltinCiphers.aes128gcm, BuiltinCiphers.aes256gcm));
    }
}
