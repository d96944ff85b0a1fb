package org.recsec.km.pfkey;

import org.recsec.record.base.CipherSuite;

/**
 * Builders for the requests a key-management protocol sends (RFC 2367 §3.1), all for
 * {@link PfKey#SADB_X_SATYPE_RECSEC}. ADD and UPDATE come from {@link SaSpec#toMessage}.
 */
public final class PfKeyRequests {
    private PfKeyRequests() {
    }

    /** ADD of a complete SA (§3.1.3). */
    public static PfKeyMessage add(SaSpec sa, long seq, long pid) {
        return sa.toMessage(PfKey.SADB_ADD, seq, pid);
    }

    /** UPDATE completing the larval SA {@code sa.spi()} made by GETSPI (§3.1.2); reuse the GETSPI's seq. */
    public static PfKeyMessage update(SaSpec sa, long seq, long pid) {
        return sa.toMessage(PfKey.SADB_UPDATE, seq, pid);
    }

    /**
     * GETSPI (§3.1.1): reserve an SPI in {@code [min, max]} for an SA from {@code src} to {@code dst} (this end);
     * {@code min == max} asks for that SPI. When answering an ACQUIRE, pass its seq.
     */
    public static PfKeyMessage getSpi(String src, String dst, long min, long max, long seq, long pid) {
        PfKeyMessage.Builder b = PfKeyMessage.builder(PfKey.SADB_GETSPI, PfKey.SADB_X_SATYPE_RECSEC).seq(seq).pid(pid)
                .add(new PfKeyExtension.SpiRange(min, max));
        Endpoints.extensionsFor(src, true).forEach(b::add);
        Endpoints.extensionsFor(dst, false).forEach(b::add);
        return b.build();
    }

    /** DELETE (§3.1.4) of the SA {@code (spi, dst)}. */
    public static PfKeyMessage delete(long spi, String src, String dst, long seq, long pid) {
        return identify(PfKey.SADB_DELETE, spi, src, dst, seq, pid);
    }

    /** GET (§3.1.5) of the SA {@code (spi, dst)}; the reply carries its keys, to the caller only. */
    public static PfKeyMessage get(long spi, String src, String dst, long seq, long pid) {
        return identify(PfKey.SADB_GET, spi, src, dst, seq, pid);
    }

    /** REGISTER (§3.1.7) for record SAs: the sender then gets ACQUIRE and EXPIRE messages. */
    public static PfKeyMessage register(long seq, long pid) {
        return PfKeyMessage.builder(PfKey.SADB_REGISTER, PfKey.SADB_X_SATYPE_RECSEC).seq(seq).pid(pid).build();
    }

    /** FLUSH (§3.1.9) of every record SA. */
    public static PfKeyMessage flush(long seq, long pid) {
        return PfKeyMessage.builder(PfKey.SADB_FLUSH, PfKey.SADB_X_SATYPE_RECSEC).seq(seq).pid(pid).build();
    }

    /** DUMP (§3.1.10) of every record SA, without keys. */
    public static PfKeyMessage dump(long seq, long pid) {
        return PfKeyMessage.builder(PfKey.SADB_DUMP, PfKey.SADB_X_SATYPE_RECSEC).seq(seq).pid(pid).build();
    }

    /** A KMP's failure answer to ACQUIRE {@code seq} (§3.1.6): the base header with {@code errno}. */
    public static PfKeyMessage acquireFailed(long seq, int errno, long pid) {
        return PfKeyMessage.builder(PfKey.SADB_ACQUIRE, PfKey.SADB_X_SATYPE_RECSEC).seq(seq).pid(pid).errno(errno)
                .build();
    }

    /** A proposal offering every record suite with its key size, preferred first as listed in {@link CipherSuite}. */
    public static Proposal defaultProposal(int replay) {
        java.util.List<Comb> combs = new java.util.ArrayList<>();
        for (CipherSuite s : CipherSuite.values()) {
            combs.add(Comb.of(PfKey.ealgForSuite(s), s.keySizeBytes() * 8));
        }
        return new Proposal(replay, combs);
    }

    private static PfKeyMessage identify(int type, long spi, String src, String dst, long seq, long pid) {
        PfKeyMessage.Builder b = PfKeyMessage.builder(type, PfKey.SADB_X_SATYPE_RECSEC).seq(seq).pid(pid)
                .add(new PfKeyExtension.Sa(spi, 0, 0, 0, 0, 0));
        Endpoints.extensionsFor(src, true).forEach(b::add);
        Endpoints.extensionsFor(dst, false).forEach(b::add);
        return b.build();
    }
}
