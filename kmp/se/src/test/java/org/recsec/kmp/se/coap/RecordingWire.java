package org.recsec.kmp.se.coap;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A {@link FlightWire} decorator that keeps every datagram sent and received, in order. */
public final class RecordingWire implements FlightWire {
    private final FlightWire inner;
    public final List<byte[]> sent = new ArrayList<>();
    public final List<byte[]> received = new ArrayList<>();

    public RecordingWire(FlightWire inner) {
        this.inner = inner;
    }

    @Override
    public void send(byte[] datagram) throws IOException {
        sent.add(datagram.clone());
        inner.send(datagram);
    }

    @Override
    public Optional<byte[]> receive(long timeoutMillis) throws IOException {
        Optional<byte[]> d = inner.receive(timeoutMillis);
        d.ifPresent(datagram -> received.add(datagram.clone()));
        return d;
    }

    @Override
    public long nowMillis() {
        return inner.nowMillis();
    }

    @Override
    public void close() {
        inner.close();
    }
}
