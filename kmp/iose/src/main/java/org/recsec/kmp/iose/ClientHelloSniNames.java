package org.recsec.kmp.iose;

import java.nio.charset.StandardCharsets;

/** SEN normalisation shared by the grid and the URI parser: a DNS name per RFC 6066 §3, lower-cased. */
final class ClientHelloSniNames {
    private ClientHelloSniNames() {
    }

    /**
     * The SEN lower-cased, after checking it is a valid SNI host_name.
     *
     * @throws IllegalArgumentException when it is not
     */
    static String normalise(String sen) {
        try {
            return ClientHelloSni.hostName(sen.getBytes(StandardCharsets.US_ASCII));
        } catch (TlsAlertException e) {
            throw new IllegalArgumentException("not a valid secure element name: " + e.getMessage());
        }
    }
}
