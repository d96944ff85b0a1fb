package org.recsec.km.sad;

import java.util.ArrayList;
import java.util.List;
import org.recsec.km.pfkey.Alg;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.pfkey.Supported;
import org.recsec.record.base.CipherSuite;

/**
 * The RFC 2367 §3.1 semantics of each message type. {@link #receive} decodes a message and takes the SAD lock; the
 * handlers run with it held. Every refusal becomes an errno reply before anything changed; a handler changes the SAD
 * only after all its checks passed.
 */
final class SadMessages {
    private SadMessages() {
    }

    /**
     * Decodes one message from {@code session} and handles it; never throws for bad input: the errno goes in the
     * reply. DUMP copies the entry set under the SAD lock and describes it without the lock; every other message is
     * handled under it.
     */
    static List<byte[]> receive(SecurityAssociationDatabase db, SessionHub hub, SadSession session, byte[] b, int off,
                                int len) {
        PfKeyMessage m;
        try {
            m = PfKeyMessage.decode(b, off, len);
        } catch (PfKeyException e) {
            return List.of(PfKeyMessage.errorReplyFor(b, off, len, e.errno()).encode());
        }
        if (m.type() == PfKey.SADB_DUMP && m.errno() == 0) {
            // Copy the set under the lock, describe 200k SAs without it.
            SadEntry[] all;
            hub.lock.lock();
            try {
                all = db.entries().snapshot();
            } finally {
                hub.unlockAndDeliver();
            }
            return dump(java.util.Arrays.asList(SadEntries.sorted(all)), m);
        }
        hub.lock.lock();
        try {
            return handle(db, session, m);
        } finally {
            hub.unlockAndDeliver();
        }
    }

    static List<byte[]> handle(SecurityAssociationDatabase db, SadSession session, PfKeyMessage m) {
        try {
            if (m.errno() != 0) {
                if (m.type() == PfKey.SADB_ACQUIRE) {
                    // A KMP's failure answer to our ACQUIRE (§3.1.6): one-way, no reply.
                    db.acquireFailed(m.seq(), m.errno());
                    return List.of();
                }
                throw new PfKeyException(PfKey.EINVAL, "errno set in a request");
            }
            switch (m.type()) {
                case PfKey.SADB_GETSPI: return one(getSpi(db, session, m));
                case PfKey.SADB_UPDATE: return one(update(db, session, m));
                case PfKey.SADB_ADD: return one(add(db, session, m));
                case PfKey.SADB_DELETE: return one(delete(db, session, m));
                case PfKey.SADB_GET: return one(get(db, m));
                case PfKey.SADB_REGISTER: return one(register(session, m));
                case PfKey.SADB_FLUSH: return one(flush(db, session, m));
                case PfKey.SADB_DUMP: return dump(db.entries().allEntries(), m);
                default:
                    throw new PfKeyException(PfKey.EINVAL, PfKey.typeName(m.type()) + " is not a request");
            }
        } catch (PfKeyException e) {
            return one(m.errorReply(e.errno()));
        }
    }

    private static List<byte[]> one(PfKeyMessage reply) {
        return List.of(reply.encode());
    }

    private static void requireRecsec(PfKeyMessage m) throws PfKeyException {
        if (m.satype() != PfKey.SADB_X_SATYPE_RECSEC) {
            throw new PfKeyException(PfKey.EINVAL, "SA type " + m.satype() + " is not served here");
        }
    }

    /** GETSPI (§3.1.1): reserve an SPI for an inbound SA as a larval entry. */
    private static PfKeyMessage getSpi(SecurityAssociationDatabase db, SadSession s, PfKeyMessage m)
            throws PfKeyException {
        requireRecsec(m);
        PfKeyExtension.SpiRange range = m.ext(PfKey.SADB_EXT_SPIRANGE, PfKeyExtension.SpiRange.class)
                .orElseThrow(() -> new PfKeyException(PfKey.EINVAL, "GETSPI needs an SPI range"));
        String src = Endpoints.identityOf(m, true);
        String dst = Endpoints.identityOf(m, false);
        if (!db.isLocal(dst)) {
            throw new PfKeyException(PfKey.EINVAL, "GETSPI for a destination that is not local");
        }
        long min = Math.max(range.min(), SaSpec.MIN_SPI);
        long max = range.max();
        if (min > max) {
            throw new PfKeyException(PfKey.EINVAL, "SPI range holds only reserved SPIs");
        }
        long spi = -1;
        long width = max - min + 1;
        if (width <= 64) {
            for (long c = min; c <= max && spi < 0; c++) {
                if (free(db, c, dst)) {
                    spi = c;
                }
            }
        } else {
            for (int i = 0; i < 64 && spi < 0; i++) {
                long c = min + db.random().nextLong(width);
                if (free(db, c, dst)) {
                    spi = c;
                }
            }
        }
        if (spi < 0) {
            throw new PfKeyException(PfKey.EEXIST, "no free SPI in the range");
        }
        SadEntry larval = new SadEntry(db, spi, src, dst, s.id(),
                db.nowMillis() + db.larvalTimeout().toMillis(), db.nowSeconds());
        db.entries().link(larval);
        PfKeyMessage.Builder b = PfKeyMessage.builder(PfKey.SADB_GETSPI, m.satype()).seq(m.seq()).pid(m.pid())
                .add(new PfKeyExtension.Sa(spi, 0, PfKey.SADB_SASTATE_LARVAL, 0, 0, 0));
        Endpoints.extensionsFor(src, true).forEach(b::add);
        Endpoints.extensionsFor(dst, false).forEach(b::add);
        return b.build();
    }

    private static boolean free(SecurityAssociationDatabase db, long spi, String dst) {
        return db.entries().find(spi, dst) == null && !db.entries().inboundSpiTaken(spi);
    }

    /** ADD (§3.1.3): a complete SA in state MATURE. */
    private static PfKeyMessage add(SecurityAssociationDatabase db, SadSession s, PfKeyMessage m)
            throws PfKeyException {
        requireRecsec(m);
        SaSpec spec = SaSpec.fromMessage(m);
        boolean in = db.isLocal(spec.dst());
        boolean out = db.isLocal(spec.src());
        if (!in && !out) {
            throw new PfKeyException(PfKey.EINVAL, "neither end of the SA is a local identity");
        }
        if (db.entries().find(spec.spi(), spec.dst()) != null) {
            throw new PfKeyException(PfKey.EEXIST, "SA 0x" + Long.toHexString(spec.spi()) + " exists");
        }
        if (in && db.entries().inboundSpiTaken(spec.spi())) {
            throw new PfKeyException(PfKey.EEXIST, "inbound SPI 0x" + Long.toHexString(spec.spi()) + " in use");
        }
        SadEntry e = new SadEntry(db, spec, in, out, db.entries().newFileId(), db.nowSeconds());
        install(db, e, null);
        return finish(db, s, m);
    }

    private static void install(SecurityAssociationDatabase db, SadEntry e, SadEntry larval) throws PfKeyException {
        // Reserve the first sequence numbers and save before the SA becomes visible.
        if (!db.entries().persist(e)) {
            throw new PfKeyException(PfKey.EIO, "cannot save the SA");
        }
        if (larval != null) {
            db.entries().replace(larval, e);
        } else {
            db.entries().link(e);
        }
    }

    private static PfKeyMessage finish(SecurityAssociationDatabase db, SadSession s, PfKeyMessage m) {
        PfKeyMessage reply = m.withoutKeys();
        db.pushToRegistered(reply.encode(), s);
        db.signalChange();
        return reply;
    }

    /** UPDATE (§3.1.2): completes a larval SA, or changes state and lifetimes of a MATURE/DYING one. */
    private static PfKeyMessage update(SecurityAssociationDatabase db, SadSession s, PfKeyMessage m)
            throws PfKeyException {
        requireRecsec(m);
        PfKeyExtension.Sa sa = m.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class);
        String src = Endpoints.identityOf(m, true);
        String dst = Endpoints.identityOf(m, false);
        SadEntry e = db.entries().find(sa.spi(), dst);
        if (e == null) {
            throw new PfKeyException(PfKey.ESRCH, "no SA 0x" + Long.toHexString(sa.spi()));
        }
        if (!e.src.equals(src)) {
            throw new PfKeyException(PfKey.EINVAL, "UPDATE may not change the source");
        }
        if (e.isLarval()) {
            if (e.creatorSession != s.id()) {
                throw new PfKeyException(PfKey.EACCES, "only the session that ran GETSPI may UPDATE");
            }
            SaSpec spec = SaSpec.fromMessage(m);
            boolean out = db.isLocal(spec.src());
            install(db, new SadEntry(db, spec, true, out, db.entries().newFileId(), db.nowSeconds()), e);
            return finish(db, s, m);
        }
        int state = e.state();
        if (state == PfKey.SADB_SASTATE_DEAD) {
            throw new PfKeyException(PfKey.EINVAL, "UPDATE of a DEAD SA");
        }
        if (m.has(PfKey.SADB_EXT_KEY_ENCRYPT) || m.has(PfKey.SADB_EXT_KEY_AUTH)
                || m.has(PfKey.SADB_X_EXT_RECSEC_IV) || m.has(PfKey.SADB_X_EXT_RECSEC_SE_HANDLE)
                || m.has(PfKey.SADB_X_EXT_RECSEC_PROFILE) || m.has(PfKey.SADB_X_EXT_RECSEC_REPLAY)) {
            throw new PfKeyException(PfKey.EINVAL, "a mature SA may change only its state and lifetimes");
        }
        if (sa.state() == PfKey.SADB_SASTATE_LARVAL
                || sa.encrypt() != 0 && sa.encrypt() != PfKey.ealgForSuite(e.suite)) {
            throw new PfKeyException(PfKey.EINVAL, "a mature SA may change only its state and lifetimes");
        }
        if (sa.state() > PfKey.SADB_SASTATE_DEAD) {
            throw new PfKeyException(PfKey.EINVAL, "state " + sa.state());
        }
        // An UPDATE without a lifetime leaves that limit as it was (null: none given).
        e.setLimits(m.ext(PfKey.SADB_EXT_LIFETIME_SOFT, PfKeyExtension.Lifetime.class).orElse(null),
                m.ext(PfKey.SADB_EXT_LIFETIME_HARD, PfKeyExtension.Lifetime.class).orElse(null));
        int t = e.forceState(sa.state(), db.nowSeconds());
        if (!db.entries().persist(e)) {
            throw new PfKeyException(PfKey.EIO, "cannot save the SA");
        }
        db.announce(e, t);
        return finish(db, s, m);
    }

    /** DELETE (§3.1.4). */
    private static PfKeyMessage delete(SecurityAssociationDatabase db, SadSession s, PfKeyMessage m)
            throws PfKeyException {
        requireRecsec(m);
        PfKeyExtension.Sa sa = m.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class);
        SadEntry e = db.entries().find(sa.spi(), Endpoints.identityOf(m, false));
        if (e == null || !e.src.equals(Endpoints.identityOf(m, true))) {
            throw new PfKeyException(PfKey.ESRCH, "no SA 0x" + Long.toHexString(sa.spi()));
        }
        if (!db.entries().unlink(e)) {
            throw new PfKeyException(PfKey.EIO, "cannot remove the saved SA");
        }
        PfKeyMessage reply = m.withoutKeys();
        db.pushToRegistered(reply.encode(), s);
        return reply;
    }

    /** GET (§3.1.5): the SA with its keys, to the caller only. */
    private static PfKeyMessage get(SecurityAssociationDatabase db, PfKeyMessage m) throws PfKeyException {
        requireRecsec(m);
        PfKeyExtension.Sa sa = m.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class);
        SadEntry e = db.entries().find(sa.spi(), Endpoints.identityOf(m, false));
        if (e == null || !e.src.equals(Endpoints.identityOf(m, true))) {
            throw new PfKeyException(PfKey.ESRCH, "no SA 0x" + Long.toHexString(sa.spi()));
        }
        return describe(e, true, PfKey.SADB_GET, m.seq(), m.pid());
    }

    /** REGISTER (§3.1.7): the session gets ACQUIRE and EXPIRE from now on; the reply lists the suites. */
    private static PfKeyMessage register(SadSession s, PfKeyMessage m) throws PfKeyException {
        requireRecsec(m);
        s.markRegistered();
        List<Alg> algs = new ArrayList<>();
        for (CipherSuite c : CipherSuite.values()) {
            algs.add(new Alg(PfKey.ealgForSuite(c), c.explicitNonceBytes() * 8,
                    c.keySizeBytes() * 8, c.keySizeBytes() * 8));
        }
        return PfKeyMessage.builder(PfKey.SADB_REGISTER, m.satype()).seq(m.seq()).pid(m.pid())
                .add(new Supported(PfKey.SADB_EXT_SUPPORTED_ENCRYPT, algs)).build();
    }

    /** FLUSH (§3.1.9) of every record SA (satype RECSEC or UNSPEC). */
    private static PfKeyMessage flush(SecurityAssociationDatabase db, SadSession s, PfKeyMessage m)
            throws PfKeyException {
        if (m.satype() != PfKey.SADB_SATYPE_UNSPEC) {
            requireRecsec(m);
        }
        if (!m.extensions().isEmpty()) {
            throw new PfKeyException(PfKey.EINVAL, "FLUSH takes no extensions");
        }
        boolean ok = true;
        for (SadEntry e : db.entries().allEntries()) {
            ok &= db.entries().unlink(e);
        }
        if (!ok) {
            throw new PfKeyException(PfKey.EIO, "some saved SAs could not be removed");
        }
        PfKeyMessage reply = m.withoutKeys();
        db.pushToRegistered(reply.encode(), s);
        return reply;
    }

    /**
     * DUMP (§3.1.10): one message per SA without keys, seq counting down to 0 on the last; ENOENT when empty. Runs
     * on a copy of the entry set, without the SAD lock.
     */
    static List<byte[]> dump(List<SadEntry> all, PfKeyMessage m) {
        if (m.satype() != PfKey.SADB_SATYPE_UNSPEC && m.satype() != PfKey.SADB_X_SATYPE_RECSEC) {
            return one(m.errorReply(PfKey.EINVAL));
        }
        if (all.isEmpty()) {
            return one(m.errorReply(PfKey.ENOENT));
        }
        List<byte[]> out = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            out.add(describe(all.get(i), false, PfKey.SADB_DUMP, all.size() - 1 - i, m.pid()).encode());
        }
        return out;
    }

    /**
     * The message describing an entry: SA, lifetimes (CURRENT, HARD and SOFT when set), ends, and, for mature SAs,
     * KEY_ENCRYPT and IV (only with {@code withKeys}), profile with the next sequence number, SE handle, replay.
     */
    static PfKeyMessage describe(SadEntry e, boolean withKeys, int type, long seq, long pid) {
        SadEntry.Snapshot s = e.snapshot();
        PfKeyMessage.Builder b = PfKeyMessage.builder(type, PfKey.SADB_X_SATYPE_RECSEC).seq(seq).pid(pid)
                .add(new PfKeyExtension.Sa(e.spi(), Math.min(e.replaySize, 255), s.state(), PfKey.SADB_AALG_NONE,
                        e.isLarval() ? 0 : PfKey.ealgForSuite(e.suite), 0))
                .add(s.current());
        if (s.soft() != null) {
            b.add(s.soft());
        }
        if (s.hard() != null) {
            b.add(s.hard());
        }
        Endpoints.extensionsFor(e.src, true).forEach(b::add);
        Endpoints.extensionsFor(e.dst, false).forEach(b::add);
        if (e.isLarval()) {
            return b.build();
        }
        if (withKeys && e.key != null) {
            b.add(new PfKeyExtension.Key(PfKey.SADB_EXT_KEY_ENCRYPT, e.key));
            if (e.iv != null) {
                b.add(new PfKeyExtension.Iv(e.iv));
            }
        }
        b.add(new PfKeyExtension.Profile(e.epoch, e.profile, s.nextSequence()));
        if (e.seHandle != null) {
            b.add(new PfKeyExtension.SeHandle(e.seHandle));
        }
        if (e.replaySize > 255) {
            b.add(new PfKeyExtension.Replay(e.replaySize));
        }
        return b.build();
    }
}
