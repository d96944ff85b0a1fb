package org.recsec.km.pfkey;

import static org.recsec.km.pfkey.ExtensionWire.header;
import static org.recsec.km.pfkey.ExtensionWire.requireLength;
import static org.recsec.km.pfkey.ExtensionWire.requireZero;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.recsec.record.internal.wire.Bytes;

/**
 * The wire layout of {@link PfKeyExtension.Address} (RFC 2367 §2.3.3): the {@code sadb_address} header, then a
 * sockaddr in Linux layout with every field big-endian. AF_INET is {@code u16 family=2, u16 port, 4-byte address,
 * 8 zero bytes} (16 bytes); AF_INET6 is {@code u16 family=10, u16 port, u32 flowinfo=0, 16-byte address,
 * u32 scope_id=0} (28 bytes, padded to 32). Decoding is strict: reserved fields and padding must be zero.
 */
final class Sockaddr {
    private Sockaddr() {
    }

    /** Writes {@code a}, header included, at {@code out[off]}; the caller reserved {@code a.encodedBytes()}. */
    static void encode(PfKeyExtension.Address a, byte[] out, int off) {
        boolean v4 = a.address().getAddress() instanceof Inet4Address;
        int n = a.encodedBytes();
        java.util.Arrays.fill(out, off, off + n, (byte) 0);
        header(out, off, n, a.type());
        out[off + 4] = (byte) a.proto();
        out[off + 5] = (byte) a.prefixLen();
        Bytes.writeUint16Be(out, off + 8, v4 ? PfKey.AF_INET : PfKey.AF_INET6);
        Bytes.writeUint16Be(out, off + 10, a.address().getPort());
        byte[] ip = a.address().getAddress().getAddress();
        System.arraycopy(ip, 0, out, off + (v4 ? 12 : 16), ip.length);
    }

    /** Decodes the address extension {@code b[off, off+len)} of type {@code type}. */
    static PfKeyExtension.Address decode(int type, byte[] b, int off, int len) throws PfKeyException {
        if (len < 24) {
            throw new PfKeyException(PfKey.EINVAL, "address extension too short");
        }
        requireZero(b, off + 6, 2, "address reserved");
        int family = Bytes.readUint16Be(b, off + 8);
        int port = Bytes.readUint16Be(b, off + 10);
        byte[] ip;
        if (family == PfKey.AF_INET) {
            requireLength(len, 24, "AF_INET address");
            ip = java.util.Arrays.copyOfRange(b, off + 12, off + 16);
            requireZero(b, off + 16, 8, "sin_zero");
        } else if (family == PfKey.AF_INET6) {
            requireLength(len, 40, "AF_INET6 address");
            requireZero(b, off + 12, 4, "sin6_flowinfo");
            ip = java.util.Arrays.copyOfRange(b, off + 16, off + 32);
            requireZero(b, off + 32, 8, "sin6_scope_id and padding");
        } else {
            throw new PfKeyException(PfKey.EINVAL, "address family " + family);
        }
        int prefix = b[off + 5] & 0xff;
        if (prefix > ip.length * 8) {
            throw new PfKeyException(PfKey.EINVAL, "prefix length " + prefix);
        }
        try {
            InetAddress a = InetAddress.getByAddress(ip);
            if (family == PfKey.AF_INET6 && !(a instanceof Inet6Address)) {
                // Java folds ::ffff:a.b.c.d to IPv4; keep the family the sender chose.
                a = Inet6Address.getByAddress(null, ip, -1);
            }
            return new PfKeyExtension.Address(type, b[off + 4] & 0xff, prefix, new InetSocketAddress(a, port));
        } catch (UnknownHostException e) {
            throw new PfKeyException(PfKey.EINVAL, "bad address bytes");
        }
    }
}
