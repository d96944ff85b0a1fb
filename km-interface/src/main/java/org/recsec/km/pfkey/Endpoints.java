package org.recsec.km.pfkey;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Maps between the identity of an SA end (a string such as {@code coap://127.0.0.1:5683} or a secure element name)
 * and the ADDRESS / IDENTITY extensions that carry it.
 *
 * <p>Writing: a {@code coap://} or {@code coaps://} URI becomes IDENTITY with type
 * {@link PfKey#SADB_X_IDENTTYPE_RECSEC_COAP_URI}, plus an ADDRESS when its host is an IP literal; anything else is a
 * secure element name ({@link PfKey#SADB_X_IDENTTYPE_RECSEC_SE_NAME}, IDENTITY only). Reading: the IDENTITY string
 * when present, else {@code coap://ADDR:PORT} built from the ADDRESS (IPv6 in RFC 5952 form inside brackets).
 */
public final class Endpoints {
    /** The CoAP default port (RFC 7252 §6.1). */
    public static final int COAP_PORT = 5683;
    /** The CoAPS default port (RFC 7252 §6.2). */
    public static final int COAPS_PORT = 5684;

    private Endpoints() {
    }

    /** The extensions naming {@code identity} as the source ({@code src}) or destination end. */
    public static List<PfKeyExtension> extensionsFor(String identity, boolean src) {
        List<PfKeyExtension> out = new ArrayList<>(2);
        boolean uri = identity.startsWith("coap://") || identity.startsWith("coaps://");
        out.add(new PfKeyExtension.Identity(src ? PfKey.SADB_EXT_IDENTITY_SRC : PfKey.SADB_EXT_IDENTITY_DST,
                uri ? PfKey.SADB_X_IDENTTYPE_RECSEC_COAP_URI : PfKey.SADB_X_IDENTTYPE_RECSEC_SE_NAME, 0, identity));
        if (uri) {
            literalAddress(identity).ifPresent(a -> out.add(
                    PfKeyExtension.Address.of(src ? PfKey.SADB_EXT_ADDRESS_SRC : PfKey.SADB_EXT_ADDRESS_DST, a)));
        }
        return out;
    }

    /**
     * The identity of the source ({@code src}) or destination end named by {@code m}.
     *
     * @throws PfKeyException {@code EINVAL} when the message names that end by neither IDENTITY nor ADDRESS
     */
    public static String identityOf(PfKeyMessage m, boolean src) throws PfKeyException {
        Optional<PfKeyExtension.Identity> id = m.ext(src ? PfKey.SADB_EXT_IDENTITY_SRC : PfKey.SADB_EXT_IDENTITY_DST,
                PfKeyExtension.Identity.class);
        if (id.isPresent()) {
            return id.get().value();
        }
        return m.ext(src ? PfKey.SADB_EXT_ADDRESS_SRC : PfKey.SADB_EXT_ADDRESS_DST, PfKeyExtension.Address.class)
                .map(a -> coapUri(a.address()))
                .orElseThrow(() -> new PfKeyException(PfKey.EINVAL,
                        "no " + (src ? "source" : "destination") + " address or identity"));
    }

    /** {@code coap://ADDR:PORT} for a socket address, IPv6 compressed per RFC 5952 and bracketed. */
    public static String coapUri(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String host = ip instanceof Inet6Address ? "[" + compressV6(ip.getAddress()) + "]" : ip.getHostAddress();
        return "coap://" + host + ":" + a.getPort();
    }

    /**
     * The socket address of a CoAP URI whose host is an IP literal; empty when the URI has no authority, a bad port,
     * or a host that is not a literal. Never resolves names.
     */
    public static Optional<InetSocketAddress> literalAddress(String uri) {
        int schemeEnd = uri.indexOf("://");
        if (schemeEnd < 0) {
            return Optional.empty();
        }
        int defaultPort = uri.startsWith("coaps") ? COAPS_PORT : COAP_PORT;
        String rest = uri.substring(schemeEnd + 3);
        int slash = rest.indexOf('/');
        String authority = slash >= 0 ? rest.substring(0, slash) : rest;
        String host;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = authority.substring(1, close);
            if (close + 1 < authority.length()) {
                if (authority.charAt(close + 1) != ':') {
                    return Optional.empty();
                }
                port = authority.substring(close + 2);
            }
            if (!host.matches("[0-9A-Fa-f:.]+") || !host.contains(":")) {
                return Optional.empty();
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon >= 0 ? authority.substring(0, colon) : authority;
            port = colon >= 0 ? authority.substring(colon + 1) : null;
            if (!host.matches("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
                return Optional.empty();
            }
            for (String octet : host.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.empty(); // not a literal: InetAddress would ask the name service
                }
            }
        }
        int p = defaultPort;
        if (port != null) {
            if (!port.matches("\\d{1,5}")) {
                return Optional.empty();
            }
            p = Integer.parseInt(port);
            if (p > 65535) {
                return Optional.empty();
            }
        }
        Optional<byte[]> parsed = IpLiterals.parse(host);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        byte[] literal = parsed.get();
        try {
            // From the bytes: no name service is ever asked.
            InetAddress ip = InetAddress.getByAddress(literal);
            if (ip instanceof Inet4Address && host.contains(":")) {
                ip = Inet6Address.getByAddress(null, mapped(ip.getAddress()), -1);
            }
            return Optional.of(new InetSocketAddress(ip, p));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    private static byte[] mapped(byte[] v4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(v4, 0, v6, 12, 4);
        return v6;
    }

    /** RFC 5952 §4: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as "::", first one on ties. */
    static String compressV6(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }
}
