package org.recsec.km.pfkey;

import static org.recsec.km.pfkey.ExtensionWire.*;

import java.util.List;
import org.recsec.record.internal.wire.Bytes;

/** {@code sadb_prop} (RFC 2367 §2.3.7): replay window and the acceptable combinations, in order of preference. */
public record Proposal(int replay, List<Comb> combs) implements PfKeyExtension {
    public Proposal {
        checkU8(replay, "replay");
        combs = List.copyOf(combs);
    }

    @Override public int type() { return PfKey.SADB_EXT_PROPOSAL; }

    @Override public int encodedBytes() { return 8 + Comb.BYTES * combs.size(); }

    @Override public void encodeTo(byte[] out, int off) {
        header(out, off, encodedBytes(), type());
        out[off + 4] = (byte) replay;
        out[off + 5] = 0;
        out[off + 6] = 0;
        out[off + 7] = 0;
        int p = off + 8;
        for (Comb c : combs) {
            out[p] = (byte) c.auth();
            out[p + 1] = (byte) c.encrypt();
            Bytes.writeUint16Be(out, p + 2, c.flags());
            Bytes.writeUint16Be(out, p + 4, c.authMinBits());
            Bytes.writeUint16Be(out, p + 6, c.authMaxBits());
            Bytes.writeUint16Be(out, p + 8, c.encryptMinBits());
            Bytes.writeUint16Be(out, p + 10, c.encryptMaxBits());
            Bytes.writeUint32Be(out, p + 12, 0);
            Bytes.writeUint32Be(out, p + 16, c.softAllocations());
            Bytes.writeUint32Be(out, p + 20, c.hardAllocations());
            Bytes.writeUint64Be(out, p + 24, c.softBytes());
            Bytes.writeUint64Be(out, p + 32, c.hardBytes());
            Bytes.writeUint64Be(out, p + 40, c.softAddTime());
            Bytes.writeUint64Be(out, p + 48, c.hardAddTime());
            Bytes.writeUint64Be(out, p + 56, c.softUseTime());
            Bytes.writeUint64Be(out, p + 64, c.hardUseTime());
            p += Comb.BYTES;
        }
    }

    static Proposal decode(byte[] b, int off, int len) throws PfKeyException {
        if ((len - 8) % Comb.BYTES != 0) {
            throw new PfKeyException(PfKey.EINVAL, "proposal length not 8 + n*72");
        }
        requireZero(b, off + 5, 3, "proposal reserved");
        Comb[] combs = new Comb[(len - 8) / Comb.BYTES];
        for (int i = 0, p = off + 8; i < combs.length; i++, p += Comb.BYTES) {
            requireZero(b, p + 12, 4, "comb reserved");
            combs[i] = new Comb(b[p] & 0xff, b[p + 1] & 0xff, Bytes.readUint16Be(b, p + 2),
                    Bytes.readUint16Be(b, p + 4), Bytes.readUint16Be(b, p + 6), Bytes.readUint16Be(b, p + 8),
                    Bytes.readUint16Be(b, p + 10), Bytes.readUint32Be(b, p + 16), Bytes.readUint32Be(b, p + 20),
                    Bytes.readUint64Be(b, p + 24), Bytes.readUint64Be(b, p + 32), Bytes.readUint64Be(b, p + 40),
                    Bytes.readUint64Be(b, p + 48), Bytes.readUint64Be(b, p + 56), Bytes.readUint64Be(b, p + 64));
        }
        return new Proposal(b[off + 4] & 0xff, List.of(combs));
    }
}
