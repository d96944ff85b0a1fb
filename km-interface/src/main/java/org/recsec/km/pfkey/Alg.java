package org.recsec.km.pfkey;

import static org.recsec.km.pfkey.ExtensionWire.*;

/** {@code sadb_alg} (RFC 2367 §2.3.8): algorithm id, IV length in bits (the explicit per-record nonce), key bits. */
public record Alg(int id, int ivLenBits, int minBits, int maxBits) {
    public Alg {
        checkU8(id, "alg id");
        checkU8(ivLenBits, "iv bits");
        checkU16(minBits, "min bits");
        checkU16(maxBits, "max bits");
    }
}
