package org.recsec.kmp.ticket;

import java.util.ArrayList;
import java.util.List;
import org.recsec.kmp.ticket.error.TicketException.Reason;
import org.recsec.kmp.ticket.error.TicketException;
import org.recsec.kmp.ticket.internal.CborReader;
import org.recsec.kmp.ticket.internal.CborValue;
import org.recsec.kmp.ticket.internal.CborWriter;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;

/** Encodes and strictly decodes the ticket claims set described on {@link TicketClaims}. */
final class ClaimsCodec {
    static final int MAX_CTI_BYTES = 64;
    static final int MIN_CNF_KEY_BYTES = 16;
    static final int MAX_CNF_KEY_BYTES = 64;
    private static final long COSE_KEY_KTY = 1;
    private static final long COSE_KEY_KID = 2;
    private static final long COSE_KEY_K = -1;
    private static final long KTY_SYMMETRIC = 4;

    private ClaimsCodec() {
    }

    /** The claims map in the order of {@link TicketClaims}'s table; SA claims at their defaults are still written. */
    static byte[] encode(String issuer, String audience, long exp, long nbf, long iat, byte[] cti, SecretBytes cnfKey,
                         TicketSaParameters sa) {
        CborWriter w = new CborWriter().mapHeader(issuer == null ? 13 : 14);
        if (issuer != null) {
            w.integer(TicketClaims.ISS).text(issuer);
        }
        w.integer(TicketClaims.AUD).text(audience);
        w.integer(TicketClaims.EXP).integer(exp);
        w.integer(TicketClaims.NBF).integer(nbf);
        w.integer(TicketClaims.IAT).integer(iat);
        w.integer(TicketClaims.CTI).bytes(cti);
        byte[] k = cnfKey.toByteArray();
        try {
            w.integer(TicketClaims.CNF).mapHeader(1).integer(TicketClaims.CNF_COSE_KEY).mapHeader(3)
                    .integer(COSE_KEY_KTY).integer(KTY_SYMMETRIC)
                    .integer(COSE_KEY_KID).bytes(cti) // the key is unique to this ticket: cti names it
                    .integer(COSE_KEY_K).bytes(k);
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
        w.integer(TicketClaims.SA_SUITE).integer(sa.suite().code());
        w.integer(TicketClaims.SA_RECORD_PROFILE).text(sa.recordProfile());
        w.integer(TicketClaims.SA_SOFT_SECONDS).integer(sa.softLifetimeSeconds());
        w.integer(TicketClaims.SA_HARD_SECONDS).integer(sa.hardLifetimeSeconds());
        w.integer(TicketClaims.SA_SOFT_BYTES).integer(sa.softLifetimeBytes());
        w.integer(TicketClaims.SA_HARD_BYTES).integer(sa.hardLifetimeBytes());
        w.integer(TicketClaims.SA_REPLAY_WINDOW).integer(sa.replayWindow());
        return w.toByteArray();
    }

    /**
     * Decodes and type-checks a claims set.
     *
     * @throws TicketException MALFORMED_CBOR, MISSING_CLAIM or INVALID_CLAIM
     */
    static TicketClaims decode(byte[] claimsCbor) throws TicketException {
        if (!(CborReader.decode(claimsCbor) instanceof CborValue.Map m)) {
            throw new TicketException(Reason.MALFORMED_CBOR, "claims set is not a map");
        }
        String iss = optionalText(m, TicketClaims.ISS, "iss");
        List<String> aud = audience(required(m, TicketClaims.AUD, "aud"));
        long exp = numericDate(required(m, TicketClaims.EXP, "exp"), "exp", false);
        CborValue nbfV = m.get(TicketClaims.NBF).orElse(null);
        Long nbf = nbfV == null ? null : numericDate(nbfV, "nbf", true);
        CborValue iatV = m.get(TicketClaims.IAT).orElse(null);
        Long iat = iatV == null ? null : numericDate(iatV, "iat", false);
        if (!(required(m, TicketClaims.CTI, "cti") instanceof CborValue.Bytes ctiB)
                || ctiB.value().length == 0 || ctiB.value().length > MAX_CTI_BYTES) {
            throw invalid("cti must be a byte string of 1.." + MAX_CTI_BYTES + " bytes");
        }
        CborValue.Map coseKey = coseKey(required(m, TicketClaims.CNF, "cnf"));
        byte[] k = ((CborValue.Bytes) coseKey.get(COSE_KEY_K).orElse(null)).value();
        CborValue kidV = coseKey.get(COSE_KEY_KID).orElse(null);
        if (kidV != null && !(kidV instanceof CborValue.Bytes)) {
            throw invalid("cnf COSE_Key kid is not a byte string");
        }
        byte[] kid = kidV == null ? null : ((CborValue.Bytes) kidV).value();
        TicketSaParameters sa = saParameters(m);
        SecretBytes cnfKey = SecretBytes.copyOf(k);
        java.util.Arrays.fill(k, (byte) 0);
        return new TicketClaims(iss, aud, exp, nbf, iat, ctiB.value(), cnfKey, kid, sa);
    }

    static TicketSaParameters saParameters(CborValue.Map m) throws TicketException {
        long code = uint(required(m, TicketClaims.SA_SUITE, "recsec suite"), "recsec suite", 0xffff);
        CipherSuite suite;
        try {
            suite = CipherSuite.forCode((int) code);
        } catch (RecSecException e) {
            throw invalid("recsec suite is not a supported cipher suite");
        }
        String profile = optionalText(m, TicketClaims.SA_RECORD_PROFILE, "recsec record profile");
        if (profile == null) {
            profile = TicketSaParameters.DEFAULT_RECORD_PROFILE;
        } else if (!TicketSaParameters.RECORD_PROFILES.contains(profile)) {
            throw invalid("recsec record profile unknown");
        }
        long softS = optionalUint(m, TicketClaims.SA_SOFT_SECONDS, "soft seconds", 0);
        long hardS = optionalUint(m, TicketClaims.SA_HARD_SECONDS, "hard seconds", 0);
        long softB = optionalUint(m, TicketClaims.SA_SOFT_BYTES, "soft bytes", 0);
        long hardB = optionalUint(m, TicketClaims.SA_HARD_BYTES, "hard bytes", 0);
        long window = optionalUint(m, TicketClaims.SA_REPLAY_WINDOW, "replay window",
                TicketSaParameters.DEFAULT_REPLAY_WINDOW);
        try {
            return new TicketSaParameters(suite, profile, softS, hardS, softB, hardB, (int) Math.min(window,
                    Integer.MAX_VALUE));
        } catch (IllegalArgumentException e) {
            throw invalid("recsec SA parameters out of range");
        }
    }

    private static CborValue.Map coseKey(CborValue cnf) throws TicketException {
        if (!(cnf instanceof CborValue.Map cm) || cm.entries().size() != 1
                || !(cm.get(TicketClaims.CNF_COSE_KEY).orElse(null) instanceof CborValue.Map key)) {
            throw invalid("cnf must be {1: COSE_Key}");
        }
        if (!(key.get(COSE_KEY_KTY).orElse(null) instanceof CborValue.Int kty) || kty.value() != KTY_SYMMETRIC) {
            throw invalid("cnf COSE_Key is not kty 4 (Symmetric)");
        }
        if (!(key.get(COSE_KEY_K).orElse(null) instanceof CborValue.Bytes k)
                || k.value().length < MIN_CNF_KEY_BYTES || k.value().length > MAX_CNF_KEY_BYTES) {
            throw invalid("cnf COSE_Key k must be " + MIN_CNF_KEY_BYTES + ".." + MAX_CNF_KEY_BYTES + " bytes");
        }
        return key;
    }

    static List<String> audience(CborValue v) throws TicketException {
        if (v instanceof CborValue.Text t) {
            return List.of(t.value());
        }
        if (v instanceof CborValue.Array a && !a.items().isEmpty()) {
            List<String> out = new ArrayList<>(a.items().size());
            for (CborValue item : a.items()) {
                if (!(item instanceof CborValue.Text t)) {
                    throw invalid("aud array holds a non-text item");
                }
                out.add(t.value());
            }
            return out;
        }
        throw invalid("aud is neither a text string nor a non-empty array of them");
    }

    /**
     * A NumericDate (RFC 8392 §2: int or float, untagged) as whole seconds. Floats are rounded towards refusal:
     * up for nbf, down for exp and iat.
     */
    static long numericDate(CborValue v, String name, boolean roundUp) throws TicketException {
        if (v instanceof CborValue.Int i) {
            return i.value();
        }
        if (v instanceof CborValue.Float f && Double.isFinite(f.value())
                && Math.abs(f.value()) < 9.0e15) { // well inside the exactly representable range
            return (long) (roundUp ? Math.ceil(f.value()) : Math.floor(f.value()));
        }
        throw invalid(name + " is not a NumericDate");
    }

    private static CborValue required(CborValue.Map m, long key, String name) throws TicketException {
        CborValue v = m.get(key).orElse(null);
        if (v == null) {
            throw new TicketException(Reason.MISSING_CLAIM, "no " + name + " claim");
        }
        return v;
    }

    private static String optionalText(CborValue.Map m, long key, String name) throws TicketException {
        CborValue v = m.get(key).orElse(null);
        if (v == null) {
            return null;
        }
        if (!(v instanceof CborValue.Text t)) {
            throw invalid(name + " is not a text string");
        }
        return t.value();
    }

    private static long optionalUint(CborValue.Map m, long key, String name, long dflt) throws TicketException {
        CborValue v = m.get(key).orElse(null);
        return v == null ? dflt : uint(v, name, Long.MAX_VALUE);
    }

    private static long uint(CborValue v, String name, long max) throws TicketException {
        if (!(v instanceof CborValue.Int i) || i.value() < 0 || i.value() > max) {
            throw invalid(name + " is not an unsigned integer up to " + max);
        }
        return i.value();
    }

    private static TicketException invalid(String why) {
        return new TicketException(Reason.INVALID_CLAIM, why);
    }
}
