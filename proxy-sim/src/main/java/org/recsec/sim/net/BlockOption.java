package org.recsec.sim.net;

import org.recsec.record.base.RecSecException;
import org.recsec.record.coap.CoapOption;

/**
 * A Block1/Block2 option value (RFC 7959 §2.2): block number NUM, the More flag M and the size exponent SZX, the
 * block size being {@code 2^(SZX+4)} bytes.
 */
record BlockOption(int num, boolean more, int szx) {
    BlockOption {
        if (num < 0 || num > 0xfffff) {
            throw new IllegalArgumentException("NUM is 20 bits");
        }
        if (szx < 0 || szx > 6) {
            throw new IllegalArgumentException("SZX 7 is reserved");
        }
    }

    int sizeBytes() {
        return 1 << (szx + 4);
    }

    CoapOption toOption(int number) {
        return CoapOption.ofUint(number, ((long) num << 4) | (more ? 0x8 : 0) | szx);
    }

    /** @throws RecSecException MALFORMED for a value longer than 3 bytes or SZX 7 */
    static BlockOption parse(CoapOption o) throws RecSecException {
        if (o.length() > 3) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "block option longer than 3 bytes");
        }
        long v = o.uintValue();
        int szx = (int) (v & 0x7);
        if (szx == 7) {
            throw new RecSecException(RecSecException.Reason.MALFORMED, "block SZX 7 is reserved");
        }
        return new BlockOption((int) (v >>> 4), (v & 0x8) != 0, szx);
    }

    /** The largest SZX whose block fits in {@code maxBytes} (at least 16). */
    static int szxFor(int maxBytes) {
        int szx = 0;
        while (szx < 6 && (1 << (szx + 5)) <= maxBytes) {
            szx++;
        }
        return szx;
    }
}
