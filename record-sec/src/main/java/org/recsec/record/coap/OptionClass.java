package org.recsec.record.coap;

import org.recsec.record.internal.ProxyUri;

/**
 * The protection class of a CoAP option, after RFC 8613 §4.1 (Figure 5): E options travel only inside the
 * protected record, U options only in the outer message, EU options have an inner and an outer value that are
 * unrelated (RFC 8613 §4.1.3).
 */
public enum OptionClass {
    /** Encrypted and integrity protected: inner only. */
    E,
    /** Unprotected: outer only, visible to and changeable by proxies. */
    U,
    /** Both: an inner value for the endpoints and an independent outer value for proxies. */
    EU;

    /**
     * The class of option {@code number}. The sources, entry by entry:
     * <ul>
     * <li>RFC 8613 Figure 5, E: If-Match (1), ETag (4), If-None-Match (5), Location-Path (8), Uri-Path (11),
     *     Content-Format (12), Uri-Query (15), Accept (17), Location-Query (20).</li>
     * <li>RFC 8613 Figure 5, U: Uri-Host (3), Uri-Port (7), OSCORE (9), Proxy-Uri (35; split per §4.1.3.3, see
     *     {@link ProxyUri}), Proxy-Scheme (39).</li>
     * <li>RFC 8613 Figure 5, E and U: Observe (6; §4.1.3.5), Max-Age (14; §4.1.3.1), Block2 (23), Block1 (27),
     *     Size2 (28), Size1 (60) (§4.1.3.4), No-Response (258; §4.1.3.6).</li>
     * <li>RFC 9175 §2.3 and §3.3: Echo (252) and Request-Tag (292) are E.</li>
     * <li>RFC 8768 §3: Hop-Limit (16) is U (a proxy decrements it).</li>
     * <li>RFC 9177 §4: Q-Block1 (19) and Q-Block2 (31) are E and U, as Block1 and Block2.</li>
     * <li>RFC 9668 §3.1: EDHOC (21) is U.</li>
     * <li>recsec: Record-Security (65001) is U (the receiver needs it before it can open the record);
     *     Request-Sequence (65002) is E (it binds a response to its request end to end).</li>
     * <li>Everything else is E (RFC 8613 §4.1: unknown options are protected by default).</li>
     * </ul>
     */
    public static OptionClass of(int number) {
        return switch (number) {
            case OptionNumbers.URI_HOST, OptionNumbers.URI_PORT, OptionNumbers.OSCORE, OptionNumbers.PROXY_URI,
                    OptionNumbers.PROXY_SCHEME, OptionNumbers.HOP_LIMIT, OptionNumbers.EDHOC,
                    OptionNumbers.RECORD_SECURITY -> U;
            case OptionNumbers.OBSERVE, OptionNumbers.MAX_AGE, OptionNumbers.BLOCK1, OptionNumbers.BLOCK2,
                    OptionNumbers.SIZE1, OptionNumbers.SIZE2, OptionNumbers.Q_BLOCK1, OptionNumbers.Q_BLOCK2,
                    OptionNumbers.NO_RESPONSE -> EU;
            default -> E;
        };
    }

    /** Whether the option may appear in the protected inner message. */
    public boolean inner() {
        return this != U;
    }

    /** Whether the option may appear in the outer message. */
    public boolean outer() {
        return this != E;
    }
}
