package org.recsec.cli.se;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
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
import org.recsec.kmp.se.coap.DtlsModeEngines;
import org.recsec.kmp.se.coap.DtlsServerEngine;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.recsec.kmp.se.coap.FlightCoap;
import org.recsec.kmp.se.coap.FlightResource;

/**
 * {@code recsec se serve --listen HOST:PORT (--psk HEX --identity ID | --cert --server-key KEY.pem --server-cert
 * CERT.pem --client-ca CA.pem) [--count N]}: the server side of the CoAP flight transport
 * ({@link org.recsec.kmp.se.coap}) on its own: a Californium CoAP server with {@code /.well-known/recsec-hs} and
 * Bouncy Castle's DTLS server behind it ({@link DtlsModeEngines}: PSK, or certificate mode with a client certificate
 * required from the CA; session ids given and sessions resumed, RFC 5246 §7.3). Prints the address it listens on,
 * then one line per completed handshake (the SA pair's SPIs, no keys; ", resumed" after an abbreviated one); exits 0
 * after N handshakes (default 1; 0: never), once the answer to the last one's final flight was sent.
 */
final class SeServeCli {
    /** Sessions kept for resumption. */
    private static final int SESSIONS = 64;
    /** How long the server waits, after the last handshake, for its answer to the client's last flight to leave. */
    private static final long ANSWER_WAIT_MILLIS = 30_000;
    static final String USAGE = String.join("\n",
            "usage: recsec se serve --listen HOST:PORT (--psk HEX --identity ID | --cert --server-key KEY.pem",
            "       --server-cert CERT.pem --client-ca CA.pem) [--count N]",
            "  Serves the DTLS 1.2 handshake in CoAP messages at coap://HOST:PORT/.well-known/recsec-hs (port 0",
            "  picks one), for recsec se handshake --se-transport coap: PSK (TLS_PSK_WITH_AES_128_CCM_8) or, with",
            "  --cert, TLS_DHE_RSA_WITH_AES_128_CCM_8 with the server's RSA certificate and key, a client",
            "  certificate issued by --client-ca required. Sessions are resumable (abbreviated handshakes).",
            "  Prints one line per completed handshake; exits after N of them (default 1, 0 = run until killed).");
    private static final java.util.Set<String> VALUED = java.util.Set.of("--listen", "--psk", "--identity",
            "--count", "--server-key", "--server-cert", "--client-ca");

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
        byte[] psk = null;
        byte[] identity = null;
        boolean cert = false;
        int count;
        try {
            cert = SeOptions.parseWithCert(args, VALUED, m);
            if (!m.containsKey("--listen")) {
                throw new IllegalArgumentException("missing --listen");
            }
            listen = hostPort(m.get("--listen"));
            if (cert) {
                SeOptions.requireCertFiles(m, "--server-key", "--server-cert", "--client-ca");
            } else {
                for (String req : new String[] {"--psk", "--identity"}) {
                    if (!m.containsKey(req)) {
                        throw new IllegalArgumentException("missing " + req);
                    }
                }
                if (m.containsKey("--server-key") || m.containsKey("--server-cert") || m.containsKey("--client-ca")) {
                    throw new IllegalArgumentException("--server-key, --server-cert and --client-ca need --cert");
                }
                psk = SeOptions.psk(m.get("--psk"));
                identity = SeOptions.identity(m.get("--identity"));
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
        DtlsModeEngines.SessionCache sessions = new DtlsModeEngines.SessionCache(SESSIONS);
        DtlsServerEngine engine;
        if (cert) {
            try {
                engine = DtlsModeEngines.certificate(Pem.readCert(Path.of(m.get("--server-cert"))).getEncoded(),
                        Pem.readKey(Path.of(m.get("--server-key"))), new JcaX509CertificateConverter()
                        .getCertificate(Pem.readCert(Path.of(m.get("--client-ca")))), sessions, random);
            } catch (java.io.IOException | java.security.GeneralSecurityException e) {
                err.println("recsec se: " + e.getMessage());
                return 1;
            }
        } else {
            engine = DtlsModeEngines.pskResumable(identity, psk, sessions, random);
            java.util.Arrays.fill(psk, (byte) 0);
        }
        BlockingQueue<PskDtlsServer.Established> done = new LinkedBlockingQueue<>();
        Configuration config = Configuration.createStandardWithoutFile();
        CoapServer server = new CoapServer(config);
        CoapEndpoint endpoint = new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(listen)
                .build();
        server.addEndpoint(endpoint);
        try (CoapFlightServer flights = new CoapFlightServer(engine, random, done::add)) {
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
            long resumedBefore = 0;
            for (int n = 1; count == 0 || n <= count; n++) {
                PskDtlsServer.Established e = done.take();
                // the engine counts a handshake before handing it over, so the count has moved when it was resumed
                long resumedNow = sessions.resumed();
                out.println(String.format("handshake %d done: SPI 0x%x (client->server), 0x%x (server->client)%s", n,
                        e.spis().clientToServer(), e.spis().serverToClient(), resumedNow > resumedBefore
                        ? ", resumed" : ""));
                resumedBefore = resumedNow;
                out.flush();
            }
            // The last handshake is counted when the engine completed it, which is before the answer to the
            // client's last flight has left: stopping now would leave the client without it.
            if (!flights.awaitAnswered(count, ANSWER_WAIT_MILLIS)) {
                err.println("recsec se: the last handshake's answer was not sent within " + ANSWER_WAIT_MILLIS
                        + " ms");
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
