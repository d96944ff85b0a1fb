package org.recsec.kmp.eap.card;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.Hex;
import org.recsec.kmp.eap.UeKeys;
import org.recsec.kmp.eap.Usrk;
import org.recsec.record.base.SecretBytes;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;

/**
 * The UE's keys when its EAP-TLS peer is the secure element: the Session-Id the card answered, and USRKs the card
 * computes from the EMSK it keeps (EAP-KEYS P1 01: RFC 5295 §3.1.2 with the card's one label, which is
 * {@value Usrk#RECSEC_LABEL}, optional data the ApS identity, {@value Usrk#RECSEC_USRK_BYTES} bytes). Valid until
 * the card is RESET, SELECTed or used for another handshake. {@code toString} shows the Session-Id only.
 */
public final class CardUeKeys implements UeKeys {
    private final SeCard card;
    private final byte[] sessionId;

    CardUeKeys(SeCard card, byte[] sessionId) {
        this.card = Objects.requireNonNull(card, "card");
        this.sessionId = sessionId.clone();
    }

    @Override
    public byte[] sessionId() {
        return sessionId.clone();
    }

    /**
     * The card's USRK for {@code apsIdentity}.
     *
     * @throws EapException {@code TOO_LARGE} for an identity over {@value SeCard#USRK_MAX_DATA} UTF-8 bytes,
     *                      {@code TLS_FAILED} when the card refuses (e.g. it was RESET meanwhile)
     */
    @Override
    public SecretBytes usrk(String apsIdentity) throws EapException {
        byte[] data = apsIdentity.getBytes(StandardCharsets.UTF_8);
        if (data.length > SeCard.USRK_MAX_DATA) {
            throw new EapException(EapException.Reason.TOO_LARGE, "ApS identity over " + SeCard.USRK_MAX_DATA
                    + " bytes");
        }
        synchronized (card) {
            try {
                return card.usrk(data, Usrk.RECSEC_USRK_BYTES);
            } catch (SeException e) {
                throw new EapException(EapException.Reason.TLS_FAILED, "the card refused the USRK: "
                        + e.getMessage(), e);
            }
        }
    }

    @Override
    public String toString() {
        return "CardUeKeys[sessionId=" + Hex.encode(sessionId) + "]";
    }
}
