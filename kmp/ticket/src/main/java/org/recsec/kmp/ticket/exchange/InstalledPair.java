package org.recsec.kmp.ticket.exchange;

import org.recsec.record.base.CipherSuite;

/**
 * The SA pair a ticket exchange installed, as each end sees it. The client sends under {@link #serverInboundSpi}
 * (its outbound SA, {@code clientIdentity -> serverIdentity}) and receives under {@link #clientInboundSpi}; the RS
 * the other way round. For record-sec: the client protects with {@code protectRequest(msg, clientIdentity,
 * serverIdentity)}.
 */
public record InstalledPair(long clientInboundSpi, long serverInboundSpi, String clientIdentity,
                            String serverIdentity, CipherSuite suite) {
}
