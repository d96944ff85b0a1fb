package org.recsec.kmp.eap.tls;

import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapTlsKeys;
import org.recsec.kmp.eap.UeKeys;

/**
 * The TLS 1.2 client under {@link EapTlsPeer}: whole TLS data in, whole TLS data out (the EAP-TLS framing and
 * fragmentation of RFC 5216 §3.1 stay in the peer). Bouncy Castle's client on the host, or the secure element's
 * TLS mode (kmp/eap's {@code org.recsec.kmp.eap.card}).
 */
public interface TlsPeerEngine {
    /**
     * Starts the handshake (on EAP-TLS Start).
     *
     * @return the client's first flight (the ClientHello record)
     * @throws EapException {@code TLS_FAILED} when the client cannot start
     */
    byte[] start() throws EapException;

    /**
     * The server's TLS data, as reassembled from one EAP-TLS message.
     *
     * @return what the client sends back, possibly nothing
     * @throws EapException {@code TLS_FAILED} when the handshake fails
     */
    byte[] offer(byte[] tlsData) throws EapException;

    /** True once the server's Finished was verified. */
    boolean handshakeDone();

    /**
     * The UE's keys after the handshake (RFC 5216 §2.3).
     *
     * @throws EapException {@code TLS_FAILED} when they cannot be had (e.g. the card refuses)
     */
    UeKeys keys() throws EapException;

    /** MSK, EMSK and Session-Id when they are on the host, null when they stay elsewhere (a secure element). */
    EapTlsKeys hostKeys();
}
