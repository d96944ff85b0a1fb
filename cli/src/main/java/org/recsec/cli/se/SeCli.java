package org.recsec.cli.se;

import org.recsec.kmp.se.SeSpis;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.FlightCoap;
import org.recsec.kmp.se.coap.UdpFlightWire;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.se.host.SeHandshake;
import org.recsec.se.host.SeSession;
import org.recsec.se.host.UdpSocketAgent;
import org.recsec.kmp.se.SeSpis;
import org.recsec.kmp.se.coap.CoapSocketAgent;
import org.recsec.kmp.se.coap.CoapTransmission;
import org.recsec.kmp.se.coap.FlightCoap;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.recsec.record.internal.wire.Bytes;

/**
 * {@code recsec se handshake --peer HOST:PORT --psk HEX --identity ID [--send TEXT] [--wait MS]
 * [--se-transport udp|coap] [--proxy HOST:PORT]}: personalises a simulated card (jcardsim), runs its DTLS 1.2 PSK
 * handshake against the peer over UDP, or with {@code --se-transport coap} in CoAP messages to the peer's
 * {@code /.well-known/recsec-hs} (through {@code --proxy}, {@link org.recsec.kmp.se.coap}), sends TEXT as one
 * application record sealed on the card, prints what comes back within the wait (opened on the card), and prints
 * the APDU count and ISO 7816 bytes of the handshake and of each record. Exit 0 on success, 1 when the handshake
 * or a card command fails, 2 on wrong arguments (one line on stderr).
 */
public final class SeCli {
    private static final String USAGE = String.join("\n",
            "usage: recsec se handshake --peer HOST:PORT (--psk HEX | --psk-file PATH | --psk -) --identity ID",
            "                           [--send TEXT] [--wait MS] [--se-transport udp|coap] [--proxy HOST:PORT]",
            "  Runs the DTLS 1.2 handshake (TLS_PSK_WITH_AES_128_CCM_8) of a simulated secure element (jcardsim)",
            "  against a DTLS server over UDP, e.g. openssl s_server -dtls1_2 -nocert -psk HEX -psk_identity ID",
            "  -cipher PSK-AES128-CCM8. With --send, TEXT goes out as one application record sealed on the card",
            "  and an answer is awaited for --wait ms (default 2000). Prints the APDUs and ISO 7816 bytes used.",
            "  --peer HOST:PORT   the DTLS server",
            "  --psk HEX          the pre-shared key, 1..64 bytes",
            "  --psk-file PATH    the pre-shared key, hex, from a file; --psk - reads it from the first line of",
            "                     standard input (a key on the command line is visible to other users)",
            "  --identity ID      the PSK identity, 1..64 bytes",
            "  --send TEXT        application data to send after the handshake (at most 1059 bytes)",
            "  --wait MS          how long to wait for an answer, 0..60000",
            "  --se-transport T   udp (default): DTLS records in UDP datagrams to the peer's DTLS port; coap: each",
            "                     flight in a CoAP POST to coap://PEER/.well-known/recsec-hs (Content-Format 65100),",
            "                     the server's flight in the response, block-wise when needed (no --send)",
            "  --proxy HOST:PORT  coap only: send through this CoAP forward proxy (Proxy-Scheme + Uri-Host);",
            "                     no datagram goes to the peer directly",
            "The server side of --se-transport coap: recsec se serve --help");

    private SeCli() {
    }

    /** Runs the command; returns the exit code. {@code in} is not read. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("serve")) {
            return SeServeCli.run(args, out, err);
        }
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                out.println(SeModesCli.USAGE);
                out.println(VcardCli.USAGE);
                return 0;
            }
        }
        if (args.length > 0 && args[0].equals("vcard")) {
            return VcardCli.run(args, out, err);
        }
        if (args.length > 0 && args[0].equals("handshake") && SeModesCli.wants(args)) {
            return SeModesCli.run(args, out, err);
        }
        Options o;
        try {
            o = parse(args, in);
        } catch (IllegalArgumentException e) {
            err.println("recsec se: " + e.getMessage());
            return 2;
        }
        try {
            SeCard card = JCardSimLink.personalisedCard(0, o.identity, o.psk, "recsec-cli".getBytes(
                    StandardCharsets.US_ASCII));
            java.util.Arrays.fill(o.psk, (byte) 0);
            DtlsIso7816Agent agent = new DtlsIso7816Agent(card);
            if (o.coap) {
                return coapHandshake(o, agent, out);
            }
            try (UdpSocketAgent socket = UdpSocketAgent.open(o.peer);
                 SeSession session = SeHandshake.run(agent, socket, Retransmission.RFC6347)) {
                out.println("handshake with " + o.peer.getAddress().getHostAddress() + ":" + o.peer.getPort()
                        + " done: " + session.handshakeCost());
                ApduCounter counter = card.link().counter();
                if (o.send != null) {
                    ApduCounter.Snapshot before = counter.snapshot();
                    byte[] record = session.sendApplicationData(o.send.getBytes(StandardCharsets.UTF_8));
                    out.println("sent " + o.send.getBytes(StandardCharsets.UTF_8).length + " bytes as record seq "
                            + Bytes.readUint48Be(record, 5) + " (" + record.length + " bytes on the wire): sealed "
                            + "on the card with " + counter.snapshot().minus(before));
                    before = counter.snapshot();
                    byte[] back = session.receiveApplicationData(o.waitMillis).orElse(null);
                    if (back == null) {
                        out.println("received nothing within " + o.waitMillis + " ms");
                    } else {
                        out.println("received " + back.length + " bytes: " + printable(back));
                        out.println("opened on the card with " + counter.snapshot().minus(before));
                    }
                }
                out.println("total on the card link: " + counter.snapshot());
            }
            return 0;
        } catch (SeException | javax.smartcardio.CardException | java.io.IOException e) {
            err.println("recsec se: " + describe(e));
            return 1;
        }
    }

    /** The handshake in CoAP messages, through the proxy when one is given. */
    private static int coapHandshake(Options o, DtlsIso7816Agent agent, PrintStream out)
            throws SeException, java.io.IOException {
        CoapSocketAgent coap = CoapSocketAgent.overUdp(o.peer, o.proxy, CoapSocketAgent.ProxyForm.PROXY_SCHEME, null,
                new java.security.SecureRandom());
        SeSession started;
        try {
            started = SeHandshake.run(agent, coap, CoapTransmission.RFC7252.dtlsTimer());
        } catch (SeException | java.io.IOException | RuntimeException e) {
            coap.close();
            throw e;
        }
        try (SeSession session = started) {
            CoapSocketAgent.Stats st = coap.stats();
            out.println("handshake with coap://" + o.peer.getAddress().getHostAddress() + ":" + o.peer.getPort()
                    + "/" + String.join("/", FlightCoap.RESOURCE) + "/" + coap.handshakeId()
                    + (o.proxy != null ? " via proxy " + o.proxy.getAddress().getHostAddress() + ":"
                    + o.proxy.getPort() : "") + " done: " + session.handshakeCost());
            out.println(coapCounts(st));
            out.println(spiLine(SeSpis.derive(session.clientRandom(), session.serverRandom())));
            out.println("total on the card link: " + agent.card().link().counter().snapshot());
            return 0;
        }
    }

    /** "CoAP: N round trips, ..." for the agent's counts. */
    static String coapCounts(CoapSocketAgent.Stats st) {
        return String.format("CoAP: %d round trips, %d datagrams (%d bytes) sent, %d (%d bytes) received,"
                + " %d retransmissions", st.exchanges(), st.sent(), st.sentBytes(), st.received(),
                st.receivedBytes(), st.retransmits());
    }

    /** "SA pair: SPI ... ; keys on the card" for the pair of a handshake. */
    static String spiLine(SeSpis spis) {
        return String.format("SA pair: SPI 0x%x (client->server), 0x%x (server->client); keys on the card",
                spis.clientToServer(), spis.serverToClient());
    }

    /** One line: the message, or the exception's kind when it has none, and the first cause's. */
    private static String describe(Throwable e) {
        String s = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Throwable c = e.getCause();
        if (c != null && c != e) {
            s += " (" + (c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName()) + ")";
        }
        return s;
    }

    private record Options(InetSocketAddress peer, byte[] psk, byte[] identity, String send, int waitMillis,
                           boolean coap, InetSocketAddress proxy) {
    }

    private static Options parse(String[] args, InputStream in) {
        if (args.length == 0 || !args[0].equals("handshake")) {
            throw new IllegalArgumentException("expected 'handshake' or 'serve' (see --help)");
        }
        Map<String, String> m = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String k = args[i];
            if (!k.equals("--peer") && !k.equals("--psk") && !k.equals("--psk-file") && !k.equals("--identity")
                    && !k.equals("--send") && !k.equals("--wait") && !k.equals("--se-transport")
                    && !k.equals("--proxy")) {
                throw new IllegalArgumentException("unknown argument " + k);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(k + " needs a value");
            }
            if (m.put(k, args[++i]) != null) {
                throw new IllegalArgumentException(k + " given twice");
            }
        }
        for (String req : new String[] {"--peer", "--identity"}) {
            if (!m.containsKey(req)) {
                throw new IllegalArgumentException("missing " + req);
            }
        }
        byte[] psk;
        try {
            psk = org.recsec.cli.args.KeyInput.read("--psk", m.get("--psk"), m.get("--psk-file"), in);
        } catch (org.recsec.cli.args.UsageException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (psk.length < 1 || psk.length > 64) {
            throw new IllegalArgumentException("--psk must be 1..64 bytes");
        }
        byte[] id = m.get("--identity").getBytes(StandardCharsets.UTF_8);
        if (id.length < 1 || id.length > 64) {
            throw new IllegalArgumentException("--identity must be 1..64 bytes");
        }
        String send = m.get("--send");
        if (send != null && send.getBytes(StandardCharsets.UTF_8).length > DtlsIso7816Agent.MAX_SEAL) {
            throw new IllegalArgumentException("--send is longer than " + DtlsIso7816Agent.MAX_SEAL + " bytes");
        }
        int wait = 2000;
        if (m.containsKey("--wait")) {
            try {
                wait = Integer.parseInt(m.get("--wait"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--wait is not a number");
            }
            if (wait < 0 || wait > 60_000) {
                throw new IllegalArgumentException("--wait must be 0..60000");
            }
        }
        String transport = m.getOrDefault("--se-transport", "udp");
        if (!transport.equals("udp") && !transport.equals("coap")) {
            throw new IllegalArgumentException("--se-transport must be udp or coap");
        }
        boolean coap = transport.equals("coap");
        if (!coap && m.containsKey("--proxy")) {
            throw new IllegalArgumentException("--proxy needs --se-transport coap");
        }
        if (coap && (send != null || m.containsKey("--wait"))) {
            throw new IllegalArgumentException("--send and --wait need --se-transport udp (over CoAP, application "
                    + "data goes in record-sec protected messages)");
        }
        InetSocketAddress proxy = m.containsKey("--proxy") ? peer(m.get("--proxy"), "--proxy") : null;
        return new Options(peer(m.get("--peer"), "--peer"), psk, id, send, wait, coap, proxy);
    }

    static InetSocketAddress peer(String s) {
        return peer(s, "--peer");
    }

    static InetSocketAddress peer(String s, String flag) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException(flag + " must be HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(flag + " port must be 1..65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(flag + " host " + host + " does not resolve");
        }
    }

    private static String printable(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            int c = x & 0xff;
            s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : c == '\n' ? "\\n" : String.format("\\x%02x", c));
        }
        return s.toString();
    }
}
