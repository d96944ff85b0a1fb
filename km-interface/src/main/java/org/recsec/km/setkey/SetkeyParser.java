package org.recsec.km.setkey;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.ReplayWindow;

/**
 * Parses statements in ipsec-tools setkey(8) syntax, restricted to record SAs ({@code recsec}):
 * <pre>
 * add SRC DST recsec SPI [-P PROFILE] [-r WINDOW] [-lh S] [-ls S] [-bh BYTES] [-bs BYTES] -E ALG 0xKEY [-I 0xIV] ;
 * get SRC DST recsec SPI ;   delete SRC DST recsec SPI ;   deleteall SRC DST recsec ;
 * flush [recsec] ;   dump [recsec] ;
 * </pre>
 * ALG is {@code aes-128-ccm-8}, {@code aes-128-ccm}, {@code aes-128-gcm} or {@code chacha20-poly1305}. Without
 * {@code -I} the key is followed by the IV in the same hex string, as Linux takes {@code rfc4106} key and salt
 * together. SRC and DST are CoAP URIs ({@code coap://127.0.0.1:5683}), IP addresses with an optional setkey port
 * ({@code 127.0.0.1[5683]}, {@code ::1[5683]}; default 5683) or secure element names. SPIs are decimal or
 * {@code 0x} hex and at least 256. PROFILE is the record profile (docs/profiles.md): {@code dtls12} (the default),
 * {@code dtls12-cid} (RFC 9146, keyed as dtls12), {@code compact} or {@code compact8} (RFC 9147 records with a 16-
 * or 8-bit sequence number; the key is the direction's 32-byte traffic secret, no IV). {@code #} starts a comment. Statements end with {@code ;} and may span lines.
 *
 * <p>Strict: an unknown keyword, option or algorithm, bad hex, a key or IV of the wrong length, a missing
 * {@code ;} give a {@link SetkeyParseException} with line and column.
 */
public final class SetkeyParser {
    private final List<Token> tokens = new ArrayList<>();
    private int pos;

    private record Token(String text, int line, int column) {
    }

    private SetkeyParser(String input) {
        int line = 1;
        int col = 1;
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (c == '\n') {
                line++;
                col = 1;
                i++;
            } else if (Character.isWhitespace(c)) {
                col++;
                i++;
            } else if (c == '#') {
                while (i < input.length() && input.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == ';') {
                tokens.add(new Token(";", line, col));
                col++;
                i++;
            } else {
                int start = i;
                int startCol = col;
                while (i < input.length() && !Character.isWhitespace(input.charAt(i)) && input.charAt(i) != ';'
                        && input.charAt(i) != '#') {
                    i++;
                    col++;
                }
                tokens.add(new Token(input.substring(start, i), line, startCol));
            }
        }
        tokens.add(new Token(null, line, col));
    }

    /** Parses every statement of {@code input}. */
    public static List<SetkeyCommand> parse(String input) throws SetkeyParseException {
        SetkeyParser p = new SetkeyParser(input);
        List<SetkeyCommand> out = new ArrayList<>();
        while (p.peek().text() != null) {
            out.add(p.statement());
        }
        return out;
    }

    private Token peek() {
        return tokens.get(pos);
    }

    private Token next(String what) throws SetkeyParseException {
        Token t = tokens.get(pos);
        if (t.text() == null) {
            throw new SetkeyParseException(t.line(), t.column(), "expected " + what + " but the input ended");
        }
        if (t.text().equals(";")) {
            throw new SetkeyParseException(t.line(), t.column(), "expected " + what + " before ;");
        }
        pos++;
        return t;
    }

    private void end() throws SetkeyParseException {
        Token t = tokens.get(pos);
        if (t.text() == null || !t.text().equals(";")) {
            throw new SetkeyParseException(t.line(), t.column(), t.text() == null ? "missing ;"
                    : "unexpected '" + printable(t.text()) + "', expected ;");
        }
        pos++;
    }

    private SetkeyCommand statement() throws SetkeyParseException {
        Token kw = next("a command");
        switch (kw.text()) {
            case "add": return add(kw.line());
            case "get": {
                String src = endpoint(next("source"));
                String dst = endpoint(next("destination"));
                protocol();
                long spi = spi(next("SPI"));
                end();
                return new SetkeyCommand.Get(kw.line(), src, dst, spi);
            }
            case "delete": {
                String src = endpoint(next("source"));
                String dst = endpoint(next("destination"));
                protocol();
                long spi = spi(next("SPI"));
                end();
                return new SetkeyCommand.Delete(kw.line(), src, dst, spi);
            }
            case "deleteall": {
                String src = endpoint(next("source"));
                String dst = endpoint(next("destination"));
                protocol();
                end();
                return new SetkeyCommand.DeleteAll(kw.line(), src, dst);
            }
            case "flush":
                optionalProtocol();
                end();
                return new SetkeyCommand.Flush(kw.line());
            case "dump":
                optionalProtocol();
                end();
                return new SetkeyCommand.Dump(kw.line());
            default:
                throw new SetkeyParseException(kw.line(), kw.column(), "unknown command '" + printable(kw.text())
                        + "'");
        }
    }

    private void protocol() throws SetkeyParseException {
        Token t = next("protocol");
        if (!t.text().equals("recsec")) {
            throw new SetkeyParseException(t.line(), t.column(), "unknown protocol '" + printable(t.text())
                    + "', only recsec");
        }
    }

    private void optionalProtocol() throws SetkeyParseException {
        if (peek().text() != null && !peek().text().equals(";")) {
            protocol();
        }
    }

    private SetkeyCommand add(int line) throws SetkeyParseException {
        String src = endpoint(next("source"));
        String dst = endpoint(next("destination"));
        protocol();
        long spi = spi(next("SPI"));
        int window = ReplayWindow.DEFAULT_SIZE;
        long lh = 0;
        long ls = 0;
        long bh = 0;
        long bs = 0;
        CipherSuite suite = null;
        Token keyTok = null;
        Token ivTok = null;
        int profile = PfKey.RECSEC_PROFILE_DTLS12;
        while (peek().text() != null && !peek().text().equals(";")) {
            Token opt = next("option");
            switch (opt.text()) {
                case "-r": window = (int) number(next("replay window"), 1, ReplayWindow.MAX_SIZE); break;
                case "-lh": lh = number(next("seconds"), 1, Long.MAX_VALUE); break;
                case "-ls": ls = number(next("seconds"), 1, Long.MAX_VALUE); break;
                case "-bh": bh = number(next("bytes"), 1, Long.MAX_VALUE); break;
                case "-bs": bs = number(next("bytes"), 1, Long.MAX_VALUE); break;
                case "-E": {
                    Token alg = next("algorithm");
                    suite = algorithm(alg);
                    keyTok = next("key");
                    break;
                }
                case "-I": ivTok = next("IV"); break;
                case "-P": profile = profile(next("record profile")); break;
                default:
                    throw new SetkeyParseException(opt.line(), opt.column(), "unknown option '"
                            + printable(opt.text()) + "'");
            }
        }
        Token semi = peek();
        end();
        if (suite == null) {
            throw new SetkeyParseException(semi.line(), semi.column(), "add needs -E ALG 0xKEY");
        }
        byte[] key = hex(keyTok);
        if (PfKey.isCompactProfile(profile)) {
            if (ivTok != null) {
                throw new SetkeyParseException(ivTok.line(), ivTok.column(), "the compact profile takes no IV");
            }
            if (key.length != PfKey.COMPACT_SECRET_BYTES) {
                throw new SetkeyParseException(keyTok.line(), keyTok.column(), "the compact profile needs a "
                        + PfKey.COMPACT_SECRET_BYTES + "-byte traffic secret, got " + key.length + " bytes");
            }
            SaSpec sa = SaSpec.compact(spi, src, dst, suite, SecretBytes.copyOf(key),
                    profile == PfKey.RECSEC_PROFILE_COMPACT ? 2 : 1).withReplayWindow(window)
                    .withLifetimes(lifetime(PfKey.SADB_EXT_LIFETIME_SOFT, bs, ls),
                            lifetime(PfKey.SADB_EXT_LIFETIME_HARD, bh, lh));
            java.util.Arrays.fill(key, (byte) 0);
            return new SetkeyCommand.Add(line, sa);
        }
        byte[] iv;
        if (ivTok != null) {
            iv = hex(ivTok);
            if (key.length != suite.keySizeBytes()) {
                throw new SetkeyParseException(keyTok.line(), keyTok.column(), suite + " needs a key of "
                        + suite.keySizeBytes() + " bytes, got " + key.length);
            }
            if (iv.length != suite.ivSizeBytes()) {
                throw new SetkeyParseException(ivTok.line(), ivTok.column(), suite + " needs an IV of "
                        + suite.ivSizeBytes() + " bytes, got " + iv.length);
            }
        } else {
            if (key.length != suite.keySizeBytes() + suite.ivSizeBytes()) {
                throw new SetkeyParseException(keyTok.line(), keyTok.column(), suite + " needs " + suite
                        .keySizeBytes() + " key bytes followed by " + suite.ivSizeBytes() + " IV bytes (or -I), got "
                        + key.length + " bytes");
            }
            iv = java.util.Arrays.copyOfRange(key, suite.keySizeBytes(), key.length);
            key = java.util.Arrays.copyOf(key, suite.keySizeBytes());
        }
        SaSpec sa = SaSpec.withKeys(spi, src, dst, suite, SecretBytes.copyOf(key), SecretBytes.copyOf(iv))
                .withReplayWindow(window).withLifetimes(lifetime(PfKey.SADB_EXT_LIFETIME_SOFT, bs, ls),
                        lifetime(PfKey.SADB_EXT_LIFETIME_HARD, bh, lh)).withRecordProfile(profile);
        java.util.Arrays.fill(key, (byte) 0);
        return new SetkeyCommand.Add(line, sa);
    }

    private static PfKeyExtension.Lifetime lifetime(int type, long bytes, long seconds) {
        return bytes == 0 && seconds == 0 ? null : new PfKeyExtension.Lifetime(type, 0, bytes, seconds, 0);
    }

    /** A record profile name of {@code -P}: dtls12, dtls12-cid, compact, compact8. */
    static int profile(Token t) throws SetkeyParseException {
        switch (t.text()) {
            case "dtls12": return PfKey.RECSEC_PROFILE_DTLS12;
            case "dtls12-cid": return PfKey.RECSEC_PROFILE_DTLS12_CID;
            case "compact": return PfKey.RECSEC_PROFILE_COMPACT;
            case "compact8": return PfKey.RECSEC_PROFILE_COMPACT_SEQ8;
            default:
                throw new SetkeyParseException(t.line(), t.column(), "unknown record profile '"
                        + printable(t.text()) + "' (dtls12, dtls12-cid, compact, compact8)");
        }
    }

    static CipherSuite algorithm(Token t) throws SetkeyParseException {
        switch (t.text()) {
            case "aes-128-ccm-8": return CipherSuite.AES_128_CCM_8;
            case "aes-128-ccm": return CipherSuite.AES_128_CCM;
            case "aes-128-gcm": return CipherSuite.AES_128_GCM;
            case "chacha20-poly1305": return CipherSuite.CHACHA20_POLY1305;
            default:
                throw new SetkeyParseException(t.line(), t.column(), "unknown algorithm '" + printable(t.text())
                        + "'");
        }
    }

    /** The setkey name of a suite. */
    public static String algorithmName(CipherSuite s) {
        switch (s) {
            case AES_128_CCM_8: return "aes-128-ccm-8";
            case AES_128_CCM: return "aes-128-ccm";
            case AES_128_GCM: return "aes-128-gcm";
            default: return "chacha20-poly1305";
        }
    }

    private static byte[] hex(Token t) throws SetkeyParseException {
        String s = t.text();
        if (!s.startsWith("0x") && !s.startsWith("0X")) {
            throw new SetkeyParseException(t.line(), t.column(), "key material must be 0x followed by hex");
        }
        String h = s.substring(2);
        if (h.isEmpty() || (h.length() & 1) != 0) {
            throw new SetkeyParseException(t.line(), t.column(), "hex of odd or zero length");
        }
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < h.length(); i++) {
            int d = Character.digit(h.charAt(i), 16);
            if (d < 0) {
                throw new SetkeyParseException(t.line(), t.column() + 2 + i, "not a hex digit");
            }
            out[i / 2] |= (byte) (i % 2 == 0 ? d << 4 : d);
        }
        return out;
    }

    private static long spi(Token t) throws SetkeyParseException {
        long v = number(t, 0, 0xffffffffL);
        if (v < SaSpec.MIN_SPI) {
            throw new SetkeyParseException(t.line(), t.column(), "SPIs 0..255 are reserved");
        }
        return v;
    }

    private static long number(Token t, long min, long max) throws SetkeyParseException {
        String s = t.text();
        try {
            long v = s.startsWith("0x") || s.startsWith("0X") ? Long.parseLong(s.substring(2), 16)
                    : Long.parseLong(s);
            if (v < min || v > max || s.startsWith("-") || s.startsWith("+")) {
                throw new SetkeyParseException(t.line(), t.column(), "number out of range " + min + ".." + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new SetkeyParseException(t.line(), t.column(), "not a number: '" + printable(s) + "'");
        }
    }

    /** An SA end: CoAP URI, IP address with optional [port], or secure element name. */
    static String endpoint(Token t) throws SetkeyParseException {
        String s = t.text();
        if (s.startsWith("coap://") || s.startsWith("coaps://")) {
            if (!s.matches("coaps?://[\\x21-\\x7e]+") || s.length() > 255) {
                throw new SetkeyParseException(t.line(), t.column(), "bad CoAP URI");
            }
            return s;
        }
        String host = s;
        int port = Endpoints.COAP_PORT;
        int br = s.indexOf('[');
        if (br > 0 && s.endsWith("]")) {
            host = s.substring(0, br);
            String p = s.substring(br + 1, s.length() - 1);
            if (!p.matches("\\d{1,5}") || Integer.parseInt(p) > 65535) {
                throw new SetkeyParseException(t.line(), t.column() + br + 1, "bad port");
            }
            port = Integer.parseInt(p);
        }
        boolean looksLikeIp = host.matches("\\d{1,3}(\\.\\d{1,3}){3}") || host.contains(":");
        if (looksLikeIp) {
            byte[] ip = org.recsec.km.pfkey.IpLiterals.parse(host).orElse(null);
            if (ip == null) {
                // Not a literal: InetAddress would ask the name service about it.
                throw new SetkeyParseException(t.line(), t.column(), "bad IP address");
            }
            try {
                return Endpoints.coapUri(new InetSocketAddress(InetAddress.getByAddress(ip), port));
            } catch (java.net.UnknownHostException e) {
                throw new SetkeyParseException(t.line(), t.column(), "bad IP address");
            }
        }
        if (br >= 0 || !s.matches("[A-Za-z0-9][A-Za-z0-9._:/-]*") || s.length() > 255) {
            throw new SetkeyParseException(t.line(), t.column(), "not a CoAP URI, IP address or SE name: '"
                    + printable(s) + "'");
        }
        return s;
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 40; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }
}
