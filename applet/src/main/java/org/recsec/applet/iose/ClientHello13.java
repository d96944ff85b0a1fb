package org.recsec.applet.iose;

import javacard.framework.Util;

/**
 * Parses and checks the client's ClientHello for {@link Tls13Server} (RFC 8446 §4.1.2, §4.2): the suite, the
 * extensions (server_name against the SEN, supported_versions, supported_groups, key_share, psk_key_exchange_modes,
 * ALPN, pre_shared_key last), each at most once; a failure is a fatal alert through {@link Tls13Server#need}.
 */
final class ClientHello13 {

    private final IoseRam r;
    private final IoseStore store;
    private final ServerFlight13 flight;

    ClientHello13(IoseRam r, IoseStore store, ServerFlight13 flight) {
        this.r = r;
        this.store = store;
        this.flight = flight;
    }

    /**
     * Checks the ClientHello record at io[0] (body length len) and hands what the server flight needs to
     * {@link ServerFlight13#answer}.
     */
    void clientHello(short len) {
        byte[] io = r.io;
        short q = IoseConsts.RECORD_HEADER;
        short end = (short) (q + len);
        Tls13Server.need(len >= 4 && io[q] == IoseConsts.HS_CLIENT_HELLO, IoseConsts.ALERT_UNEXPECTED_MESSAGE);
        Tls13Server.need(io[(short) (q + 1)] == 0 && Util.getShort(io, (short) (q + 2)) == (short) (len - 4),
                IoseConsts.ALERT_DECODE_ERROR);
        short b = (short) (q + 4);
        Tls13Server.need((short) (end - b) >= 2 + 32 + 1 + 2 + 2 + 2, IoseConsts.ALERT_DECODE_ERROR);
        b = (short) (b + 2 + 32);
        short sidLen = (short) (io[b] & 0xFF);
        short sidOff = (short) (b + 1);
        Tls13Server.need(sidLen <= 32, IoseConsts.ALERT_ILLEGAL_PARAMETER);
        b = (short) (sidOff + sidLen);
        Tls13Server.need((short) (end - b) >= 2, IoseConsts.ALERT_DECODE_ERROR);
        short csLen = Util.getShort(io, b);
        Tls13Server.need(csLen >= 2 && (csLen & 1) == 0 && csLen <= (short) (end - b - 2),
                IoseConsts.ALERT_DECODE_ERROR);
        // TLS_AES_128_CCM_SHA256 when offered, else TLS_AES_128_CCM_8_SHA256
        short chosen = 0;
        for (short i = (short) (b + 2); i < (short) (b + 2 + csLen); i = (short) (i + 2)) {
            short cs = Util.getShort(io, i);
            if (cs == IoseConsts.SUITE_AES_128_CCM_SHA256
                    || (cs == IoseConsts.SUITE_AES_128_CCM_8_SHA256 && chosen == 0)) {
                chosen = cs;
            }
        }
        boolean suite = chosen != 0;
        b = (short) (b + 2 + csLen);
        Tls13Server.need((short) (end - b) >= 2, IoseConsts.ALERT_DECODE_ERROR);
        Tls13Server.need(io[b] == 1 && io[(short) (b + 1)] == 0, IoseConsts.ALERT_ILLEGAL_PARAMETER);
        b = (short) (b + 2);
        Tls13Server.need((short) (end - b) >= 2 && Util.getShort(io, b) == (short) (end - b - 2),
                IoseConsts.ALERT_DECODE_ERROR);
        b = (short) (b + 2);

        short seen = 0;
        boolean sni = false;
        boolean sniMatch = false;
        boolean v13 = false;
        boolean groupOk = false;
        boolean keyShare = false;
        short peerOff = -1;
        boolean modesExt = false;
        boolean dheMode = false;
        boolean pskExt = false;
        short pskIndex = -1;
        short binderOff = -1;
        short truncEnd = -1;
        boolean alpnExt = false;
        boolean alpnShell = false;
        while (b < end) {
            // RFC 8446 §4.2.11: pre_shared_key is the last
            Tls13Server.need(!pskExt, IoseConsts.ALERT_ILLEGAL_PARAMETER);
            Tls13Server.need((short) (end - b) >= 4, IoseConsts.ALERT_DECODE_ERROR);
            short type = Util.getShort(io, b);
            short el = Util.getShort(io, (short) (b + 2));
            short e = (short) (b + 4);
            Tls13Server.need(el >= 0 && el <= (short) (end - e), IoseConsts.ALERT_DECODE_ERROR);
            short bit = extBit(type);
            // §4.2: no duplicate extension
            Tls13Server.need((short) (seen & bit) == 0, IoseConsts.ALERT_ILLEGAL_PARAMETER);
            seen |= bit;
            short ee = (short) (e + el);
            switch (type) {
                case IoseConsts.EXT_SERVER_NAME: {
                    sni = true;
                    sniMatch = serverName(e, el);
                    break;
                }
                case IoseConsts.EXT_SUPPORTED_VERSIONS: {
                    short l = (short) (io[e] & 0xFF);
                    Tls13Server.need(el >= 1 && l == (short) (el - 1) && l >= 2 && (l & 1) == 0,
                            IoseConsts.ALERT_DECODE_ERROR);
                    for (short i = (short) (e + 1); i < ee; i = (short) (i + 2)) {
                        if (Util.getShort(io, i) == (short) 0x0304) {
                            v13 = true;
                        }
                    }
                    break;
                }
                case IoseConsts.EXT_SUPPORTED_GROUPS: {
                    Tls13Server.need(el >= 4 && Util.getShort(io, e) == (short) (el - 2) && (el & 1) == 0,
                            IoseConsts.ALERT_DECODE_ERROR);
                    for (short i = (short) (e + 2); i < ee; i = (short) (i + 2)) {
                        if (Util.getShort(io, i) == IoseConsts.GROUP_FFDHE2048) {
                            groupOk = true;
                        }
                    }
                    break;
                }
                case IoseConsts.EXT_KEY_SHARE: {
                    keyShare = true;
                    Tls13Server.need(el >= 2 && Util.getShort(io, e) == (short) (el - 2),
                            IoseConsts.ALERT_DECODE_ERROR);
                    short i = (short) (e + 2);
                    while (i < ee) {
                        Tls13Server.need((short) (ee - i) >= 4, IoseConsts.ALERT_DECODE_ERROR);
                        short g = Util.getShort(io, i);
                        short kl = Util.getShort(io, (short) (i + 2));
                        Tls13Server.need(kl >= 1 && kl <= (short) (ee - i - 4), IoseConsts.ALERT_DECODE_ERROR);
                        if (g == IoseConsts.GROUP_FFDHE2048) {
                            Tls13Server.need(peerOff < 0 && kl == IoseConsts.DH_BYTES,
                                    IoseConsts.ALERT_ILLEGAL_PARAMETER);
                            peerOff = (short) (i + 4);
                        }
                        i = (short) (i + 4 + kl);
                    }
                    break;
                }
                case IoseConsts.EXT_PSK_MODES: {
                    modesExt = true;
                    short l = (short) (io[e] & 0xFF);
                    Tls13Server.need(el >= 2 && l == (short) (el - 1), IoseConsts.ALERT_DECODE_ERROR);
                    for (short i = (short) (e + 1); i < ee; i++) {
                        if (io[i] == IoseConsts.PSK_DHE_KE) {
                            dheMode = true;
                        }
                    }
                    break;
                }
                case IoseConsts.EXT_ALPN: {
                    alpnExt = true;
                    alpnShell = alpn(e, el);
                    break;
                }
                case IoseConsts.EXT_PRE_SHARED_KEY: {
                    pskExt = true;
                    Tls13Server.need(el >= 2, IoseConsts.ALERT_DECODE_ERROR);
                    short idsLen = Util.getShort(io, e);
                    Tls13Server.need(idsLen >= 7 && idsLen <= (short) (el - 2 - 2), IoseConsts.ALERT_DECODE_ERROR);
                    short i = (short) (e + 2);
                    short idsEnd = (short) (i + idsLen);
                    short count = 0;
                    while (i < idsEnd) {
                        Tls13Server.need((short) (idsEnd - i) >= 2, IoseConsts.ALERT_DECODE_ERROR);
                        short il = Util.getShort(io, i);
                        Tls13Server.need(il >= 1 && il <= (short) (idsEnd - i - 2 - 4), IoseConsts.ALERT_DECODE_ERROR);
                        if (pskIndex < 0 && il == store.identityLength
                                && Util.arrayCompare(io, (short) (i + 2), store.identity, (short) 0, il) == 0) {
                            pskIndex = count;
                        }
                        i = (short) (i + 2 + il + 4);
                        count++;
                    }
                    truncEnd = idsEnd;
                    short bl = Util.getShort(io, idsEnd);
                    Tls13Server.need(bl >= 33 && bl == (short) (ee - idsEnd - 2), IoseConsts.ALERT_DECODE_ERROR);
                    i = (short) (idsEnd + 2);
                    short n = 0;
                    while (i < ee) {
                        short l = (short) (io[i] & 0xFF);
                        Tls13Server.need(l >= 32 && l <= (short) (ee - i - 1), IoseConsts.ALERT_DECODE_ERROR);
                        if (n == pskIndex) {
                            Tls13Server.need(l == IoseConsts.HASH, IoseConsts.ALERT_ILLEGAL_PARAMETER);
                            binderOff = (short) (i + 1);
                        }
                        i = (short) (i + 1 + l);
                        n++;
                    }
                    Tls13Server.need(n == count, IoseConsts.ALERT_ILLEGAL_PARAMETER);
                    break;
                }
                default:
                    break;
            }
            b = ee;
        }
        Tls13Server.need(v13, IoseConsts.ALERT_PROTOCOL_VERSION);
        Tls13Server.need(sni, IoseConsts.ALERT_MISSING_EXTENSION);
        Tls13Server.need(sniMatch, IoseConsts.ALERT_UNRECOGNIZED_NAME);
        Tls13Server.need(pskExt, IoseConsts.ALERT_HANDSHAKE_FAILURE);
        Tls13Server.need(modesExt && keyShare, IoseConsts.ALERT_MISSING_EXTENSION);
        Tls13Server.need(suite && dheMode && groupOk && peerOff >= 0, IoseConsts.ALERT_HANDSHAKE_FAILURE);
        Tls13Server.need(!alpnExt || alpnShell, IoseConsts.ALERT_NO_APPLICATION_PROTOCOL);
        Tls13Server.need(store.personalised && pskIndex >= 0, IoseConsts.ALERT_UNKNOWN_PSK_IDENTITY);
        Tls13Server.need(Ffdhe.validPeer(io, peerOff), IoseConsts.ALERT_ILLEGAL_PARAMETER);
        r.vars[IoseConsts.V_ALPN] = alpnExt ? (byte) 1 : (byte) 0;
        r.setShort(IoseConsts.V_TAG,
                chosen == IoseConsts.SUITE_AES_128_CCM_SHA256 ? IoseConsts.TAG : IoseConsts.TAG_8);
        flight.answer(len, sidLen, sidOff, chosen, pskIndex, peerOff, alpnExt, binderOff, truncEnd);
    }

    private short extBit(short type) {
        switch (type) {
            case IoseConsts.EXT_SERVER_NAME:
                return 1;
            case IoseConsts.EXT_SUPPORTED_GROUPS:
                return 2;
            case IoseConsts.EXT_ALPN:
                return 4;
            case IoseConsts.EXT_PRE_SHARED_KEY:
                return 8;
            case IoseConsts.EXT_SUPPORTED_VERSIONS:
                return 16;
            case IoseConsts.EXT_PSK_MODES:
                return 32;
            case IoseConsts.EXT_KEY_SHARE:
                return 64;
            default:
                return 0;
        }
    }

    /** server_name (RFC 6066 §3): one host_name, compared with the SEN ignoring ASCII case. */
    private boolean serverName(short e, short el) {
        byte[] io = r.io;
        Tls13Server.need(el >= 2 && Util.getShort(io, e) == (short) (el - 2) && el >= 5, IoseConsts.ALERT_DECODE_ERROR);
        short i = (short) (e + 2);
        short ee = (short) (e + el);
        boolean host = false;
        boolean match = false;
        while (i < ee) {
            Tls13Server.need((short) (ee - i) >= 3, IoseConsts.ALERT_DECODE_ERROR);
            byte nt = io[i];
            short nl = Util.getShort(io, (short) (i + 1));
            Tls13Server.need(nl >= 1 && nl <= (short) (ee - i - 3), IoseConsts.ALERT_DECODE_ERROR);
            if (nt == 0) {
                Tls13Server.need(!host, IoseConsts.ALERT_ILLEGAL_PARAMETER);
                host = true;
                match = nl == store.senLength && sameName(io, (short) (i + 3), nl);
            }
            i = (short) (i + 3 + nl);
        }
        Tls13Server.need(host, IoseConsts.ALERT_DECODE_ERROR);
        return match;
    }

    private boolean sameName(byte[] b, short off, short n) {
        for (short k = 0; k < n; k++) {
            if (lower(b[(short) (off + k)]) != lower(store.sen[k])) {
                return false;
            }
        }
        return true;
    }

    private static byte lower(byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    /** ALPN (RFC 7301 §3.1): true when "shell" is offered. */
    private boolean alpn(short e, short el) {
        byte[] io = r.io;
        Tls13Server.need(el >= 2 && Util.getShort(io, e) == (short) (el - 2) && el >= 4, IoseConsts.ALERT_DECODE_ERROR);
        short i = (short) (e + 2);
        short ee = (short) (e + el);
        boolean found = false;
        while (i < ee) {
            short l = (short) (io[i] & 0xFF);
            Tls13Server.need(l >= 1 && l <= (short) (ee - i - 1), IoseConsts.ALERT_DECODE_ERROR);
            if (l == Shell.ALPN.length && Util.arrayCompare(io, (short) (i + 1), Shell.ALPN, (short) 0, l) == 0) {
                found = true;
            }
            i = (short) (i + 1 + l);
        }
        return found;
    }
}
