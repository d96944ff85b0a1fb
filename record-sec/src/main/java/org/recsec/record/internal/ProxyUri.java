package org.recsec.record.internal;

import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.recsec.record.base.RecSecException.Reason;
import org.recsec.record.base.RecSecException;

/**
 * Splits a Proxy-Uri the way RFC 8613 §4.1.3.3 asks: the URI is decomposed into options as in RFC 7252 §6.4, the
 * parts a forward proxy needs (Proxy-Scheme, Uri-Host, Uri-Port; Class U) stay in the outer message, and the parts
 * only the origin server needs (Uri-Path, Uri-Query; Class E) go inside the protected record.
 *
 * <p>One deliberate difference from RFC 7252 §6.4 step 5: Uri-Host is included for IP literals and IPv4 addresses
 * too (brackets kept, as RFC 7252 §6.5 step 5 reads it back), because the outer request goes to the proxy, so the
 * origin's address cannot be taken from the datagram's destination.
 */
public final class ProxyUri {
    private static final int MAX_STRING_OPTION_BYTES = 255; // RFC 7252 §5.10 Table 4 for all four string options
    private static final Map<String, Integer> DEFAULT_PORTS = Map.of(
            "coap", 5683, "coaps", 5684,                   // RFC 7252 §6.1, §6.2
            "coap+tcp", 5683, "coaps+tcp", 5684,           // RFC 8323 §8.1, §8.2
            "coap+ws", 80, "coaps+ws", 443,                // RFC 8323 §8.3, §8.4
            "http", 80, "https", 443);                     // RFC 9110 §4.2

    private ProxyUri() {
    }

    /**
     * The options a Proxy-Uri becomes.
     *
     * @param outer Proxy-Scheme, Uri-Host and (unless empty or the scheme's default) Uri-Port, in number order
     * @param inner one Uri-Path per path segment, then one Uri-Query per query argument, percent-decoded
     */
    public record Split(List<CoapOption> outer, List<CoapOption> inner) {
        public Split {
            outer = List.copyOf(outer);
            inner = List.copyOf(inner);
        }
    }

    /**
     * Splits an absolute URI {@code scheme://host[:port][/path][?query]}.
     *
     * @throws RecSecException {@link Reason#MALFORMED} for a relative URI or one without an authority, a fragment,
     *     userinfo, an empty host, a character outside RFC 3986, a bad percent-escape, a port outside 0..65535, or
     *     a resulting option longer than RFC 7252 Table 4 allows
     */
    public static Split split(String proxyUri) throws RecSecException {
        for (int i = 0; i < proxyUri.length(); i++) {
            char c = proxyUri.charAt(i);
            if (!isUriChar(c)) {
                throw malformed("character not allowed in a URI at index " + i);
            }
        }
        if (proxyUri.indexOf('#') >= 0) {
            throw malformed("fragment"); // RFC 7252 §6.4 step 3
        }
        int colon = proxyUri.indexOf(':');
        if (colon <= 0 || !isScheme(proxyUri.substring(0, colon))) {
            throw malformed("not an absolute URI");
        }
        String scheme = proxyUri.substring(0, colon).toLowerCase(Locale.ROOT); // schemes are case-insensitive
        if (!proxyUri.startsWith("//", colon + 1)) {
            throw malformed("no authority");
        }
        int authorityStart = colon + 3;
        int authorityEnd = indexOfAny(proxyUri, authorityStart, "/?");
        int queryStart = proxyUri.indexOf('?', authorityStart);
        int pathEnd = queryStart < 0 ? proxyUri.length() : queryStart;
        String authority = proxyUri.substring(authorityStart, authorityEnd);
        String path = proxyUri.substring(authorityEnd, pathEnd);
        String query = queryStart < 0 ? "" : proxyUri.substring(queryStart + 1);

        if (authority.indexOf('@') >= 0) {
            throw malformed("userinfo");
        }
        String host;
        String port;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0 || !isIpLiteralBody(authority.substring(1, close))) {
                throw malformed("bad IP literal");
            }
            host = authority.substring(0, close + 1).toLowerCase(Locale.ROOT);
            String rest = authority.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw malformed("junk after IP literal");
            }
            port = rest.isEmpty() ? "" : rest.substring(1);
        } else {
            int portColon = authority.lastIndexOf(':');
            String rawHost = portColon < 0 ? authority : authority.substring(0, portColon);
            port = portColon < 0 ? "" : authority.substring(portColon + 1);
            for (int i = 0; i < rawHost.length(); i++) {
                char c = rawHost.charAt(i);
                if (!(isUnreserved(c) || isSubDelim(c) || c == '%')) {
                    throw malformed("character not allowed in host");
                }
            }
            host = rawHost.toLowerCase(Locale.ROOT); // RFC 7252 §6.4 step 5: lowercase, then percent-decode
        }
        byte[] hostBytes = host.startsWith("[") ? host.getBytes(StandardCharsets.US_ASCII) : percentDecode(host);
        if (hostBytes.length == 0) {
            throw malformed("empty host");
        }

        List<CoapOption> outer = new ArrayList<>();
        outer.add(new CoapOption(OptionNumbers.URI_HOST, checkedLength(hostBytes, false)));
        int portNumber = parsePort(port);
        Integer defaultPort = DEFAULT_PORTS.get(scheme);
        if (portNumber >= 0 && (defaultPort == null || portNumber != defaultPort)) {
            outer.add(CoapOption.ofUint(OptionNumbers.URI_PORT, portNumber));
        }
        outer.add(new CoapOption(OptionNumbers.PROXY_SCHEME,
                checkedLength(scheme.getBytes(StandardCharsets.US_ASCII), false)));

        List<CoapOption> inner = new ArrayList<>();
        if (!path.isEmpty() && !path.equals("/")) { // RFC 7252 §6.4 step 8
            for (String segment : path.substring(1).split("/", -1)) {
                checkChars(segment, "");
                inner.add(new CoapOption(OptionNumbers.URI_PATH, checkedLength(percentDecode(segment), true)));
            }
        }
        if (!query.isEmpty()) { // RFC 7252 §6.4 step 9
            for (String argument : query.split("&", -1)) {
                checkChars(argument, "/?");
                inner.add(new CoapOption(OptionNumbers.URI_QUERY, checkedLength(percentDecode(argument), true)));
            }
        }
        return new Split(outer, inner);
    }

    /** -1 for an empty port (RFC 3986 allows "host:"; RFC 7252 §6.4 step 6 then omits Uri-Port). */
    private static int parsePort(String port) throws RecSecException {
        if (port.isEmpty()) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < port.length(); i++) {
            char c = port.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed("port is not a number");
            }
            value = value * 10 + (c - '0');
            if (value > 0xffff) { // checked every digit, so no overflow however long the string
                throw malformed("port out of range");
            }
        }
        return value;
    }

    /** RFC 3986 §2.1: "%" HEXDIG HEXDIG becomes the octet; everything else is taken as its ASCII byte. */
    private static byte[] percentDecode(String s) throws RecSecException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw malformed("truncated percent-escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed("bad percent-escape");
                }
                out.write((hi << 4) | lo);
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private static byte[] checkedLength(byte[] value, boolean mayBeEmpty) throws RecSecException {
        if (value.length > MAX_STRING_OPTION_BYTES || (!mayBeEmpty && value.length == 0)) {
            throw malformed("option value of " + value.length + " bytes");
        }
        return value;
    }

    /** pchar of RFC 3986 §3.3, plus {@code extra} ("/?" for a query argument, §3.4). */
    private static void checkChars(String s, String extra) throws RecSecException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isUnreserved(c) || isSubDelim(c) || c == ':' || c == '@' || c == '%' || extra.indexOf(c) >= 0)) {
                throw malformed("character not allowed in path or query");
            }
        }
    }

    /** IPv6address or IPvFuture inside the brackets (RFC 3986 §3.2.2), checked for its alphabet. */
    private static boolean isIpLiteralBody(String s) {
        if (s.length() > 1 && (s.charAt(0) == 'v' || s.charAt(0) == 'V')) {
            int dot = s.indexOf('.');
            if (dot < 2 || dot == s.length() - 1) {
                return false;
            }
            for (int i = 1; i < dot; i++) {
                if (Character.digit(s.charAt(i), 16) < 0) {
                    return false;
                }
            }
            for (int i = dot + 1; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(isUnreserved(c) || isSubDelim(c) || c == ':')) {
                    return false;
                }
            }
            return true;
        }
        if (s.indexOf(':') < 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.digit(c, 16) >= 0 && c < 0x80 || c == ':' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isScheme(String s) {
        if (!isAlpha(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUriChar(char c) {
        return isUnreserved(c) || isSubDelim(c) || ":/?#[]@%".indexOf(c) >= 0;
    }

    private static boolean isUnreserved(char c) {
        return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isSubDelim(char c) {
        return "!$&'()*+,;=".indexOf(c) >= 0;
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int indexOfAny(String s, int from, String chars) {
        for (int i = from; i < s.length(); i++) {
            if (chars.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return s.length();
    }

    private static RecSecException malformed(String why) {
        return new RecSecException(Reason.MALFORMED, "Proxy-Uri: " + why);
    }
}
