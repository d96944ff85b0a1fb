package org.recsec.californium;

import java.util.concurrent.atomic.AtomicReferenceArray;
import org.eclipse.californium.core.coap.Message;
import org.recsec.record.VerifiedRecord;

/**
 * What {@link RecordGuard} verified about the datagrams it just passed up, for {@link RecSecLayer} to accept without
 * a second SA lookup, decode and AEAD open (one per {@link RecSecConfig}, shared by its guards and layers).
 *
 * <p>Keyed by the identity of the datagram's byte array: the connector reads every datagram into a fresh array,
 * the guard verifies that array, and Californium's parser keeps the very same array as the parsed message's bytes
 * ({@code Message.getBytes()}), so {@link #take} hands a record out only for the message parsed from the datagram
 * the guard verified, and at most once. Nothing travels in the message itself: an application cannot attach a
 * verdict, and only the guard can create one ({@link org.recsec.record.RecordProtector#verifyRecord}).
 *
 * <p>Bounded: a fixed table of {@value #SLOTS} slots, direct-mapped by the array's identity hash. A datagram whose
 * slot another verified datagram took before the layer got to it, or that Californium never hands up (a duplicate
 * its deduplication answers), simply has no verdict: the layer unprotects it from its bytes as it would without a
 * guard, and the table holds at most {@value #SLOTS} records that nobody took until their slots are reused. (The
 * first design carried the verdict in the datagram's {@code EndpointContext}; Californium's
 * {@code MapBasedEndpointContext.addEntries} costs about 0.7 KB per message, more than the second open it saved.)
 */
final class GuardVerdicts {
    /** Slots in the table (a power of two): far more than datagrams between guard and layer at any time. */
    static final int SLOTS = 256;

    private record Entry(byte[] datagram, VerifiedRecord record) {
    }

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);

    /** The guard's verdict on {@code datagram}, the array it passes up unchanged. */
    void put(byte[] datagram, VerifiedRecord record) {
        slots.set(slot(datagram), new Entry(datagram, record));
    }

    /** The verified record of the datagram {@code m} was parsed from, at most once; null when there is none. */
    VerifiedRecord take(Message m) {
        byte[] bytes = m.getBytes();
        if (bytes == null) {
            return null;
        }
        int i = slot(bytes);
        Entry e = slots.get(i);
        if (e == null || e.datagram != bytes || !slots.compareAndSet(i, e, null)) {
            return null;
        }
        return e.record;
    }

    private static int slot(byte[] datagram) {
        int h = System.identityHashCode(datagram);
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
