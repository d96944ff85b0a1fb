package org.recsec.kmp.ticket.internal;

import java.util.List;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.error.TicketException.Reason;

/**
 * A parsed single-recipient COSE message (RFC 9052): COSE_Encrypt0 (tag 16, §5.2), COSE_Mac0 (tag 17, §6.2) or
 * COSE_Sign1 (tag 18, §4.2), optionally wrapped in the CWT tag 61 (RFC 8392 §6). The protected header is kept as
 * the exact bytes received, because COSE authenticates those bytes, not their meaning (RFC 9052 §3).
 *
 * <p>Header rules: {@code alg} (label 1) must be an integer in the protected bucket; {@code kid} (4) and
 * {@code IV} (5) must be byte strings; no label may appear in both buckets (RFC 9052 §3); {@code crit} (2),
 * {@code Partial IV} (6) and counter signatures are not understood and refused. Detached content (nil) is refused.
 *
 * @param kind          which COSE structure
 * @param protectedBytes the protected header bstr's content, exactly as received (empty for an empty header)
 * @param alg           the COSE algorithm identifier
 * @param kid           the key identifier or {@code null}
 * @param iv            the IV or {@code null}
 * @param content       the ciphertext (Encrypt0) or payload (Mac0, Sign1)
 * @param authenticator the MAC tag (Mac0) or signature (Sign1); {@code null} for Encrypt0
 */
public record CoseMessage(Kind kind, byte[] protectedBytes, long alg, byte[] kid, byte[] iv, byte[] content,
                          byte[] authenticator) {

    /** CWT CBOR tag (RFC 8392 §6). */
    public static final long TAG_CWT = 61;

    /** The COSE structures understood, with their CBOR tag and array size. */
    public enum Kind {
        ENCRYPT0(16, 3), MAC0(17, 4), SIGN1(18, 4);

        final long tag;
        final int arraySize;

        Kind(long tag, int arraySize) {
            this.tag = tag;
            this.arraySize = arraySize;
        }

        public long tag() {
            return tag;
        }
    }

    static final long HDR_ALG = 1;
    static final long HDR_CRIT = 2;
    static final long HDR_KID = 4;
    static final long HDR_IV = 5;
    static final long HDR_PARTIAL_IV = 6;

    /**
     * Parses a COSE message. Accepted: {@code 61(16/17/18([...]))}, {@code 16/17/18([...])}, or an untagged array,
     * which is read as {@code untaggedKind} (RFC 9052 §2: the application knows the type of an untagged message).
     *
     * @throws TicketException {@code MALFORMED_CBOR} for anything else, {@code UNSUPPORTED_ALG} for a non-integer alg
     */
    public static CoseMessage parse(byte[] encoded, Kind untaggedKind) throws TicketException {
        CborValue v = CborReader.decode(encoded);
        if (v instanceof CborValue.Tag t && t.tag() == TAG_CWT) {
            v = t.content();
        }
        Kind kind = untaggedKind;
        if (v instanceof CborValue.Tag t) {
            kind = null;
            for (Kind k : Kind.values()) {
                if (k.tag == t.tag()) {
                    kind = k;
                }
            }
            if (kind == null) {
                throw malformed("not a COSE_Encrypt0, COSE_Mac0 or COSE_Sign1 tag");
            }
            v = t.content();
        }
        if (!(v instanceof CborValue.Array a) || a.items().size() != kind.arraySize) {
            throw malformed("COSE structure is not an array of " + kind.arraySize);
        }
        List<CborValue> items = a.items();
        if (!(items.get(0) instanceof CborValue.Bytes pb)) {
            throw malformed("protected header is not a byte string");
        }
        byte[] protectedBytes = pb.value();
        CborValue.Map prot;
        if (protectedBytes.length == 0) {
            prot = new CborValue.Map(List.of());
        } else if (CborReader.decode(protectedBytes) instanceof CborValue.Map m) {
            prot = m;
        } else {
            throw malformed("protected header is not a map");
        }
        if (!(items.get(1) instanceof CborValue.Map unprot)) {
            throw malformed("unprotected header is not a map");
        }
        for (CborValue.Entry e : prot.entries()) {
            for (CborValue.Entry u : unprot.entries()) {
                if (e.key().equals(u.key())) {
                    throw malformed("header label in both buckets");
                }
            }
        }
        for (CborValue.Map m : new CborValue.Map[] {prot, unprot}) {
            if (m.get(HDR_CRIT).isPresent() || m.get(HDR_PARTIAL_IV).isPresent()) {
                throw malformed("crit or Partial IV header not supported");
            }
        }
        CborValue algV = prot.get(HDR_ALG).orElse(null);
        if (algV == null) {
            throw malformed(unprot.get(HDR_ALG).isPresent() ? "alg is not protected" : "no alg");
        }
        if (!(algV instanceof CborValue.Int alg)) {
            throw new TicketException(Reason.UNSUPPORTED_ALG, "alg is not an integer");
        }
        byte[] kid = optionalBytes(prot, unprot, HDR_KID, "kid");
        byte[] iv = optionalBytes(prot, unprot, HDR_IV, "IV");
        if (!(items.get(2) instanceof CborValue.Bytes content)) {
            throw malformed("content is not a byte string (detached content is not supported)");
        }
        byte[] auth = null;
        if (kind != Kind.ENCRYPT0) {
            if (!(items.get(3) instanceof CborValue.Bytes tag)) {
                throw malformed("tag or signature is not a byte string");
            }
            auth = tag.value();
        }
        return new CoseMessage(kind, protectedBytes, alg.value(), kid, iv, content.value(), auth);
    }

    private static byte[] optionalBytes(CborValue.Map prot, CborValue.Map unprot, long label, String name)
            throws TicketException {
        CborValue v = prot.get(label).orElse(null);
        if (v == null) {
            v = unprot.get(label).orElse(null);
        }
        if (v == null) {
            return null;
        }
        if (!(v instanceof CborValue.Bytes b)) {
            throw malformed(name + " is not a byte string");
        }
        return b.value();
    }

    private static TicketException malformed(String why) {
        return new TicketException(Reason.MALFORMED_CBOR, why);
    }
}
