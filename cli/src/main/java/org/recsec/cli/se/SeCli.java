package org.recsec.cli.se;

import org.recsec.se.host.SeHandshake;
import org.recsec.se.host.SeSession;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.DtlsIso7816Agent;
import org.recsec.se.host.JCardSimLink;
import org.recsec.se.host.Retransmission;
import org.recsec.se.host.SeCard;
import org.recsec.se.host.SeException;
import org.recsec.se.host.UdpSocketAgent;

import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.recsec.record.internal.Bytes;

/**
 * {@code recsec se handshake --peer HOST:PORT --psk HEX --identity ID [--send TEXT] [--wait MS]}: personalises a
 * simulated card (jcardsim), runs its DTLS 1.2 PSK handshake against the peer over UDP, sends TEXT as one
 * application record sealed on the card, prints what comes back within the wait (opened on the card), and prints
 * the APDU count and ISO 7816 bytes of the handshake and of each record. Exit 0 on success, 1 when the handshake
 * or a card command fails, 2 on wrong arguments (one line on stderr).
 */
public final class SeCli {
    private static final String USAGE = String.join("\n",
            "usage: recsec se handshake --peer HOST:PORT --psk HEX --identity ID [--send TEXT] [--wait MS]",
            "  Runs the DTLS 1.2 handshake (TLS_PSK_WITH_AES_128_CCM_8) of a simulated secure element (jcardsim)",
            "  against a DTLS server over UDP, e.g. openssl s_server -dtls1_2 -nocert -psk HEX -psk_identity ID",
            "  -cipher PSK-AES128-CCM8. With --send, TEXT goes out as one application record sealed on the card",
            "  and an answer is awaited for --wait ms (default 2000). Prints the APDUs and ISO 7816 bytes used.",
            "  --peer HOST:PORT   the DTLS server",
            "  --psk HEX          the pre-shared key, 1..64 bytes",
            "  --identity ID      the PSK identity, 1..64 bytes",
            "  --send TEXT        application data to send after the handshake (at most 1059 bytes)",
            "  --wait MS          how long to wait for an answer, 0..60000");

    private SeCli() {
    }

    /** Runs the command; returns the exit code. {@code in} is not read. */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                return 0;
            }
        }
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("recsec se: " + e.getMessage());
            return 2;
        }
        try {
            SeCard card = JCardSimLink.personalisedCard(0, o.identity, o.psk, "recsec-cli".getBytes(
                    StandardCharsets.US_ASCII));
            java.util.Arrays.fill(o.psk, (byte) 0);
            DtlsIso7816Agent agent = new DtlsIso7816Agent(card);
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
                    byte[] back = session.receiveApplicationData(o.waitMillis);
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

    /** One line: the message, or the exception's kind when it has none, and the first cause's. */
    private static String describe(Throwable e) {
        String s = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        Throwable c = e.getCause();
        if (c != null && c != e) {
            s += " (" + (c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName()) + ")";
        }
        return s;
    }

    private record Options(InetSocketAddress peer, byte[] psk, byte[] identity, String send, int waitMillis) {
    }

    private static Options parse(String[] args) {
        if (args.length == 0 || !args[0].equals("handshake")) {
            throw new IllegalArgumentException("expected 'handshake' (see --help)");
        }
        Map<String, String> m = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String k = args[i];
            if (!k.equals("--peer") && !k.equals("--psk") && !k.equals("--identity") && !k.equals("--send")
                    && !k.equals("--wait")) {
                throw new IllegalArgumentException("unknown argument " + k);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(k + " needs a value");
            }
            if (m.put(k, args[++i]) != null) {
                throw new IllegalArgumentException(k + " given twice");
            }
        }
        for (String req : new String[] {"--peer", "--psk", "--identity"}) {
            if (!m.containsKey(req)) {
                throw new IllegalArgumentException("missing " + req);
            }
        }
        byte[] psk;
        try {
            psk = Bytes.fromHex(m.get("--psk"));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--psk is not hex");
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
        return new Options(peer(m.get("--peer")), psk, id, send, wait);
    }

    private static InetSocketAddress peer(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            throw new IllegalArgumentException("--peer must be HOST:PORT");
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--peer port is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--peer port must be 1..65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--peer host " + host + " does not resolve");
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
