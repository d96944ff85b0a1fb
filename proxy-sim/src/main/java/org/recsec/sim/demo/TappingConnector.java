package org.recsec.sim.demo;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import org.eclipse.californium.elements.Connector;
import org.eclipse.californium.elements.EndpointContextMatcher;
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

    private final Connector delegate;
    private final Listener listener;

    public TappingConnector(Connector delegate, Listener listener) {
        this.delegate = delegate;
        this.listener = listener;
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
        listener.datagram(delegate.getAddress(), msg.getInetSocketAddress(), msg.getBytes());
        delegate.send(msg);
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
