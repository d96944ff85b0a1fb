package org.recsec.cli.se;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.recsec.kmp.se.PskDtlsServer;
import org.recsec.kmp.se.coap.CoapFlightServer;
import org.recsec.kmp.se.coap.DtlsServerEngine;
import org.recsec.kmp.se.coap.FlightCoap;
import org.recsec.kmp.se.coap.FlightResource;
import org.recsec.record.internal.wire.Bytes;

/**
 * {@code recsec se serve --listen HOST:PORT --psk HEX --identity ID [--count N]}: the server side of the CoAP
 * flight transport ({@link org.recsec.kmp.se.coap}) on its own: a Californium CoAP server with
 * {@code /.well-known/recsec-hs} and the PSK DTLS server behind it. Prints the address it listens on, then one line
 * per completed handshake (the SA pair's SPIs, no keys); exits 0 after N handshakes (default 1; 0: never).
 */
final class SeServeCli {
    static final String USAGE = String.join("\n",
            "usage: recsec se serve --listen HOST:PORT --psk HEX --identity ID [--count N]",
            "  Serves the DTLS 1.2 PSK handshake (TLS_PSK_WITH_AES_128_CCM_8) in CoAP messages at",
            "  coap://HOST:PORT/.well-known/recsec-hs (port 0 picks one), for recsec se handshake --se-transport coap.",
            "  Prints one line per completed handshake; exits after N of them (default 1, 0 = run until killed).");

    private SeServeCli() {
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                return 0;
            }
        }
        Map<String, String> m = new HashMap<>();
        InetSocketAddress listen;
        byte[] psk;
        byte[] identity;
        int count;
        try {
            for (int i = 1; i < args.length; i++) {
                String k = args[i];
                if (!k.equals("--listen") && !k.equals("--psk") && !k.equals("--identity") && !k.equals("--count")) {
                    throw new IllegalArgumentException("unknown argument " + k);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(k + " needs a value");
                }
                if (m.put(k, args[++i]) != null) {
                    throw new IllegalArgumentException(k + " given twice");
                }
            }
            for (String req : new String[] {"--listen", "--psk", "--identity"}) {
                if (!m.containsKey(req)) {
                    throw new IllegalArgumentException("missing " + req);
                }
            }
            listen = hostPort(m.get("--listen"));
            try {
                psk = Bytes.fromHex(m.get("--psk"));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--psk is not hex");
            }
            if (psk.length < 1 || psk.length > 64) {
                throw new IllegalArgumentException("--psk must be 1..64 bytes");
            }
            identity = m.get("--identity").getBytes(StandardCharsets.UTF_8);
            if (identity.length < 1 || identity.length > 64) {
                throw new IllegalArgumentException("--identity must be 1..64 bytes");
            }
            try {
                count = Integer.parseInt(m.getOrDefault("--count", "1"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--count is not a number");
            }
            if (count < 0) {
                throw new IllegalArgumentException("--count must be 0 or more");
            }
        } catch (IllegalArgumentException e) {
            err.println("recsec se: " + e.getMessage());
            return 2;
        }
        SecureRandom random = new SecureRandom();
        BlockingQueue<PskDtlsServer.Established> done = new LinkedBlockingQueue<>();
        Configuration config = Configuration.createStandardWithoutFile();
        CoapServer server = new CoapServer(config);
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(listen)
                .build();
        server.addEndpoint(endpoint);
        try (CoapFlightServer flights = new CoapFlightServer(DtlsServerEngine.psk(identity, psk, random), random,
                done::add)) {
            java.util.Arrays.fill(psk, (byte) 0);
            FlightResource.install(server, flights);
            server.start();
            if (!endpoint.isStarted()) {
                err.println("recsec se: cannot listen on " + listen);
                return 1;
            }
            InetSocketAddress a = endpoint.getAddress();
            out.println("listening on coap://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/"
                    + String.join("/", FlightCoap.RESOURCE));
            out.flush();
            for (int n = 1; count == 0 || n <= count; n++) {
                PskDtlsServer.Established e = done.take();
                out.println(String.format("handshake %d done: SPI 0x%x (client->server), 0x%x (server->client)", n,
                        e.spis().clientToServer(), e.spis().serverToClient()));
                out.flush();
            }
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            server.destroy();
        }
    }

    private static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("--listen must be HOST:PORT");
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--listen port must be 0..65535");
        }
        String host = s.substring(0, colon);
        try {
            return new InetSocketAddress(InetAddress.getByName(host.replace("[", "").replace("]", "")), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--listen host " + host + " does not resolve");
        }
    }
}
