package org.recsec.kmp.se.coap;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.SeFixture;
import org.recsec.se.host.SocketAgent;

/** A Californium server on loopback with the handshake resource and the PSK engine of {@link SeFixture}. */
public final class FlightFixture implements AutoCloseable {
    public final CoapServer server;
    public final CoapFlightServer flights;
    public final BlockingQueue<PskDtlsServer.Established> established = new LinkedBlockingQueue<>();

    /** @param blockSize the server's preferred block size and largest message (null: Californium's defaults) */
    public FlightFixture(InetAddress bind, Integer blockSize) {
        Configuration config = Configuration.createStandardWithoutFile();
        if (blockSize != null) {
            config.set(CoapConfig.PREFERRED_BLOCK_SIZE, blockSize);
            config.set(CoapConfig.MAX_MESSAGE_SIZE, blockSize);
        }
        server = new CoapServer(config);
        server.addEndpoint(new CoapEndpoint.Builder().setConfiguration(config)
                .setInetSocketAddress(new InetSocketAddress(bind, 0)).build());
        flights = new CoapFlightServer(DtlsServerEngine.psk(SeFixture.IDENTITY, SeFixture.PSK, new SecureRandom()),
                new SecureRandom(), established::add);
        FlightResource.install(server, flights);
        server.start();
    }

    public InetSocketAddress address() {
        return server.getEndpoints().get(0).getAddress();
    }

    public PskDtlsServer.Established awaitEstablished() throws InterruptedException {
        PskDtlsServer.Established e = established.poll(20, TimeUnit.SECONDS);
        if (e == null) {
            throw new AssertionError("the server handshake did not complete");
        }
        return e;
    }

    @Override
    public void close() {
        server.destroy();
        flights.close();
    }

    /** A socket agent that records the flights the card sent and received through it. */
    public static final class Recording implements SocketAgent {
        public final SocketAgent inner;
        public final List<byte[]> sentFlights = new ArrayList<>();
        public final List<byte[]> receivedFlights = new ArrayList<>();

        public Recording(SocketAgent inner) {
            this.inner = inner;
        }

        @Override
        public void sendFlight(List<byte[]> records) throws java.io.IOException {
            sentFlights.add(org.recsec.se.host.DtlsRecords.concat(records));
            inner.sendFlight(records);
        }

        @Override
        public java.util.Optional<List<byte[]>> recvFlight(int timeoutMillis) throws java.io.IOException {
            java.util.Optional<List<byte[]>> r = inner.recvFlight(timeoutMillis);
            r.ifPresent(records -> receivedFlights.add(org.recsec.se.host.DtlsRecords.concat(records)));
            return r;
        }

        @Override
        public void send(byte[] datagram) throws java.io.IOException {
            inner.send(datagram);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
