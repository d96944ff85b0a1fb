package org.recsec.kmp.ticket;

import org.recsec.kmp.ticket.error.TicketException.Reason;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.internal.CborReader;
import org.recsec.kmp.ticket.internal.CborValue;
import org.recsec.kmp.ticket.internal.CoseCrypto;
import org.recsec.kmp.ticket.internal.CoseMessage;
import org.recsec.record.base.SecretBytes;

/**
 * Opens any CWT a symmetric key can open, for {@code ticket inspect}: a COSE_Encrypt0 with AES-CCM-16-64-128
 * (alg 10) or a COSE_Mac0 with HMAC 256/64 or 256/256 (alg 4, 5), tagged 61 or not, whatever its kid. Unlike
 * {@link TicketValidator} it requires no claim: {@code exp}/{@code nbf} are checked when present and
 * {@code now} is given, {@code aud} when an audience is given, and the recsec SA claims only when the suite claim
 * is there. No replay cache.
 */
public final class CwtInspector {
    private CwtInspector() {
    }

    /**
     * @param now      epoch seconds, or {@code null} to skip exp/nbf
     * @param audience the audience to require, or {@code null}
     * @return the claims map
     */
    public static CborValue.Map open(byte[] cwt, SecretBytes key, Long now, String audience) throws TicketException {
        if (cwt.length > TicketValidator.MAX_TICKET_BYTES) {
            throw new TicketException(Reason.MALFORMED_CBOR, "CWT longer than " + TicketValidator.MAX_TICKET_BYTES
                    + " bytes");
        }
        CoseMessage m = CoseMessage.parse(cwt, CoseMessage.Kind.ENCRYPT0);
        byte[] payload;
        switch (m.kind()) {
            case ENCRYPT0:
                if (m.alg() != CoseCrypto.ALG_AES_CCM_16_64_128) {
                    throw new TicketException(Reason.UNSUPPORTED_ALG, "COSE_Encrypt0 alg " + m.alg());
                }
                payload = CoseCrypto.ccmDecrypt(key, m.iv(), CoseCrypto.encStructure(m.protectedBytes()),
                        m.content());
                break;
            case MAC0:
                CoseCrypto.verifyMac0(m, key);
                payload = m.content();
                break;
            default:
                throw new TicketException(Reason.UNSUPPORTED_ALG, "COSE_Sign1 needs a public key");
        }
        if (!(CborReader.decode(payload) instanceof CborValue.Map claims)) {
            throw new TicketException(Reason.MALFORMED_CBOR, "claims set is not a map");
        }
        if (now != null) {
            CborValue nbf = claims.get(TicketClaims.NBF).orElse(null);
            if (nbf != null && now < ClaimsCodec.numericDate(nbf, "nbf", true)) {
                throw new TicketException(Reason.NOT_YET_VALID, "CWT not valid before its nbf");
            }
            CborValue exp = claims.get(TicketClaims.EXP).orElse(null);
            if (exp != null && now >= ClaimsCodec.numericDate(exp, "exp", false)) {
                throw new TicketException(Reason.EXPIRED, "CWT expired");
            }
        }
        if (audience != null) {
            CborValue aud = claims.get(TicketClaims.AUD).orElse(null);
            if (aud == null) {
                throw new TicketException(Reason.MISSING_CLAIM, "no aud claim");
            }
            if (!ClaimsCodec.audience(aud).contains(audience)) {
                throw new TicketException(Reason.WRONG_AUDIENCE, "CWT is not for " + audience);
            }
        }
        if (claims.get(TicketClaims.SA_SUITE).isPresent()) {
            ClaimsCodec.saParameters(claims); // type-check our claims when the CWT carries them
        }
        return claims;
    }
}
