package org.recsec.record.fuzz;

import org.recsec.testsupport.Mutations;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.internal.crypto.RecordHeader;

/**
 * jqwik properties for the parsers that had none: the record reader and unprotect, fed random bytes and random
 * mutations of their fuzz seeds (genuine records and protected messages). Each try runs the fuzz target's own
 * contract check, so the properties and the fuzz targets assert one and the same thing.
 */
class FuzzTargetProperties {
    private final RecordOpenFuzzTest record = new RecordOpenFuzzTest();
    private final UnprotectFuzzTest unprotect = new UnprotectFuzzTest();

    @Property(tries = 300)
    void recordOpenRandomBytes(@ForAll("recordRandom") byte[] b) throws RecSecException {
        record.open(b);
    }

    @Property(tries = 500)
    void recordOpenMutatedVectors(@ForAll("recordMutated") byte[] b) throws RecSecException {
        record.open(b);
    }

    @Property(tries = 300)
    void unprotectRequestMutated(@ForAll("requestMutated") byte[] b) throws RecSecException {
        unprotect.unprotectRequest(b);
    }

    @Property(tries = 300)
    void unprotectResponseMutated(@ForAll("responseMutated") byte[] b) throws RecSecException {
        unprotect.unprotectResponse(b);
    }

    @Property(tries = 300)
    void unprotectInnerPlaintextMutated(@ForAll("innerMutated") byte[] b) throws RecSecException {
        unprotect.innerPlaintext(b);
    }

    @Provide
    Arbitrary<byte[]> innerMutated() {
        return Mutations.mutated(Mutations.seeds(UnprotectFuzzTest.class, "innerPlaintext"));
    }

    /** Random bytes, or a suite byte, zero key and IV and a valid header in front of a random fragment. */
    @Provide
    Arbitrary<byte[]> recordRandom() {
        return Arbitraries.oneOf(Mutations.randomBytes(200), Mutations.randomBytes(160).map(fragment -> {
            CipherSuite suite = CipherSuite.values()[fragment.length % CipherSuite.values().length];
            int keyIv = suite.keySizeBytes() + suite.ivSizeBytes();
            byte[] r = new byte[1 + keyIv + RecordHeader.BYTES + fragment.length];
            r[0] = (byte) suite.ordinal();
            new RecordHeader(23, RecordHeader.DTLS12_VERSION, 1, fragment.length, fragment.length)
                    .writeTo(r, 1 + keyIv);
            System.arraycopy(fragment, 0, r, 1 + keyIv + RecordHeader.BYTES, fragment.length);
            return r;
        }));
    }

    @Provide
    Arbitrary<byte[]> recordMutated() {
        return Mutations.mutated(Mutations.seeds(RecordOpenFuzzTest.class, "open"));
    }

    @Provide
    Arbitrary<byte[]> requestMutated() {
        return Mutations.mutated(Mutations.seeds(UnprotectFuzzTest.class, "unprotectRequest"));
    }

    @Provide
    Arbitrary<byte[]> responseMutated() {
        return Mutations.mutated(Mutations.seeds(UnprotectFuzzTest.class, "unprotectResponse"));
    }
}
