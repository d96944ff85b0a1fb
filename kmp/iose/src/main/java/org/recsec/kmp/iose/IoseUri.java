package org.recsec.kmp.iose;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A secure element URI (draft-urien-coinrg-iose §4, RFC 3986 §3): {@code schemeS://sen@server:port/?query} or,
 * refused unless the caller allows it, {@code schemeS://sen:psk@server:port/?query}.
 *
 * <ul>
 * <li>scheme: RFC 3986 §3.1 syntax, compared without case, ending in "S" (secured by TLS); the scheme without that
 * "S", lower-cased, names the application and goes in ALPN ("shellS" → "shell");</li>
 * <li>userinfo (§3.2.1): the SEN, a DNS name as the SNI needs it (RFC 6066 §3), and optionally ":" and the PSK in
 * hex; both may be percent-encoded;</li>
 * <li>host (§3.2.2): a reg-name, an IPv4 address or an IP literal in brackets; port (§3.2.3): 1..65535, 443 when
 * absent;</li>
 * <li>path: empty or "/"; query (§3.4): percent-decoded to bytes ("%0D%0A" ends a shell line); no fragment.</li>
 * </ul>
 *
 * @param application the scheme without its final "S", lower case
 * @param sen the secure element name, lower case
 * @param host the client-facing server (brackets removed from an IP literal)
 * @param port the port
 * @param query the percent-decoded query, possibly empty
 * @param psk the PSK from the URI, or null
 */
public record IoseUri(String application, String sen, String host, int port, byte[] query, byte[] psk) {

    /** A URI that does not parse, or carries a PSK that was not allowed. */
    public static final class UriException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        UriException(String message) {
            super(message);
        }
    }

    /** Never shows the PSK. */
    @Override
    public String toString() {
        return application + "S://" + sen + (psk != null ? ":<psk>" : "") + "@" + host + ":" + port + "/?"
                + query.length + " bytes";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IoseUri u && u.application.equals(application) && u.sen.equals(sen)
                && u.host.equals(host) && u.port == port && Arrays.equals(u.query, query)
                && Arrays.equals(u.psk, psk);
    }

    @Override
    public int hashCode() {
        return (application + sen + host).hashCode() * 31 + port;
    }

    /**
     * Parses a URI.
     *
     * @param uri the text (at most 8192 characters)
     * @param allowPskInUri true only with the user's {@code --insecure-psk-in-uri}
     * @throws UriException when it does not parse, or has a PSK and allowPskInUri is false
     */
    public static IoseUri parse(String uri, boolean allowPskInUri) {
        if (uri.length() > 8192) {
            throw new UriException("URI longer than 8192 characters");
        }
        int colon = uri.indexOf(':');
        if (colon < 2) {
            throw new UriException("no scheme");
        }
        String scheme = uri.substring(0, colon);
        if (!isAlpha(scheme.charAt(0))) {
            throw new UriException("scheme must start with a letter");
        }
        for (int i = 1; i < scheme.length(); i++) {
            char c = scheme.charAt(i);
            if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.') {
                throw new UriException("character not allowed in the scheme");
            }
        }
        if (Character.toUpperCase(scheme.charAt(scheme.length() - 1)) != 'S') {
            throw new UriException("scheme does not end in S (TLS)");
        }
        String application = scheme.substring(0, scheme.length() - 1).toLowerCase(Locale.ROOT);
        if (!uri.startsWith("//", colon + 1)) {
            throw new UriException("no authority (//)");
        }
        int a = colon + 3;
        int authEnd = a;
        while (authEnd < uri.length() && "/?#".indexOf(uri.charAt(authEnd)) < 0) {
            authEnd++;
        }
        String authority = uri.substring(a, authEnd);
        String rest = uri.substring(authEnd);
        if (rest.indexOf('#') >= 0) {
            throw new UriException("fragment not allowed");
        }
        int q = rest.indexOf('?');
        String path = q < 0 ? rest : rest.substring(0, q);
        if (!path.isEmpty() && !path.equals("/")) {
            throw new UriException("path must be empty or /");
        }
        byte[] query = q < 0 ? new byte[0] : decode(rest.substring(q + 1), "query", "/?:@");
        int at = authority.lastIndexOf('@');
        if (at < 0) {
            throw new UriException("no secure element name (sen@)");
        }
        String userinfo = authority.substring(0, at);
        String hostPort = authority.substring(at + 1);
        int uc = userinfo.indexOf(':');
        String senText = uc < 0 ? userinfo : userinfo.substring(0, uc);
        byte[] psk = null;
        if (uc >= 0) {
            if (!allowPskInUri) {
                throw new UriException("a PSK in the URI is refused (draft-urien-coinrg-iose §4: not recommended);"
                        + " pass --insecure-psk-in-uri to accept it");
            }
            byte[] hex = decode(userinfo.substring(uc + 1), "psk", "");
            try {
                psk = HexFormat.of().parseHex(new String(hex, StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new UriException("PSK in the URI is not hex");
            }
            if (psk.length < 16 || psk.length > 64) {
                throw new UriException("PSK must be 16..64 bytes");
            }
        }
        String sen;
        try {
            sen = ClientHelloSni.hostName(decode(senText, "sen", ""));
        } catch (TlsAlertException e) {
            throw new UriException("secure element name is not a DNS name: " + e.getMessage());
        }
        String host;
        int port = 443;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new UriException("unclosed IP literal");
            }
            host = hostPort.substring(1, close);
            if (host.isEmpty() || !host.chars().allMatch(c -> isHex((char) c) || c == ':' || c == '.')) {
                throw new UriException("bad IP literal");
            }
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new UriException("junk after the IP literal");
                }
                portText = after.substring(1);
            }
        } else {
            int pc = hostPort.lastIndexOf(':');
            host = pc < 0 ? hostPort : hostPort.substring(0, pc);
            portText = pc < 0 ? null : hostPort.substring(pc + 1);
            if (host.isEmpty()) {
                throw new UriException("no host");
            }
            host = new String(decode(host, "host", ""), StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
            for (char c : host.toCharArray()) {
                if (!isAlpha(c) && !isDigit(c) && c != '-' && c != '.') {
                    throw new UriException("character not allowed in the host");
                }
            }
        }
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(c -> isDigit((char) c))) {
                throw new UriException("bad port");
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw new UriException("port out of range");
            }
        }
        return new IoseUri(application, sen, host, port, query, psk);
    }

    /** Percent-decoding (RFC 3986 §2.1): unreserved, sub-delims and the extra characters pass, %XX decodes. */
    private static byte[] decode(String s, String what, String extra) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    throw new UriException("bad percent-encoding in the " + what);
                }
                b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (isAlpha(c) || isDigit(c) || "-._~".indexOf(c) >= 0 || "!$&'()*+,;=".indexOf(c) >= 0
                    || extra.indexOf(c) >= 0) {
                b.write(c);
            } else {
                throw new UriException("character not allowed in the " + what);
            }
        }
        return b.toByteArray();
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
