package org.recsec.cli.demo;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.CoapResource;
import org.eclipse.californium.core.CoapResponse;
import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.coap.CoAP;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.Request;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.server.resources.CoapExchange;
import org.eclipse.californium.elements.config.Configuration;
import org.recsec.californium.RecSec;
import org.recsec.californium.RecSecConfig;
import org.recsec.cli.args.Args;
import org.recsec.cli.args.Command;
import org.recsec.cli.args.UsageException;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.kmp.se.SeCipherRegistry;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * {@code recsec demo}: a Californium client, a Californium forward proxy and a Californium server with
 * {@code /echo}, all on UDP loopback; the SA pair installed through the PF_KEY-like interface by a KMP; one
 * protected POST through the proxy. Exits 0 only when the echo came back verified and the proxy never saw the
 * text in clear.
 */
public final class DemoCommand implements Command {
    static final String CLIENT_ID = "coap://demo-client.recsec";
    private static final InetAddress PROXY_IP = loopback(1);
    private static final InetAddress SERVER_IP = loopback(2);

    @Override
    public String summary() {
        return "end-to-end demo: client -> proxy -> server on UDP loopback";
    }

    @Override
    public String help() {
        return "usage: recsec demo [--pcap FILE] [--keylog FILE] [--message TEXT] [--kmp manual|ticket|se|eap]\n"
                + "                   [--se-transport udp|coap] [--se-mode psk|cert] [--transport dtls|tls]\n"
                + "                   [--profile dtls12|dtls12-cid|compact] [--ue card|host]\n"
                + "Starts a Californium server with /echo, a Californium forward proxy and a client on UDP loopback,\n"
                + "installs the SA pair through the PF_KEY-like interface with the chosen key-management protocol\n"
                + "(default: " + defaultKmp() + "), POSTs TEXT through the proxy and prints the trace: every datagram\n"
                + "as the proxy sees it (outer) and the messages as the applications see them (inner).\n"
                + "--se-transport (with --kmp se): udp (default) runs the card's DTLS handshake over UDP to the server's\n"
                + "DTLS port; coap carries each flight in CoAP messages through the proxy to the server's\n"
                + "/.well-known/recsec-hs, so no datagram goes from client to server around the proxy.\n"
                + "--se-mode (with --kmp se): psk (default) or cert: the card's certificate mode\n"
                + "(TLS_DHE_RSA_WITH_AES_128_CCM_8, RSA-2048 key pair made on the card, certificate issued by the demo).\n"
                + "--transport (with --kmp se): dtls (default, UDP) or tls (TLS 1.2 over TCP; the card's SA pair is then\n"
                + "exported into the client's SA database). Other than psk + dtls, the handshake runs against Bouncy\n"
                + "Castle's server through the host bridges, over UDP or TCP; with --se-transport coap the DTLS modes\n"
                + "(psk, cert) go in CoAP messages through the proxy (TLS is refused over CoAP).\n"
                + "--ue (with --kmp eap): where the UE's EAP-TLS peer runs: card (default; the applet under jcardsim in\n"
                + "TLS certificate mode, MSK and EMSK derived and kept on the card, which hands out only the Session-Id\n"
                + "and the USRK) or host (Bouncy Castle's TLS client, the keys in the host's memory).\n"
                + "--profile: the record profile of the SA pair (docs/profiles.md); dtls12 is the default. The manual,\n"
                + "ticket and EAP KMPs install every profile (the ticket names it; with --kmp eap the UE and the ApS are\n"
                + "both configured for it), and so does --kmp se --transport tls (the exported pair); the SE KMP's\n"
                + "card-resident pair is dtls12 only. Another profile without --kmp means --kmp manual.\n"
                + "--pcap FILE writes every datagram of both legs as a pcap file (IPv4/UDP; port 5683 is CoAP).\n"
                + "--keylog FILE writes the SA pair's keys (read from the server's SA database through PF_KEY GET)\n"
                + "as a recsec key file, so Wireshark with tools/wireshark/recsec.lua shows the inner messages.\n"
                + "The file holds secret keys: for debugging only.\n"
                + "Exit 0 only if the echoed text came back verified.\n";
    }

    static String defaultKmp() {
        return "se";
    }

    @Override
    public int run(String[] argv, InputStream in, PrintStream out, PrintStream err) throws UsageException {
        Args a = Args.parse(argv, 0, Set.of("--pcap", "--keylog", "--message", "--kmp", "--se-transport",
                "--profile", "--se-mode", "--transport", "--ue"), Set.of());
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument " + a.positional().get(0));
        }
        String text = a.get("--message", "Hello, end-to-end CoAP!");
        String profile = a.get("--profile", "dtls12");
        int profileId = switch (profile) {
            case "dtls12" -> org.recsec.km.pfkey.PfKey.RECSEC_PROFILE_DTLS12;
            case "dtls12-cid" -> org.recsec.km.pfkey.PfKey.RECSEC_PROFILE_DTLS12_CID;
            case "compact" -> org.recsec.km.pfkey.PfKey.RECSEC_PROFILE_COMPACT;
            default -> throw new UsageException("--profile must be dtls12, dtls12-cid or compact");
        };
        String kmpName = a.get("--kmp", profile.equals("dtls12") ? defaultKmp() : "manual");
        boolean exportedSe = kmpName.equals("se") && a.get("--transport", "dtls").equals("tls");
        if (!profile.equals("dtls12") && !kmpName.equals("manual") && !kmpName.equals("ticket")
                && !kmpName.equals("eap") && !exportedSe) {
            throw new UsageException("--profile " + profile + " goes with --kmp manual, ticket or eap, or --kmp se"
                    + " --transport tls (the " + kmpName + " KMP derives dtls12 SAs here)");
        }
        String seTransport = a.get("--se-transport", "udp");
        if (!seTransport.equals("udp") && !seTransport.equals("coap")) {
            throw new UsageException("--se-transport must be udp or coap");
        }
        if (a.get("--se-transport", null) != null && !kmpName.equals("se")) {
            throw new UsageException("--se-transport goes with --kmp se");
        }
        String seMode = a.get("--se-mode", "psk");
        if (!seMode.equals("psk") && !seMode.equals("cert")) {
            throw new UsageException("--se-mode must be psk or cert");
        }
        String transport = a.get("--transport", "dtls");
        if (!transport.equals("dtls") && !transport.equals("tls")) {
            throw new UsageException("--transport must be dtls or tls");
        }
        if ((a.get("--se-mode", null) != null || a.get("--transport", null) != null) && !kmpName.equals("se")) {
            throw new UsageException("--se-mode and --transport go with --kmp se");
        }
        String ue = a.get("--ue", "card");
        if (!ue.equals("card") && !ue.equals("host")) {
            throw new UsageException("--ue must be card or host");
        }
        if (a.get("--ue", null) != null && !kmpName.equals("eap")) {
            throw new UsageException("--ue goes with --kmp eap");
        }
        boolean otherMode = seMode.equals("cert") || transport.equals("tls");
        boolean overCoap = seTransport.equals("coap");
        if (overCoap && transport.equals("tls")) {
            throw new UsageException("--se-transport coap carries the DTLS handshakes only (--transport dtls): TLS"
                    + " records over CoAP are refused (kmp/se/README.md)");
        }
        SecureRandom random = new SecureRandom();
        SeCipherRegistry seCiphers = new SeCipherRegistry();
        DemoKmp kmp = switch (kmpName) {
            case "manual" -> new ManualKmp(random, CipherSuite.AES_128_CCM_8, profileId);
            case "ticket" -> new TicketKmp(random, CipherSuite.AES_128_CCM_8, profile);
            case "se" -> otherMode
                    ? new SeModesKmpAdapter(random, seCiphers, seMode.equals("cert"), transport.equals("tls"),
                            overCoap, profileId)
                    : new SeKmpAdapter(random, seCiphers, overCoap);
            case "eap" -> new EapKmp(random, CipherSuite.AES_128_CCM_8, ue.equals("card"), profileId);
            default -> throw new UsageException("--kmp must be manual, ticket, se or eap (" + kmpName
                    + " is not available)");
        };
        try {
            // The well-known port first (Wireshark dissects CoAP there), ephemeral ones when it is taken. A port
            // another process takes between the probe and the bind costs one more attempt, not a failed demo.
            for (int attempt = 1; ; attempt++) {
                try {
                    return runDemo(text, kmp, seCiphers, a.get("--pcap", null), a.get("--keylog", null), random,
                            attempt == 1, out, err);
                } catch (java.net.BindException e) {
                    if (attempt == 3) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            err.println("demo: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println("demo: failed: " + e);
            return 1;
        }
    }

    private int runDemo(String text, DemoKmp kmp, SeCipherRegistry seCiphers, String pcapPath, String keylogPath,
                        SecureRandom random, boolean wellKnownPorts, PrintStream out, PrintStream err) throws Exception {
        Configuration config = Configuration.createStandardWithoutFile();
        Trace trace = new Trace(out);
        int preferred = wellKnownPorts ? CoAP.DEFAULT_COAP_PORT : 0;
        InetSocketAddress serverAddr = new InetSocketAddress(SERVER_IP, freeOr(SERVER_IP, preferred));
        InetSocketAddress proxyAddr = new InetSocketAddress(PROXY_IP, freeOr(PROXY_IP, preferred));
        String serverId = "coap://" + serverAddr.getAddress().getHostAddress() + ":" + serverAddr.getPort();
        List<byte[]> seenByProxy = new ArrayList<>();
        PcapWriter pcap = pcapPath == null ? null : new PcapWriter(new FileOutputStream(pcapPath),
                () -> System.currentTimeMillis() * 1000);
        SecurityAssociationDatabase clientSad = SecurityAssociationDatabase.builder(Clock.systemUTC(), random)
                .localIdentities(Set.of(CLIENT_ID)).seCipherProvider(seCiphers).build();
        SecurityAssociationDatabase serverSad = SecurityAssociationDatabase.builder(Clock.systemUTC(), random)
                .localIdentities(Set.of(serverId)).build();

        CoapServer server = new CoapServer(config);
        // The server's own tap: every datagram it exchanges with anyone but the proxy (a bypass) goes into the
        // capture too, and fails the demo.
        List<String> bypasses = new ArrayList<>();
        boolean noBypass = kmp.throughTheProxy();
        InetSocketAddress[] proxyUpstream = new InetSocketAddress[1];
        CoapEndpoint serverEndpoint = RecSec.endpointBuilder(RecSecConfig.builder(serverSad, LocalId.of(serverId))
                .protectResource("echo").build()).setConfiguration(config)
                .setConnector(new TappingConnector(new org.eclipse.californium.elements.UDPConnector(serverAddr,
                        config), (src, dst, bytes) -> {
                    InetSocketAddress peer = src.equals(serverAddr) ? dst : src;
                    if (!noBypass || peer.equals(proxyUpstream[0])) {
                        return;
                    }
                    synchronized (bypasses) {
                        bypasses.add(src + " -> " + dst);
                    }
                    if (pcap != null) {
                        try {
                            pcap.write(src, dst, bytes);
                        } catch (IOException e) {
                            trace.line("  (pcap: " + e.getMessage() + ")");
                        }
                    }
                })).build();
        server.addEndpoint(serverEndpoint);
        server.add(new Echo(trace));
        ForwardingProxy proxy = null;
        CoapClient client = null;
        try {
            server.start();
            if (!serverEndpoint.isStarted()) {
                throw new java.net.BindException("the server cannot listen on " + serverAddr);
            }
            proxy = new ForwardingProxy(proxyAddr, new InetSocketAddress(PROXY_IP, 0), config, (src, dst, bytes) -> {
                synchronized (seenByProxy) {
                    seenByProxy.add(bytes.clone());
                }
                boolean firstLeg = src.equals(proxyAddr) || dst.equals(proxyAddr);
                trace.datagram(firstLeg ? "client<->proxy" : "proxy<->server", src, dst, bytes);
                if (pcap != null) {
                    try {
                        pcap.write(src, dst, bytes);
                    } catch (IOException e) {
                        trace.line("  (pcap: " + e.getMessage() + ")");
                    }
                }
            });
            proxyUpstream[0] = proxy.upstreamAddress();
            out.println("recsec demo: client -> proxy " + proxyAddr.getAddress().getHostAddress() + ":"
                    + proxyAddr.getPort() + " -> server " + serverId + "/echo   (KMP: " + kmp.name() + ")");
            out.println("1. key management");
            kmp.proxy(proxyAddr);
            // the KMP's own datagrams (e.g. CoAP-EAP) go to the capture file only, not to the trace
            TappingConnector.Listener capture = pcap == null ? null : (src, dst, bytes) -> {
                try {
                    pcap.write(src, dst, bytes);
                } catch (IOException e) {
                    trace.line("  (pcap: " + e.getMessage() + ")");
                }
            };
            kmp.establish(new DemoKmp.Setup(clientSad, CLIENT_ID, serverSad, serverId, serverAddr, trace, server,
                    config, capture));
            List<SaKeylog.SaKeys> keys = SaKeylog.read(serverSad, serverId);
            keys.stream().filter(SaKeylog.SaKeys::compact).forEach(trace::knowCompact); // shows their sequence numbers
            if (keylogPath != null) {
                List<String> keyLines = keys.stream().map(SaKeylog.SaKeys::line).toList();
                SaKeylog.write(java.nio.file.Path.of(keylogPath), keyLines);
                out.println("  key file for Wireshark: " + keyLines.size() + " SAs (from the server's SA database) in "
                        + keylogPath);
            }
            client = new CoapClient();
            client.setEndpoint(RecSec.endpointBuilder(RecSecConfig.builder(clientSad, LocalId.of(CLIENT_ID)).build())
                    .setConfiguration(config).setInetSocketAddress(new InetSocketAddress(PROXY_IP, 0)).build());
            client.setTimeout(10_000L);

            Request request = Request.newPost();
            request.setURI("coap://" + proxyAddr.getAddress().getHostAddress() + ":" + proxyAddr.getPort());
            request.getOptions().setProxyUri(serverId + "/echo");
            request.getOptions().setContentFormat(MediaTypeRegistry.TEXT_PLAIN);
            request.setPayload(text);
            RecSec.protect(request, PeerId.of(serverId));
            out.println("2. the client application sends");
            trace.inner("client app ->", new CoapMessage(CoapMessage.TYPE_CON, CoAP.Code.POST.value, 0, new byte[0],
                    List.of(CoapOption.ofString(OptionNumbers.PROXY_URI, serverId + "/echo"),
                            CoapOption.ofUint(OptionNumbers.CONTENT_FORMAT, MediaTypeRegistry.TEXT_PLAIN)),
                    text.getBytes(StandardCharsets.UTF_8)));
            out.println("3. on the wire (what the proxy sees), and at the server");
            CoapResponse response = client.advanced(request);
            out.println("4. the client application receives");
            if (response == null) {
                err.println("demo: no response (timeout)");
                return 1;
            }
            String echoed = response.getResponseText();
            out.println("  client app <- " + response.getCode() + " payload \"" + echoed + "\"");
            boolean leaked;
            synchronized (seenByProxy) {
                leaked = seenByProxy.stream().anyMatch(d -> contains(d, text.getBytes(StandardCharsets.UTF_8)));
            }
            if (!response.isSuccess() || !text.equals(echoed)) {
                err.println("demo: FAILED: the echo did not come back verified (" + response.getCode() + ")");
                return 1;
            }
            if (leaked) {
                err.println("demo: FAILED: the proxy saw the text in clear");
                return 1;
            }
            synchronized (bypasses) {
                if (!bypasses.isEmpty()) {
                    err.println("demo: FAILED: datagrams went around the proxy: " + bypasses);
                    return 1;
                }
            }
            out.println("verified: \"" + echoed + "\" came back end-to-end protected; the proxy never saw it in clear"
                    + (pcapPath != null ? "; capture in " + pcapPath : ""));
            return 0;
        } finally {
            if (client != null) {
                client.shutdown();
            }
            if (proxy != null) {
                proxy.close();
            }
            kmp.close();
            server.destroy();
            if (pcap != null) {
                pcap.close();
            }
        }
    }

    /** The server application: echoes the payload of a POST to /echo. */
    private static final class Echo extends CoapResource {
        private final Trace trace;

        Echo(Trace trace) {
            super("echo");
            this.trace = trace;
        }

        @Override
        public void handlePOST(CoapExchange exchange) {
            List<CoapOption> options = new ArrayList<>();
            for (var o : exchange.getRequestOptions().asSortedList()) {
                options.add(new CoapOption(o.getNumber(), o.getValue()));
            }
            trace.inner("server app <-", new CoapMessage(CoapMessage.TYPE_CON, CoAP.Code.POST.value, 0, new byte[0],
                    options, exchange.getRequestPayload()));
            exchange.respond(CoAP.ResponseCode.CHANGED, exchange.getRequestPayload(), MediaTypeRegistry.TEXT_PLAIN);
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * The port when it looks free on that address, else an ephemeral one. Only a preference: the caller binds
     * and tries again with other ports when the bind fails.
     */
    private static int freeOr(InetAddress ip, int port) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, port))) {
            return s.getLocalPort(); // port, or for 0 the ephemeral one (a retry asks for 0: never answer 0)
        } catch (SocketException e) {
            try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(ip, 0))) {
                return s.getLocalPort();
            } catch (SocketException e2) {
                throw new IllegalStateException("no UDP port on " + ip, e2);
            }
        }
    }

    private static InetAddress loopback(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

}
