package org.recsec.kmp.eap.card;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Objects;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapTlsKeys;
import org.recsec.kmp.eap.UeKeys;
import org.recsec.kmp.eap.tls.TlsPeerEngine;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.se.host.TlsFlightFeed;

/**
 * The UE's EAP-TLS client on the secure element (applet/README.md, TLS mode, certificate mode:
 * TLS_DHE_RSA_WITH_AES_128_CCM_8 with the card's RSA-2048 key, mutual authentication): the TLS data that
 * {@link org.recsec.kmp.eap.tls.EapTlsPeer} reassembles from the AA's EAP-TLS Requests goes through a
 * {@link TlsFlightFeed}, which re-frames it for the card. The card's own EAP-TLS framing (its identifiers, its
 * 200-byte fragments, its 1088-byte buffer) stays between this host and the card: the card's APDU payload is an
 * EAP-TLS packet carrying whole TLS records, never the AA's EAP packets, so the AS's EAP conversation and the
 * card's are two separate framings of the same TLS records.
 *
 * <p>After the handshake, {@link #keys()} asks the card for the Session-Id (EAP-KEYS P1 00: the card derives MSK and
 * EMSK, RFC 5216 §2.3, and keeps them) and checks it against the randoms this host saw pass; USRKs come from the card
 * too ({@link CardUeKeys}). MSK and EMSK never reach the host. The card must be provisioned for certificate mode
 * (GENERATE-KEYPAIR, both WRITE-CERTs) and used by nobody else meanwhile.
 */
public final class CardTlsEngine implements TlsPeerEngine {
    private final SeCard card;
    private TlsFlightFeed feed;

    /** An engine on {@code card}; every {@link #start()} RESETs it for TLS in certificate mode. */
    public CardTlsEngine(SeCard card) {
        this.card = Objects.requireNonNull(card, "card");
    }

    @Override
    public byte[] start() throws EapException {
        synchronized (card) {
            try {
                card.reset(SeCard.MODE_TLS | SeCard.MODE_CERT);
                feed = new TlsFlightFeed(card);
                return feed.start();
            } catch (SeException e) {
                throw new EapException(EapException.Reason.TLS_FAILED, "the card did not start: " + e.getMessage(),
                        e);
            }
        }
    }

    @Override
    public byte[] offer(byte[] tlsData) throws EapException {
        if (feed == null) {
            throw new EapException(EapException.Reason.UNEXPECTED, "TLS data before the start");
        }
        synchronized (card) {
            try {
                return feed.offerBytes(tlsData);
            } catch (SeException | IOException e) {
                throw new EapException(EapException.Reason.TLS_FAILED, "the card's handshake failed: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean handshakeDone() {
        return feed != null && feed.finished();
    }

    @Override
    public UeKeys keys() throws EapException {
        if (!handshakeDone()) {
            throw new EapException(EapException.Reason.UNEXPECTED, "the card's handshake has not finished");
        }
        byte[] sid;
        synchronized (card) {
            try {
                sid = card.eapSessionId();
            } catch (SeException e) {
                throw new EapException(EapException.Reason.TLS_FAILED, "EAP-KEYS refused: " + e.getMessage(), e);
            }
        }
        byte[] seen = new byte[65];
        seen[0] = EapTlsKeys.EAP_TYPE_TLS;
        System.arraycopy(feed.clientRandom(), 0, seen, 1, 32);
        System.arraycopy(feed.serverRandom(), 0, seen, 33, 32);
        if (!MessageDigest.isEqual(seen, sid)) {
            throw new EapException(EapException.Reason.TLS_FAILED,
                    "the card's Session-Id is not that of the handshake it ran");
        }
        return new CardUeKeys(card, sid);
    }

    /** Always null: MSK and EMSK stay on the card. */
    @Override
    public EapTlsKeys hostKeys() {
        return null;
    }
}
