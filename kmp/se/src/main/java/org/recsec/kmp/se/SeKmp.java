package org.recsec.kmp.se;

import org.recsec.se.host.KeyBlock;

import org.recsec.km.sad.SeCipherProvider;

import org.recsec.se.host.ExportedSa;

import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.se.host.SeSession;

import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.record.base.CipherSuite;

/**
 * The SE handshake KMP's last step: installs the SA pair of a DTLS handshake through PF_KEY ADD
 * ({@link SadSession#addPair}), on the card's side either exported or SE-resident, on the server's side from its
 * key block. SPIs come from {@link SeSpis}; both SAs use epoch 1, and the sequence numbers continue the DTLS
 * session's (the Finished messages used 0):
 *
 * <ul>
 *   <li>client to server: SPI {@code spis.clientToServer}, client_write_key/IV, first sequence = the card's next
 *   write number (1 after the handshake);</li>
 *   <li>server to client: SPI {@code spis.serverToClient}, server_write_key/IV, first sequence 1 unless the
 *   server's DTLS stack already wrote application records under it.</li>
 * </ul>
 *
 * So the records record-sec writes are valid application data of that very DTLS session (docs/DESIGN.md). The
 * overloads taking a {@link SeCard} and the randoms install the pair after a handshake of any mode the host
 * bridges run (DTLS or TLS, PSK or certificate, full or resumed; kmp/se/README.md).
 *
 * <p>Record profiles (the overloads with a {@code profile}, a PF_KEY profile id of {@link PfKey}; the others install
 * dtls12): an exported or server pair may be
 * <ul>
 *   <li>{@code dtls12} (1): the key block's write keys and IVs, epoch 1, sequence numbers as above;</li>
 *   <li>{@code dtls12-cid} (2): the same keys, epoch and sequence numbers, records with the receiving SA's SPI as
 *   connection ID (RFC 9146). The DTLS session did not negotiate CIDs, so these records are not records of it; they
 *   continue its sequence numbers under its keys, so no CCM nonce repeats;</li>
 *   <li>{@code compact} (3) or {@code compact8} (4): keyed by the traffic secrets of {@link CompactKeySchedule}
 *   (a DTLS 1.3-style key schedule from the key block, hence from the master secret), epoch {@value #COMPACT_EPOCH},
 *   sequence numbers from 0 (keys of their own, shared with no DTLS record).</li>
 * </ul>
 * An SE-resident pair is always dtls12: the card seals DTLS 1.2 records.
 */
public final class SeKmp {
    /** The one suite the card speaks. */
    public static final CipherSuite SUITE = CipherSuite.AES_128_CCM_8;
    /** The record epoch after a full handshake. */
    public static final int EPOCH = 1;
    /** The record epoch of a compact SA: the epoch of DTLS 1.3 application data (RFC 9147 §6.1). */
    public static final int COMPACT_EPOCH = 3;

    private SeKmp() {
    }

    /**
     * EXPORT-SA, then ADD of the pair with the card's keys into the client's SAD. The card wipes its keys: the host
     * continues the session from the card's next write sequence number.
     *
     * @throws SeException    the card's policy forbids export (SW 6986), or the card already opened application
     *                        records (their replay state cannot be carried into the SAD)
     * @throws PfKeyException the SAD refused the pair (e.g. EEXIST for an SPI in use)
     */
    public static SeSpis installExported(SeSession session, SadSession pfkey, String clientId, String serverId)
            throws SeException, PfKeyException {
        return installExported(session, pfkey, clientId, serverId, PfKey.RECSEC_PROFILE_DTLS12);
    }

    /**
     * As {@link #installExported(SeSession, SadSession, String, String)}, the pair under record profile
     * {@code profile} (PF_KEY id, see the class comment).
     *
     * @throws SeException    as there
     * @throws PfKeyException the SAD refused the pair
     * @throws IllegalArgumentException for an unknown profile id
     */
    public static SeSpis installExported(SeSession session, SadSession pfkey, String clientId, String serverId,
                                         int profile) throws SeException, PfKeyException {
        checkProfile(profile);
        SeSpis spis = SeSpis.derive(session.clientRandom(), session.serverRandom());
        ExportedSa sa = session.agent().exportSa();
        if (sa.highestReadSequence() != 0) {
            throw new SeException("the card opened application records before the export; their replay state "
                    + "cannot be installed");
        }
        SaSpec[] pair = pair(sa.keys(), session.clientRandom(), session.serverRandom(), spis, clientId, serverId,
                sa.nextWriteSequence(), 1, profile);
        pfkey.addPair(pair[0], pair[1], 0);
        return spis;
    }

    /**
     * EXPORT-SA after a handshake of any mode the host bridges ran ({@code SeDtlsBridge}, {@code SeTlsBridge}:
     * DTLS or TLS, PSK or certificate, full or resumed), then ADD of the pair into the client's SAD; the card wipes
     * its keys. SPIs from the handshake's randoms ({@link SeSpis}).
     *
     * <ul>
     *   <li>DTLS: as {@link #installExported(SeSession, SadSession, String, String)}: epoch 1, the client's SA
     *   continues at the card's next write sequence number, so record-sec's records are application data of the
     *   same DTLS session;</li>
     *   <li>TLS: record-sec writes DTLS 1.2 records (its {@code dtls12} profile) under the TLS session's keys, in
     *   epoch 1 from sequence 1. The explicit nonce of such a record is {@code 0001 ‖ seq}, that of every TLS
     *   record of the session its 64-bit implicit sequence number (RFC 6655 §3), below 2^48: no CCM nonce is used
     *   twice under one key. These records are not records of the TLS connection (TLS has no epoch and another
     *   version in the additional data); the TLS connection itself is not used for them.</li>
     * </ul>
     *
     * @param clientRandom the handshake's client_random (the bridge's {@code clientRandom()})
     * @param serverRandom the handshake's server_random
     * @return the SPIs of the pair
     * @throws SeException    the card's policy forbids export (SW 6986), or (DTLS) the card already opened
     *                        application records (their replay state cannot be carried into the SAD)
     * @throws PfKeyException the SAD refused the pair
     */
    public static SeSpis installExported(SeCard card, byte[] clientRandom, byte[] serverRandom, SadSession pfkey,
                                         String clientId, String serverId) throws SeException, PfKeyException {
        return installExported(card, clientRandom, serverRandom, pfkey, clientId, serverId,
                PfKey.RECSEC_PROFILE_DTLS12);
    }

    /**
     * As {@link #installExported(SeCard, byte[], byte[], SadSession, String, String)}, the pair under record profile
     * {@code profile} (PF_KEY id, see the class comment).
     *
     * @throws SeException    as there
     * @throws PfKeyException the SAD refused the pair
     * @throws IllegalArgumentException for an unknown profile id
     */
    public static SeSpis installExported(SeCard card, byte[] clientRandom, byte[] serverRandom, SadSession pfkey,
                                         String clientId, String serverId, int profile)
            throws SeException, PfKeyException {
        checkProfile(profile);
        SeSpis spis = SeSpis.derive(clientRandom, serverRandom);
        ExportedSa sa = card.exportSa();
        long first;
        if (sa.tls()) {
            first = 1;
        } else {
            if (sa.highestReadSequence() != 0) {
                throw new SeException("the card opened application records before the export; their replay state "
                        + "cannot be installed");
            }
            first = sa.nextWriteSequence();
        }
        SaSpec[] pair = pair(sa.keys(), clientRandom, serverRandom, spis, clientId, serverId, first, 1, profile);
        pfkey.addPair(pair[0], pair[1], 0);
        return spis;
    }

    /**
     * ADD of an SE-resident pair after a DTLS handshake of any mode the host bridge ({@code SeDtlsBridge}) ran
     * (PSK or certificate, full or resumed): as {@link #installResident(SeSession, SadSession, String, String,
     * SeCipherRegistry)}, the card seals and opens every record.
     *
     * <p>Not for the TLS mode: there the card seals TLS records (5-byte header, implicit sequence number, version
     * 0303 in the additional data), which record-sec's profiles cannot carry and the server's SA cannot open; a
     * TLS-mode session is refused ({@link SeException}) and its SA pair is to be exported.
     *
     * @param tls            whether the card was RESET for TLS (refused)
     * @param cardNextWrite  the card's next write sequence number (1, or more after records the card sealed)
     * @return the handle
     * @throws SeException    a TLS-mode session
     * @throws PfKeyException the SAD refused the pair; the handle is then unregistered again
     */
    public static String installResident(SeCard card, byte[] clientRandom, byte[] serverRandom, boolean tls,
                                         long cardNextWrite, SadSession pfkey, String clientId, String serverId,
                                         SeCipherRegistry registry) throws SeException, PfKeyException {
        if (tls) {
            throw new SeException("an SE-resident SA needs the card's DTLS mode: record-sec cannot carry the TLS "
                    + "records the card seals in TLS mode (export the pair instead)");
        }
        if (cardNextWrite < 1) {
            throw new IllegalArgumentException("the card's next write sequence number is at least 1");
        }
        SeSpis spis = SeSpis.derive(clientRandom, serverRandom);
        String handle = "se:" + Long.toHexString(spis.clientToServer());
        registry.register(handle, new SeRecordCipher(new DtlsIso7816Agent(card), cardNextWrite));
        SaSpec c2s = SaSpec.onSecureElement(spis.clientToServer(), clientId, serverId, SUITE, handle)
                .withProfile(EPOCH, cardNextWrite);
        SaSpec s2c = SaSpec.onSecureElement(spis.serverToClient(), serverId, clientId, SUITE, handle)
                .withProfile(EPOCH, 1);
        try {
            pfkey.addPair(c2s, s2c, 0);
        } catch (PfKeyException e) {
            registry.unregister(handle);
            throw e;
        }
        return handle;
    }

    /**
     * ADD of an SE-resident pair into the client's SAD: both SAs carry the handle {@code se:<c2s SPI in hex>},
     * registered in {@code registry} with a {@link SeRecordCipher} on the session's card (which must be the
     * SAD's {@code SeCipherProvider}). The outbound SA's sequence numbers start at 1, mirroring the card's.
     *
     * @return the handle
     * @throws PfKeyException the SAD refused the pair; the handle is then unregistered again
     */
    public static String installResident(SeSession session, SadSession pfkey, String clientId, String serverId,
                                         SeCipherRegistry registry) throws PfKeyException {
        SeSpis spis = SeSpis.derive(session.clientRandom(), session.serverRandom());
        String handle = "se:" + Long.toHexString(spis.clientToServer());
        registry.register(handle, new SeRecordCipher(session.agent(), 1));
        SaSpec c2s = SaSpec.onSecureElement(spis.clientToServer(), clientId, serverId, SUITE, handle)
                .withProfile(EPOCH, 1);
        SaSpec s2c = SaSpec.onSecureElement(spis.serverToClient(), serverId, clientId, SUITE, handle)
                .withProfile(EPOCH, 1);
        try {
            pfkey.addPair(c2s, s2c, 0);
        } catch (PfKeyException e) {
            registry.unregister(handle);
            throw e;
        }
        return handle;
    }

    /**
     * ADD of the server's pair, derived from its session's key block.
     *
     * @param firstOutboundSequence 1, or beyond the last record the server's DTLS stack sent under the key
     */
    public static void installServer(KeyBlock keys, SeSpis spis, SadSession pfkey, String serverId,
                                     String clientId, long firstOutboundSequence) throws PfKeyException {
        SaSpec[] pair = pair(keys, null, null, spis, clientId, serverId, 1, firstOutboundSequence,
                PfKey.RECSEC_PROFILE_DTLS12);
        pfkey.addPair(pair[0], pair[1], 0);
    }

    /**
     * ADD of the server's pair under record profile {@code profile} (PF_KEY id, see the class comment), derived
     * from its session's key block and the handshake's randoms (SPIs from {@link SeSpis}, compact secrets from
     * {@link CompactKeySchedule}).
     *
     * @param firstOutboundSequence dtls12 and dtls12-cid: 1, or beyond the last record the server's DTLS stack sent
     *                              under the key; compact: ignored (its SAs start at 0 under keys of their own)
     * @throws PfKeyException the SAD refused the pair
     * @throws IllegalArgumentException for an unknown profile id
     */
    public static void installServer(KeyBlock keys, byte[] clientRandom, byte[] serverRandom, SadSession pfkey,
                                     String serverId, String clientId, long firstOutboundSequence, int profile)
            throws PfKeyException {
        SaSpec[] pair = pair(keys, clientRandom, serverRandom, SeSpis.derive(clientRandom, serverRandom), clientId,
                serverId, 1, firstOutboundSequence, profile);
        pfkey.addPair(pair[0], pair[1], 0);
    }

    /** Before the card exports (and wipes) its keys: an unknown profile must not cost the session. */
    private static void checkProfile(int profile) {
        if (!PfKey.isKnownProfile(profile)) {
            throw new IllegalArgumentException("unknown record profile id " + profile);
        }
    }

    /**
     * The pair {@code [client to server, server to client]} of one handshake under {@code profile}: dtls12 and
     * dtls12-cid in epoch {@value #EPOCH} from the given first sequence numbers, compact in epoch
     * {@value #COMPACT_EPOCH} from 0 (the randoms are needed only for compact).
     */
    static SaSpec[] pair(KeyBlock k, byte[] clientRandom, byte[] serverRandom, SeSpis spis, String clientId,
                         String serverId, long c2sFirst, long s2cFirst, int profile) {
        switch (profile) {
            case PfKey.RECSEC_PROFILE_DTLS12, PfKey.RECSEC_PROFILE_DTLS12_CID -> {
                SaSpec c2s = SaSpec.withKeys(spis.clientToServer(), clientId, serverId, SUITE, k.clientWriteKey(),
                        k.clientWriteIv()).withRecordProfile(profile).withProfile(EPOCH, c2sFirst);
                SaSpec s2c = SaSpec.withKeys(spis.serverToClient(), serverId, clientId, SUITE, k.serverWriteKey(),
                        k.serverWriteIv()).withRecordProfile(profile).withProfile(EPOCH, s2cFirst);
                return new SaSpec[] {c2s, s2c};
            }
            case PfKey.RECSEC_PROFILE_COMPACT, PfKey.RECSEC_PROFILE_COMPACT_SEQ8 -> {
                CompactKeySchedule.Secrets t = CompactKeySchedule.derive(k, clientRandom, serverRandom);
                int seqBytes = profile == PfKey.RECSEC_PROFILE_COMPACT ? 2 : 1;
                SaSpec c2s = SaSpec.compact(spis.clientToServer(), clientId, serverId, SUITE, t.clientToServer(),
                        seqBytes).withProfile(COMPACT_EPOCH, 0);
                SaSpec s2c = SaSpec.compact(spis.serverToClient(), serverId, clientId, SUITE, t.serverToClient(),
                        seqBytes).withProfile(COMPACT_EPOCH, 0);
                return new SaSpec[] {c2s, s2c};
            }
            default -> throw new IllegalArgumentException("unknown record profile id " + profile);
        }
    }
}
