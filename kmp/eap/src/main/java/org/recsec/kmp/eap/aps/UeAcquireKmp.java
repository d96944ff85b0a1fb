package org.recsec.kmp.eap.aps;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.eclipse.californium.core.CoapClient;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.UeKeys;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapTlsKeys;
import org.recsec.record.base.CipherSuite;

/**
 * The UE's pull key driven by PF_KEY ACQUIRE (RFC 2367 §3.1.6), as the draft puts it: "initiated by the UE when
 * the UE has CoAP application data to send to the ApS for which a PSK is not configured yet". The KMP REGISTERs
 * on the UE's SAD; when record-sec finds no SA from the UE to an ApS, the SAD sends ACQUIRE and holds the request
 * (its acquire timeout); this KMP runs {@link UeKeyPull} for that ApS on its executor, whose ADD ends the wait.
 * An ApS it has no pull URI for, or a refused pull, is answered with the ACQUIRE's seq and an errno (EACCES for a
 * refusal, EPROTONOSUPPORT for an ApS configured for another record profile, ENOENT for an unknown ApS, EIO
 * otherwise), so the request fails at once with KEY_MANAGEMENT.
 */
public final class UeAcquireKmp implements AutoCloseable {
    private final SecurityAssociationDatabase sad;
    private final String ueIdentity;
    private final UeKeys keys;
    private final CipherSuite suite;
    private final int profile;
    private final Function<String, String> pullUriOf;
    private final CoapClient client;
    private final ExecutorService executor;
    private SadSession registered;
    private volatile EapException lastFailure;

    /**
     * A KMP that pulls dtls12 SA pairs.
     *
     * @param pullUriOf the URI of an ApS's {@value ApplicationServerPull#PATH} resource by its SAD identity, or null
     * @param client    a plain CoAP client for the pull requests, timeout set
     * @param executor  runs the pulls (never the SAD's pushing thread)
     */
    public UeAcquireKmp(SecurityAssociationDatabase sad, String ueIdentity, UeKeys keys, CipherSuite suite,
                        Function<String, String> pullUriOf, CoapClient client, ExecutorService executor) {
        this(sad, ueIdentity, keys, suite, PfKey.RECSEC_PROFILE_DTLS12, pullUriOf, client, executor);
    }

    /**
     * A KMP that pulls SA pairs of record profile {@code profile} (a {@link PfKey} {@code RECSEC_PROFILE_*} id);
     * the other parameters as {@link #UeAcquireKmp(SecurityAssociationDatabase, String, UeKeys, CipherSuite,
     * Function, CoapClient, ExecutorService)}.
     */
    public UeAcquireKmp(SecurityAssociationDatabase sad, String ueIdentity, UeKeys keys, CipherSuite suite,
                        int profile, Function<String, String> pullUriOf, CoapClient client,
                        ExecutorService executor) {
        if (!PfKey.isKnownProfile(profile)) {
            throw new IllegalArgumentException("unknown record profile " + profile);
        }
        this.profile = profile;
        this.sad = Objects.requireNonNull(sad, "sad");
        this.ueIdentity = Objects.requireNonNull(ueIdentity, "ueIdentity");
        this.keys = Objects.requireNonNull(keys, "keys");
        this.suite = Objects.requireNonNull(suite, "suite");
        this.pullUriOf = Objects.requireNonNull(pullUriOf, "pullUriOf");
        this.client = Objects.requireNonNull(client, "client");
        this.executor = Objects.requireNonNull(executor, "executor");
    }

    /** Opens the PF_KEY session and REGISTERs for record SAs. */
    public synchronized void start() throws PfKeyException {
        if (registered != null) {
            throw new IllegalStateException("already started");
        }
        registered = sad.openSession(this::pushed);
        registered.register();
    }

    /** The last pull that failed, or null. */
    public EapException lastFailure() {
        return lastFailure;
    }

    private void pushed(byte[] message) {
        PfKeyMessage m;
        String src;
        String dst;
        try {
            m = PfKeyMessage.decode(message);
            if (m.type() != PfKey.SADB_ACQUIRE) {
                return;
            }
            src = Endpoints.identityOf(m, true);
            dst = Endpoints.identityOf(m, false);
        } catch (PfKeyException e) {
            return;
        }
        if (!ueIdentity.equals(src)) {
            return;
        }
        long seq = m.seq();
        executor.execute(() -> pull(seq, dst));
    }

    private void pull(long seq, String aps) {
        String uri = pullUriOf.apply(aps);
        SadSession session;
        synchronized (this) {
            session = registered;
        }
        if (session == null) {
            return;
        }
        if (uri == null) {
            session.send(PfKeyRequests.acquireFailed(seq, PfKey.ENOENT, 0));
            return;
        }
        try (SadSession work = sad.openSession(b -> { })) {
            UeKeyPull.pull(work, ueIdentity, aps, uri, suite, profile, keys, client);
        } catch (EapException e) {
            lastFailure = e;
            int errno = switch (e.reason()) {
                case UNKNOWN_SESSION, REJECTED -> PfKey.EACCES;
                case PROFILE_MISMATCH -> PfKey.EPROTONOSUPPORT;
                default -> PfKey.EIO;
            };
            session.send(PfKeyRequests.acquireFailed(seq, errno, 0));
        }
    }

    @Override
    public synchronized void close() {
        if (registered != null) {
            registered.close();
            registered = null;
        }
    }
}
