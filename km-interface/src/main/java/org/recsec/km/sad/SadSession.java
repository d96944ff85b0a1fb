package org.recsec.km.sad;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;

/**
 * One PF_KEY session on a {@link SecurityAssociationDatabase}, the in-process counterpart of a PF_KEY socket
 * (RFC 2367 §1.3). Every change to the SAD goes through {@link #send(byte[])}; the typed helpers below only build
 * the messages and read the replies, so an in-process KMP takes exactly the path a KMP on the daemon socket takes.
 */
public final class SadSession implements AutoCloseable {
    private final SecurityAssociationDatabase db;
    private final long id;
    private final Consumer<byte[]> pushed;
    private volatile boolean registered;
    private long nextSeq = 1;

    SadSession(SecurityAssociationDatabase db, long id, Consumer<byte[]> pushed) {
        this.db = db;
        this.id = id;
        this.pushed = pushed;
    }

    long id() {
        return id;
    }

    Consumer<byte[]> pushed() {
        return pushed;
    }

    boolean registered() {
        return registered;
    }

    void markRegistered() {
        registered = true;
    }

    /**
     * Sends one encoded message and returns the replies addressed to this session (one, or one per SA for DUMP,
     * or none for a KMP's ACQUIRE failure answer). Never throws for bad input: a refused message gets the base
     * header back with {@code sadb_msg_errno} set, and the SAD is unchanged.
     */
    public List<byte[]> send(byte[] message) {
        return db.handle(this, message, 0, message.length);
    }

    /** {@link #send(byte[])} for a built message, with decoded replies. */
    public List<PfKeyMessage> send(PfKeyMessage message) {
        List<PfKeyMessage> out = new ArrayList<>();
        for (byte[] r : send(message.encode())) {
            try {
                out.add(PfKeyMessage.decode(r));
            } catch (PfKeyException e) {
                throw new IllegalStateException("the SAD produced an undecodable reply", e);
            }
        }
        return out;
    }

    /** Sends a request expecting one reply and returns it, or throws its errno. */
    public PfKeyMessage request(PfKeyMessage message) throws PfKeyException {
        List<PfKeyMessage> r = send(message);
        if (r.size() != 1) {
            throw new IllegalStateException(PfKey.typeName(message.type()) + " gave " + r.size() + " replies");
        }
        PfKeyMessage reply = r.get(0);
        if (reply.errno() != 0) {
            throw new PfKeyException(reply.errno(), PfKey.typeName(message.type()) + " refused");
        }
        return reply;
    }

    /** REGISTER for record SAs: this session then receives ACQUIRE and EXPIRE. */
    public PfKeyMessage register() throws PfKeyException {
        return request(PfKeyRequests.register(seq(), 0));
    }

    /** ADD of one SA (seq 0 picks the session's next seq; pass an ACQUIRE's seq when answering one). */
    public PfKeyMessage add(SaSpec sa, long seq) throws PfKeyException {
        return request(PfKeyRequests.add(sa, seq == 0 ? seq() : seq, 0));
    }

    /** ADD of one SA with the session's next seq. */
    public PfKeyMessage add(SaSpec sa) throws PfKeyException {
        return add(sa, 0);
    }

    /**
     * ADD of both SAs of a pair under one seq (RFC 2367 §3.1.6 binds a pair to one ACQUIRE that way). If the
     * second ADD is refused, the first is deleted again, so a pair is installed whole or not at all.
     */
    public void addPair(SaSpec first, SaSpec second, long seq) throws PfKeyException {
        long s = seq == 0 ? seq() : seq;
        add(first, s);
        try {
            add(second, s);
        } catch (PfKeyException e) {
            send(PfKeyRequests.delete(first.spi(), first.src(), first.dst(), s, 0));
            throw e;
        }
    }

    /** DELETE of the SA {@code (spi, dst)}. */
    public PfKeyMessage delete(long spi, String src, String dst) throws PfKeyException {
        return request(PfKeyRequests.delete(spi, src, dst, seq(), 0));
    }

    /** GET of the SA {@code (spi, dst)}, keys included. */
    public PfKeyMessage get(long spi, String src, String dst) throws PfKeyException {
        return request(PfKeyRequests.get(spi, src, dst, seq(), 0));
    }

    private synchronized long seq() {
        long s = nextSeq;
        nextSeq = nextSeq == 0x7fffffffL ? 1 : nextSeq + 1;
        return s;
    }

    /** Ends the session: no more pushes; its larval SAs expire by the larval timeout. */
    @Override
    public void close() {
        registered = false;
        db.closeSession(this);
    }
}
