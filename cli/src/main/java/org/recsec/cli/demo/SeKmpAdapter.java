package org.recsec.cli.demo;

import java.io.PrintStream;
import java.security.SecureRandom;
import org.recsec.kmp.se.SeCipherRegistry;
import org.recsec.cli.se.SeDemo;

/**
 * The secure-element KMP: the client's DTLS 1.2 PSK handshake runs inside the (simulated) card against a DTLS
 * server whose key block gives the server its SA pair; the client's SAs stay on the card (SE-resident), so every
 * record of the demo is sealed and opened by the card. The handshake runs over UDP to the server's DTLS port, or
 * ({@code --se-transport coap}) in CoAP messages through the demo's forward proxy.
 */
final class SeKmpAdapter implements DemoKmp {
    private final SecureRandom random;
    private final SeCipherRegistry registry;
    private SeDemo.Result result;
    private Trace trace;
    private org.recsec.se.host.ApduCounter.Snapshot afterHandshake;
    private final boolean overCoap;
    private java.net.InetSocketAddress proxy;

    /** @param overCoap true: the handshake goes in CoAP messages through the demo's proxy */
    SeKmpAdapter(SecureRandom random, SeCipherRegistry registry, boolean overCoap) {
        this.random = random;
        this.registry = registry;
        this.overCoap = overCoap;
    }

    @Override
    public boolean throughTheProxy() {
        return overCoap;
    }

    /** The demo's forward proxy (used by the CoAP transport). */
    @Override
    public void proxy(java.net.InetSocketAddress address) {
        this.proxy = address;
    }

    @Override
    public String name() {
        return "se";
    }

    @Override
    public void establish(Setup s) throws Exception {
        this.trace = s.trace();
        PrintStream trace = new PrintStream(new java.io.OutputStream() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(int b) {
                if (b == '\n') {
                    s.trace().line(line.toString());
                    line.setLength(0);
                } else {
                    line.append((char) b);
                }
            }
        }, true);
        result = overCoap
                ? SeDemo.establishOverCoap(s.clientSad(), s.clientId(), s.serverSad(), s.serverId(), true, registry,
                        random, trace, s.server(), s.serverAddress(), java.util.Objects.requireNonNull(proxy))
                : SeDemo.establish(s.clientSad(), s.clientId(), s.serverSad(), s.serverId(), true, registry, random,
                        trace);
        afterHandshake = result.counter().snapshot();
        var cost = result.handshakeCost();
        s.trace().line(String.format("  ISO7816 for the handshake: %d APDUs, %d bytes to the card, %d from it;"
                + " the client's SA pair stays on the card (handle %s)", cost.apdus(), cost.sent(), cost.received(),
                result.seHandle()));
    }

    @Override
    public void close() {
        if (result != null) {
            var records = result.counter().snapshot().minus(afterHandshake);
            trace.line(String.format("  the card sealed the request and opened the response: %d APDUs, %d bytes to"
                    + " the card, %d from it", records.apdus(), records.sent(), records.received()));
            result.close();
            result = null;
        }
    }
}
