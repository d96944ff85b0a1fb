package org.recsec.cli.demo;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionClass;
import org.recsec.record.coap.OptionNumbers;
import org.recsec.record.internal.crypto.RecordHeader;
import org.recsec.record.internal.wire.Bytes;

/** Formats the demo's trace: each datagram as the proxy sees it (outer), and the inner messages at the ends. */
final class Trace {
    private final PrintStream out;
    /** Compact-profile SAs the demo holds keys for, by SPI: traffic secret and suite (see {@link #knowCompact}). */
    private final java.util.Map<Long, CompactSa> compact = new java.util.HashMap<>();
    /** The demo's one server-to-client compact SA: the SA of every compact response (they carry no SPI). */
    private long responseSpi = -1;

    /** What the trace needs to read a compact record's encrypted sequence number (RFC 9147 §4.2.3). */
    private static final class CompactSa {
        final org.recsec.record.base.CipherSuite suite;
        final byte[] secret;
        org.recsec.record.internal.crypto.CompactRecordCipher cipher;
        long next;

        CompactSa(org.recsec.record.base.CipherSuite suite, byte[] secret) {
            this.suite = suite;
            this.secret = secret;
        }
    }

    Trace(PrintStream out) {
        this.out = out;
    }

    /** Lets the trace show the sequence numbers of the compact SA {@code sa}'s records: the demo holds its keys. */
    synchronized void knowCompact(SaKeylog.SaKeys sa) {
        compact.put(sa.spi(), new CompactSa(sa.suite(), sa.key()));
        if (sa.s2c()) {
            responseSpi = sa.spi();
        }
    }

    /** The sequence number of a compact record of a known SA, or -1; both legs carry the same record. */
    private long compactSeq(long spi, byte[] r) {
        CompactSa sa = compact.get(spi);
        if (sa == null) {
            return -1;
        }
        int seqBytes = (r[0] & 0x08) != 0 ? 2 : 1;
        try {
            if (sa.cipher == null || sa.cipher.headerBytes() != 1 + seqBytes) {
                sa.cipher = org.recsec.record.internal.crypto.CompactRecordCipher.fromSecret(sa.suite,
                        org.recsec.record.base.SecretBytes.copyOf(sa.secret), seqBytes);
            }
            long seq = sa.cipher.readHeader(r, 0, r.length, sa.next).seq();
            sa.next = Math.max(sa.next, seq + 1);
            return seq;
        } catch (RecSecException e) {
            return -1;
        }
    }

    synchronized void line(String s) {
        out.println(s);
        out.flush();
    }

    /** One datagram on the wire: the outer header, the options a proxy can read, and the record's header. */
    synchronized void datagram(String leg, InetSocketAddress src, InetSocketAddress dst, byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("  [%s] %s -> %s  %d bytes%n", leg, hostPort(src), hostPort(dst), bytes.length));
        try {
            CoapMessage m = CoapCodec.decode(bytes, 0, bytes.length);
            sb.append("      outer: ").append(new String[] {"CON", "NON", "ACK", "RST"}[m.type()]).append(' ')
                    .append(CoapMessage.codeString(m.code())).append(" mid=").append(m.messageId())
                    .append(" token=").append(Bytes.toHex(m.token()));
            for (CoapOption o : m.options()) {
                sb.append(' ').append(optionText(o));
            }
            sb.append(System.lineSeparator());
            if (m.hasOption(OptionNumbers.RECORD_SECURITY) && m.payloadLength() > 0) {
                byte[] r = m.payload();
                sb.append("      record: ").append(recordText(r));
                if ((r[0] & 0xe0) == 0x20) {
                    long spi = m.option(OptionNumbers.RECORD_SECURITY).orElseThrow().uintValue();
                    long seq = compactSeq(spi == 0 && m.isResponse() ? responseSpi : spi, r);
                    if (seq >= 0) {
                        sb.append(", seq ").append(seq).append(" (decrypted with the demo's keys)");
                    }
                }
                sb.append(System.lineSeparator());
            } else if (m.payloadLength() > 0 && isFlight(m)) {
                sb.append("      DTLS flight: ").append(flight(m.payload())).append(System.lineSeparator());
            } else if (m.payloadLength() > 0) {
                sb.append("      payload in clear: ").append(m.payloadLength()).append(" bytes").append(System.lineSeparator());
            }
        } catch (RecSecException e) {
            sb.append("      (not CoAP: ").append(e.reason()).append(')').append(System.lineSeparator());
        }
        out.print(sb);
        out.flush();
    }

    /** A message as an application sees it (inner). */
    synchronized void inner(String who, CoapMessage m) {
        StringBuilder sb = new StringBuilder("  ").append(who).append(" ").append(CoapMessage.codeString(m.code()));
        for (CoapOption o : m.options()) {
            sb.append(' ').append(optionText(o));
        }
        if (m.payloadLength() > 0) {
            sb.append(" payload \"").append(new String(m.payload(), StandardCharsets.UTF_8)).append('"');
        }
        out.println(sb);
        out.flush();
    }

    /** The header of a record of any profile, as far as it is readable without keys (docs/profiles.md). */
    static String recordText(byte[] r) {
        int first = r[0] & 0xff;
        if (first == 23 && r.length >= RecordHeader.BYTES) {
            try {
                RecordHeader h = RecordHeader.parse(r, 0, r.length);
                return String.format("type %d version %04x epoch %d seq %d, %d bytes sealed "
                        + "(inner code, Class E options and payload)", h.contentType(), h.version(), h.epoch(),
                        h.seq(), h.length());
            } catch (RecSecException e) {
                return "dtls12 header that does not parse (" + e.reason() + ")";
            }
        }
        if (first == 25 && r.length >= RecordHeader.BYTES + 4) {
            return String.format("dtls12-cid (RFC 9146), type 25 version %04x epoch %d seq %d cid %s, %d bytes "
                    + "sealed (inner plaintext and real content type)", Bytes.readUint16Be(r, 1),
                    Bytes.readUint16Be(r, 3), Bytes.readUint48Be(r, 5), Bytes.toHex(java.util.Arrays.copyOfRange(r,
                    11, 15)), Bytes.readUint16Be(r, 15));
        }
        if ((first & 0xe0) == 0x20) {
            return String.format("compact (RFC 9147), unified header %02x: epoch bits %d, %d-bit sequence number "
                    + "(encrypted), %d bytes", first, first & 3, (first & 0x08) != 0 ? 16 : 8, r.length);
        }
        return String.format("%d bytes of no known profile (first byte %02x)", r.length, first);
    }

    private static boolean isFlight(CoapMessage m) {
        CoapOption cf = m.option(OptionNumbers.CONTENT_FORMAT).orElse(null);
        return cf != null && cf.length() <= 2 && cf.uintValue() == org.recsec.kmp.se.coap.FlightCoap.CONTENT_FORMAT;
    }

    /** The records of a handshake flight by name (epoch 1 handshake records are encrypted: Finished). */
    private static String flight(byte[] payload) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (byte[] r : org.recsec.se.host.DtlsRecords.split(payload)) {
            int type = org.recsec.se.host.DtlsRecords.type(r);
            int epoch = org.recsec.se.host.DtlsRecords.epoch(r);
            names.add(switch (type) {
                case 20 -> "ChangeCipherSpec";
                case 21 -> "Alert";
                case 22 -> epoch > 0 ? "Finished" : switch (r.length > 13 ? r[13] & 0xff : -1) {
                    case 1 -> "ClientHello";
                    case 2 -> "ServerHello";
                    case 3 -> "HelloVerifyRequest";
                    case 14 -> "ServerHelloDone";
                    case 16 -> "ClientKeyExchange";
                    default -> "handshake";
                };
                default -> "type " + type;
            });
        }
        return String.join(", ", names) + " (" + payload.length + " bytes of DTLS records)";
    }

    private static String optionText(CoapOption o) {
        String name = switch (o.number()) {
            case OptionNumbers.URI_HOST -> "Uri-Host";
            case OptionNumbers.URI_PORT -> "Uri-Port";
            case OptionNumbers.URI_PATH -> "Uri-Path";
            case OptionNumbers.LOCATION_PATH -> "Location-Path";
            case OptionNumbers.URI_QUERY -> "Uri-Query";
            case OptionNumbers.PROXY_SCHEME -> "Proxy-Scheme";
            case OptionNumbers.PROXY_URI -> "Proxy-Uri";
            case OptionNumbers.CONTENT_FORMAT -> "Content-Format";
            case OptionNumbers.MAX_AGE -> "Max-Age";
            case OptionNumbers.OBSERVE -> "Observe";
            case OptionNumbers.RECORD_SECURITY -> "Record-Security";
            case OptionNumbers.REQUEST_SEQUENCE -> "Request-Sequence";
            default -> "Option" + o.number();
        };
        boolean text = o.number() == OptionNumbers.URI_HOST || o.number() == OptionNumbers.URI_PATH
                || o.number() == OptionNumbers.LOCATION_PATH
                || o.number() == OptionNumbers.URI_QUERY || o.number() == OptionNumbers.PROXY_SCHEME
                || o.number() == OptionNumbers.PROXY_URI;
        String value = o.number() == OptionNumbers.RECORD_SECURITY ? "spi=0x" + Long.toHexString(o.uintValue())
                + (o.length() == 0 ? " (empty: a compact response names its SA by the request)" : "")
                : text ? o.stringValue() : o.length() <= 8 ? Long.toString(o.uintValue()) : Bytes.toHex(o.value());
        return name + "=" + value + (OptionClass.of(o.number()) == OptionClass.E ? "(E)" : "");
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
