package org.recsec.kmp.ticket;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.recsec.kmp.ticket.internal.CborWriter;
import org.recsec.kmp.ticket.internal.CoseCrypto;
import org.recsec.record.base.SecretBytes;

/**
 * The authorization server's side: mints tickets (see {@link TicketValidator} for the format and
 * {@link TicketClaims} for the claims). Each ticket gets a fresh random 16-byte {@code cnf} key, 16-byte {@code cti}
 * and 13-byte CCM IV from the injected random source; {@code iat} = {@code nbf} = now from the injected clock.
 * The result is {@code 16([h'a1010a', {4: kid, 5: iv}, ciphertext])}: tag 16 COSE_Encrypt0, protected header
 * {@code {1: 10}}, AAD the Enc_structure (RFC 9052 §5.3). Thread-safe if the random source and clock are.
 */
public final class TicketIssuer {
    public static final int CNF_KEY_BYTES = 16;
    public static final int CTI_BYTES = 16;
    /** The protected header {1: 10}: alg AES-CCM-16-64-128. */
    static final byte[] PROTECTED_HEADER = {(byte) 0xa1, 0x01, 0x0a};
    private static final long COSE_ENCRYPT0_TAG = 16;
    private static final long HDR_KID = 4;
    private static final long HDR_IV = 5;

    private final AsKey asKey;
    private final String issuer;
    private final SecureRandom random;
    private final Clock clock;

    /**
     * @param asKey  the key shared with the resource servers, whose kid goes into the ticket
     * @param issuer the {@code iss} claim, or {@code null} to leave it out
     * @param random the source of keys, cti and IVs
     * @param clock  the source of {@code iat}, {@code nbf} and {@code exp}
     */
    public TicketIssuer(AsKey asKey, String issuer, SecureRandom random, Clock clock) {
        this.asKey = Objects.requireNonNull(asKey, "asKey");
        this.issuer = issuer;
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Mints a ticket for the RS named {@code audience}, valid from now for {@code lifetime}.
     *
     * @throws IllegalArgumentException for a lifetime under one second or one that overflows {@code exp}
     */
    public IssuedTicket issue(String audience, Duration lifetime, TicketSaParameters sa) {
        Objects.requireNonNull(audience, "audience");
        Objects.requireNonNull(sa, "sa");
        long now = clock.instant().getEpochSecond();
        if (lifetime.getSeconds() < 1 || now > Long.MAX_VALUE - lifetime.getSeconds()) {
            throw new IllegalArgumentException("lifetime must be at least one second and fit an epoch time");
        }
        long exp = now + lifetime.getSeconds();
        byte[] k = new byte[CNF_KEY_BYTES];
        byte[] cti = new byte[CTI_BYTES];
        byte[] iv = new byte[CoseCrypto.CCM_NONCE_BYTES];
        random.nextBytes(k);
        random.nextBytes(cti);
        random.nextBytes(iv);
        SecretBytes cnfKey = SecretBytes.copyOf(k);
        Arrays.fill(k, (byte) 0);
        byte[] ticket = seal(asKey, iv, ClaimsCodec.encode(issuer, audience, exp, now, now, cti, cnfKey, sa));
        return new IssuedTicket(ticket, cnfKey, cti, exp);
    }

    /** Encrypts a claims set into a tag 16 COSE_Encrypt0 under {@code key} with the given IV; wipes the claims. */
    static byte[] seal(AsKey key, byte[] iv, byte[] claims) {
        try {
            byte[] ct = CoseCrypto.ccmEncrypt(key.key(), iv, CoseCrypto.encStructure(PROTECTED_HEADER), claims);
            return new CborWriter().tag(COSE_ENCRYPT0_TAG).arrayHeader(3)
                    .bytes(PROTECTED_HEADER)
                    .mapHeader(2).integer(HDR_KID).bytes(key.kid()).integer(HDR_IV).bytes(iv)
                    .bytes(ct)
                    .toByteArray();
        } finally {
            Arrays.fill(claims, (byte) 0);
        }
    }
}
