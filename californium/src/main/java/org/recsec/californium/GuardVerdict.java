package org.recsec.californium;

import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.elements.Definition;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.MapBasedEndpointContext;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.util.Bytes;
import org.recsec.record.VerifiedRecord;

/**
 * What {@link RecordGuard} verified about one datagram, handed up to {@link RecSecLayer} inside the datagram's
 * source {@link EndpointContext}, so the layer accepts the record without a second SA lookup, decode and AEAD open.
 *
 * <p>Bound to the very datagram: the verdict keeps the byte array the guard decoded, Californium's parser keeps
 * the same array as the parsed message's bytes ({@code Message.getBytes()}), and {@link #take} hands the record out
 * only for a message whose bytes are that array or equal to it. Only the guard creates verdicts (package-private),
 * and each is taken at most once; a message without one (or whose verdict was taken) is unprotected from its bytes
 * as before. The entry is non-critical ({@code *} prefix), so Californium's context matching ignores it.
 */
final class GuardVerdict extends Bytes {
    /**
     * The source-context entry the guard adds to a verified datagram. Californium 3.13 takes only String, Integer,
     * Long, Boolean, InetSocketAddress and {@link Bytes} values into an endpoint context, so the verdict is a
     * {@code Bytes} whose bytes are the datagram itself (not copied).
     */
    static final Definition<Bytes> ENTRY = new Definition<>("*RECSEC_GUARD_VERDICT", Bytes.class,
            MapBasedEndpointContext.ATTRIBUTE_DEFINITIONS);

    private final AtomicReference<VerifiedRecord> record;

    private GuardVerdict(byte[] datagram, VerifiedRecord record) {
        super(datagram, datagram.length, false);
        this.record = new AtomicReference<>(record);
    }

    /** {@code raw} with the verdict in its endpoint context (only the guard calls this, for a datagram it verified). */
    static RawData attach(RawData raw, VerifiedRecord record) {
        GuardVerdict verdict = new GuardVerdict(raw.getBytes(), record);
        EndpointContext context = MapBasedEndpointContext.addEntries(raw.getEndpointContext(),
                new MapBasedEndpointContext.Attributes().add(ENTRY, verdict));
        return RawData.inbound(raw.getBytes(), context, raw.isMulticast(), raw.getReceiveNanoTimestamp(),
                raw.getConnectorAddress());
    }

    /**
     * The verified record of {@code m}, at most once: null when its source context carries no verdict, the verdict
     * was already taken, or it was made for other bytes than {@code m}'s.
     */
    static VerifiedRecord take(Message m) {
        EndpointContext source = m.getSourceContext();
        if (source == null || !(source.get(ENTRY) instanceof GuardVerdict verdict)) {
            return null;
        }
        byte[] bytes = m.getBytes();
        byte[] datagram = verdict.getBytes();
        if (bytes != datagram && !java.util.Arrays.equals(bytes, datagram)) {
            return null;
        }
        return verdict.record.getAndSet(null);
    }

    @Override
    public String toString() {
        return "GuardVerdict[" + record.get() + "]"; // not the datagram's bytes
    }
}
