package org.recsec.km.pfkey;

import static org.recsec.km.pfkey.ExtensionWire.*;

/**
 * {@code sadb_comb} (§2.3.7), 72 bytes: one acceptable algorithm combination and lifetimes of a proposal.
 */
public record Comb(int auth, int encrypt, int flags, int authMinBits, int authMaxBits, int encryptMinBits,
        int encryptMaxBits, long softAllocations, long hardAllocations, long softBytes, long hardBytes,
        long softAddTime, long hardAddTime, long softUseTime, long hardUseTime) {
    public static final int BYTES = 72;

    public Comb {
        checkU8(auth, "auth");
        checkU8(encrypt, "encrypt");
        checkU16(flags, "flags");
        checkU16(authMinBits, "bits");
        checkU16(authMaxBits, "bits");
        checkU16(encryptMinBits, "bits");
        checkU16(encryptMaxBits, "bits");
        checkU32(softAllocations, "allocations");
        checkU32(hardAllocations, "allocations");
    }

    /** A combination offering one encryption algorithm with the given key size and no lifetimes. */
    public static Comb of(int encrypt, int keyBits) {
        return new Comb(PfKey.SADB_AALG_NONE, encrypt, 0, 0, 0, keyBits, keyBits, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
