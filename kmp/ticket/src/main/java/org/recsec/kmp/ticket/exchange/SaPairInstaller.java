package org.recsec.kmp.ticket.exchange;

import java.util.concurrent.atomic.AtomicLong;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.kmp.ticket.TicketKeys.SaPairKeys;
import org.recsec.kmp.ticket.TicketSaParameters;
import org.recsec.record.base.SecretBytes;

/**
 * What both ends do with their SAD, in PF_KEY messages only (RFC 2367 §3.1): GETSPI reserves the inbound SPI as a
 * larval SA before the exchange, UPDATE completes it and ADD installs the outbound SA after it; any failure deletes
 * what this exchange installed, so a pair is installed whole or not at all.
 */
final class SaPairInstaller {
    private final SadSession session;
    private final AtomicLong seq = new AtomicLong();

    SaPairInstaller(SadSession session) {
        this.session = session;
    }

    private long nextSeq() {
        // PF_KEY seq is a u32 echoed in replies; the kernel-style range below 2^31 stays clear of the SAD's own.
        return seq.updateAndGet(s -> s >= 0x7fffffffL ? 1 : s + 1);
    }

    /** GETSPI for an SA from {@code peer} to {@code local}: a free SPI in {@code [min, max]}, held as larval. */
    long reserveInbound(String peer, String local, long min, long max) throws TicketExchangeException {
        try {
            PfKeyMessage reply = session.request(PfKeyRequests.getSpi(peer, local, min, max, nextSeq(), 0));
            // RFC 2367 §3.1.1: the reply names the SPI in its SA extension; one without it is EINVAL, refused below.
            return reply.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).spi();
        } catch (PfKeyException e) {
            throw sadRefused("GETSPI", e);
        }
    }

    /** DELETE of an SA this exchange reserved or installed; a missing SA is fine (the larval one may have timed out). */
    void release(long spi, String src, String dst) {
        session.send(PfKeyRequests.delete(spi, src, dst, nextSeq(), 0));
    }

    /**
     * UPDATE of the larval inbound SA with its keys, then ADD of the outbound one; on a refusal the inbound SA is
     * deleted again.
     */
    void complete(SaSpec inbound, SaSpec outbound) throws TicketExchangeException {
        try {
            session.request(PfKeyRequests.update(inbound, nextSeq(), 0));
        } catch (PfKeyException e) {
            release(inbound.spi(), inbound.src(), inbound.dst());
            throw sadRefused("UPDATE", e);
        }
        try {
            session.request(PfKeyRequests.add(outbound, nextSeq(), 0));
        } catch (PfKeyException e) {
            release(inbound.spi(), inbound.src(), inbound.dst());
            throw sadRefused("ADD", e);
        }
    }

    /**
     * The two SAs of a pair as SaSpecs: {@code [clientToServer, serverToClient]} with SPIs, keys, record profile,
     * replay window and lifetimes from the ticket. dtls12 and dtls12-cid SAs hold key and IV (PF_KEY profile ids 1
     * and 2), a compact SA its traffic secret (id 3, 16-bit sequence numbers); all start in epoch 0 at sequence 0.
     */
    static SaSpec[] specs(SaPairKeys keys, String client, String server, TicketSaParameters sa, long expiresAt,
                          long now) {
        PfKeyExtension.Lifetime[] life = lifetimes(sa, expiresAt, now);
        SaSpec c2s = spec(keys.clientToServerSpi(), client, server, keys, keys.clientToServerKey(),
                keys.clientToServerIv(), sa, life);
        SaSpec s2c = spec(keys.serverToClientSpi(), server, client, keys, keys.serverToClientKey(),
                keys.serverToClientIv(), sa, life);
        return new SaSpec[] {c2s, s2c};
    }

    private static SaSpec spec(long spi, String src, String dst, SaPairKeys keys, SecretBytes key, SecretBytes iv,
                               TicketSaParameters sa, PfKeyExtension.Lifetime[] life) {
        SaSpec base = switch (sa.recordProfile()) {
            case "compact" -> SaSpec.compact(spi, src, dst, keys.suite(), key, 2);
            case "dtls12-cid" -> SaSpec.withKeys(spi, src, dst, keys.suite(), key, iv)
                    .withRecordProfile(PfKey.RECSEC_PROFILE_DTLS12_CID);
            default -> SaSpec.withKeys(spi, src, dst, keys.suite(), key, iv);
        };
        return base.withReplayWindow(sa.replayWindow()).withLifetimes(life[0], life[1]);
    }

    /**
     * PF_KEY lifetimes (RFC 2367 §2.3.3) from the ticket's SA claims: seconds as add-time limits, bytes as byte
     * limits. The hard add-time is also capped at the seconds left until the ticket's {@code exp} (at least 1), as
     * ACE ends a security context with its token (RFC 9200 §5.10.3); a soft add-time is kept at or below the hard
     * one.
     */
    static PfKeyExtension.Lifetime[] lifetimes(TicketSaParameters sa, long expiresAt, long now) {
        long untilExp = Math.max(1, expiresAt - now);
        long hardSeconds = sa.hardLifetimeSeconds() == 0 ? untilExp : Math.min(sa.hardLifetimeSeconds(), untilExp);
        long softSeconds = Math.min(sa.softLifetimeSeconds(), hardSeconds);
        PfKeyExtension.Lifetime soft = softSeconds == 0 && sa.softLifetimeBytes() == 0 ? null
                : new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_SOFT, 0, sa.softLifetimeBytes(), softSeconds,
                        0);
        PfKeyExtension.Lifetime hard = new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_HARD, 0,
                sa.hardLifetimeBytes(), hardSeconds, 0);
        return new PfKeyExtension.Lifetime[] {soft, hard};
    }

    private static TicketExchangeException sadRefused(String what, PfKeyException e) {
        return new TicketExchangeException(TicketExchangeException.Reason.SAD_REFUSED,
                what + " refused: " + PfKey.errnoName(e.errno()), e);
    }
}
