package org.recsec.cli.demo;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.EndpointContextMatcher;
import org.eclipse.californium.elements.MessageCallback;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.RawDataChannel;

/**
 * A Californium connector that hands every datagram it sends or receives to a listener, then passes it on
 * unchanged. The demo's proxy uses it on both of its endpoints, so both legs of the exchange are seen.
 */
public final class TappingConnector implements Connector {

    /** Receives a copy of each datagram with its real source and destination. */
    public interface Listener {
        void datagram(InetSocketAddress src, InetSocketAddress dst, byte[] bytes);
    }

    /** What a hostile proxy may do to a datagram it sends: change it, or drop it by returning null. */
    public interface Mutator {
        byte[] apply(InetSocketAddress src, InetSocketAddress dst, byte[] bytes);
    }

    private final Connector delegate;
    private final Listener listener;
    private final Mutator mutator;

    public TappingConnector(Connector delegate, Listener listener) {
        this(delegate, listener, (src, dst, bytes) -> bytes);
    }

    public TappingConnector(Connector delegate, Listener listener, Mutator mutator) {
        this.delegate = delegate;
        this.listener = listener;
        this.mutator = mutator;
    }

    @Override
    public void start() throws IOException {
        delegate.start();
    }

    @Override
    public void stop() {
        delegate.stop();
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public void send(RawData msg) {
        byte[] original = msg.getBytes();
        byte[] bytes = mutator.apply(delegate.getAddress(), msg.getInetSocketAddress(), original.clone());
        if (bytes == null) {
            msg.onSent(); // dropped on the way: to the sender it looks sent
            return;
        }
        listener.datagram(delegate.getAddress(), msg.getInetSocketAddress(), bytes);
        if (java.util.Arrays.equals(bytes, original)) {
            delegate.send(msg);
            return;
        }
        delegate.send(RawData.outbound(bytes, msg.getEndpointContext(), new MessageCallback() {
            @Override
            public void onConnecting() {
                msg.onConnecting();
            }

            @Override
            public void onDtlsRetransmission(int flight) {
                msg.onDtlsRetransmission(flight);
            }

            @Override
            public void onContextEstablished(EndpointContext context) {
                msg.onContextEstablished(context);
            }

            @Override
            public void onSent() {
                msg.onSent();
            }

            @Override
            public void onError(Throwable error) {
                msg.onError(error);
            }
        }, msg.isMulticast()));
    }

    @Override
    public void setRawDataReceiver(RawDataChannel receiver) {
        delegate.setRawDataReceiver(raw -> {
            listener.datagram(raw.getInetSocketAddress(), delegate.getAddress(), raw.getBytes());
            receiver.receiveData(raw);
        });
    }

    @Override
    public void setEndpointContextMatcher(EndpointContextMatcher matcher) {
        delegate.setEndpointContextMatcher(matcher);
    }

    @Override
    public InetSocketAddress getAddress() {
        return delegate.getAddress();
    }

    @Override
    public String getProtocol() {
        return delegate.getProtocol();
    }

    @Override
    public boolean isRunning() {
        return delegate.isRunning();
    }

    @Override
    public void processDatagram(DatagramPacket datagram) {
        delegate.processDatagram(datagram);
    }
}
