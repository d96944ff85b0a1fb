package org.recsec.km.pfkey;

import static org.recsec.km.pfkey.ExtensionWire.*;

import java.util.List;
import org.recsec.record.internal.wire.Bytes;

/** {@code sadb_supported} (RFC 2367 §2.3.8): the algorithms of one kind, sent in the REGISTER reply. */
public record Supported(int type, List<Alg> algs) implements PfKeyExtension {
    public Supported {
        if (type != PfKey.SADB_EXT_SUPPORTED_AUTH && type != PfKey.SADB_EXT_SUPPORTED_ENCRYPT) {
            throw new IllegalArgumentException("not a supported type: " + type);
        }
        algs = List.copyOf(algs);
    }

    @Override public int encodedBytes() { return 8 + 8 * algs.size(); }

    @Override public void encodeTo(byte[] out, int off) {
        header(out, off, encodedBytes(), type);
        Bytes.writeUint32Be(out, off + 4, 0);
        int p = off + 8;
        for (Alg a : algs) {
            out[p] = (byte) a.id();
            out[p + 1] = (byte) a.ivLenBits();
            Bytes.writeUint16Be(out, p + 2, a.minBits());
            Bytes.writeUint16Be(out, p + 4, a.maxBits());
            Bytes.writeUint16Be(out, p + 6, 0);
            p += 8;
        }
    }

    static Supported decode(int type, byte[] b, int off, int len) throws PfKeyException {
        requireZero(b, off + 4, 4, "supported reserved");
        Alg[] algs = new Alg[(len - 8) / 8];
        for (int i = 0, p = off + 8; i < algs.length; i++, p += 8) {
            requireZero(b, p + 6, 2, "alg reserved");
            algs[i] = new Alg(b[p] & 0xff, b[p + 1] & 0xff, Bytes.readUint16Be(b, p + 2),
                    Bytes.readUint16Be(b, p + 4));
        }
        return new Supported(type, List.of(algs));
    }
}
