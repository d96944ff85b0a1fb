package org.recsec.kmp.eap;

import org.recsec.record.base.SecretBytes;

/**
 * What the UE needs from its finished EAP-TLS authentication for the pull key (draft-ohba-core-eap-based-
 * bootstrapping §4.3 step 2): the Session-Id that names the session to the AS (RFC 5216 §2.3) and, per application
 * server, the record-SA USRK from the EMSK ({@link Usrk#forApplicationServer}, RFC 5295 §3.1). The EMSK itself is
 * not part of this interface: on a secure element it never reaches the host ({@link EapTlsKeys} is the host
 * peer's implementation, the card's answers USRKs computed on the card).
 */
public interface UeKeys {
    /** The 65-byte Session-Id {@code 0x0D ‖ client.random ‖ server.random} (a copy). Not secret. */
    byte[] sessionId();

    /**
     * USRK = KDF(EMSK, {@value Usrk#RECSEC_LABEL}, UTF-8 of {@code apsIdentity}, {@value Usrk#RECSEC_USRK_BYTES}).
     *
     * @throws EapException {@code TLS_FAILED} when the holder of the EMSK (the card) refuses or cannot be reached
     */
    SecretBytes usrk(String apsIdentity) throws EapException;
}
