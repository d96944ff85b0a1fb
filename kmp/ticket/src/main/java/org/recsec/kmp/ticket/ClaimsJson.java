package org.recsec.kmp.ticket;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import org.recsec.kmp.ticket.internal.CborValue;
import org.recsec.record.internal.wire.Bytes;

/**
 * Renders a CWT claims set as one JSON object for {@code ticket inspect}. Registered claims and the recsec claims
 * get their names (iss, sub, aud, exp, nbf, iat, cti, cnf, recsec_suite, …), other keys their decimal or text form;
 * byte strings are lowercase hex; the suite is also shown as hex. Inside {@code cnf}, the COSE_Key labels are named
 * (kty, kid, k) and {@code k} is replaced by {@code "redacted"} unless {@code showKey}.
 */
public final class ClaimsJson {
    private static final Map<Long, String> CLAIM_NAMES = Map.ofEntries(
            Map.entry(TicketClaims.ISS, "iss"), Map.entry(TicketClaims.SUB, "sub"),
            Map.entry(TicketClaims.AUD, "aud"), Map.entry(TicketClaims.EXP, "exp"),
            Map.entry(TicketClaims.NBF, "nbf"), Map.entry(TicketClaims.IAT, "iat"),
            Map.entry(TicketClaims.CTI, "cti"), Map.entry(TicketClaims.CNF, "cnf"),
            Map.entry(TicketClaims.SA_SUITE, "recsec_suite"),
            Map.entry(TicketClaims.SA_RECORD_PROFILE, "recsec_record_profile"),
            Map.entry(TicketClaims.SA_SOFT_SECONDS, "recsec_soft_seconds"),
            Map.entry(TicketClaims.SA_HARD_SECONDS, "recsec_hard_seconds"),
            Map.entry(TicketClaims.SA_SOFT_BYTES, "recsec_soft_bytes"),
            Map.entry(TicketClaims.SA_HARD_BYTES, "recsec_hard_bytes"),
            Map.entry(TicketClaims.SA_REPLAY_WINDOW, "recsec_replay_window"));
    private static final Map<Long, String> COSE_KEY_NAMES = Map.of(1L, "kty", 2L, "kid", 3L, "alg", -1L, "k");
    private static final JsonFactory JSON = new JsonFactory();

    private ClaimsJson() {
    }

    public static String render(CborValue.Map claims, boolean showKey) {
        StringWriter sw = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(sw)) {
            g.writeStartObject();
            for (CborValue.Entry e : claims.entries()) {
                String name = name(e.key(), CLAIM_NAMES);
                g.writeFieldName(name);
                if (name.equals("cnf") && e.value() instanceof CborValue.Map cnf) {
                    writeCnf(g, cnf, showKey);
                } else if (name.equals("recsec_suite") && e.value() instanceof CborValue.Int i) {
                    g.writeString(String.format("%04x", i.value()));
                } else {
                    write(g, e.value());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sw.toString();
    }

    private static void writeCnf(JsonGenerator g, CborValue.Map cnf, boolean showKey) throws IOException {
        g.writeStartObject();
        for (CborValue.Entry e : cnf.entries()) {
            boolean coseKey = e.key().equals(new CborValue.Int(TicketClaims.CNF_COSE_KEY));
            g.writeFieldName(coseKey ? "COSE_Key" : name(e.key(), Map.of()));
            if (coseKey && e.value() instanceof CborValue.Map key) {
                g.writeStartObject();
                for (CborValue.Entry k : key.entries()) {
                    String n = name(k.key(), COSE_KEY_NAMES);
                    g.writeFieldName(n);
                    if (n.equals("k") && !showKey) {
                        g.writeString("redacted");
                    } else {
                        write(g, k.value());
                    }
                }
                g.writeEndObject();
            } else if (!showKey) {
                g.writeString("redacted"); // an unknown cnf form may hold key material too
            } else {
                write(g, e.value());
            }
        }
        g.writeEndObject();
    }

    private static String name(CborValue key, Map<Long, String> names) {
        if (key instanceof CborValue.Int i) {
            return names.getOrDefault(i.value(), Long.toString(i.value()));
        }
        return ((CborValue.Text) key).value();
    }

    private static void write(JsonGenerator g, CborValue v) throws IOException {
        if (v instanceof CborValue.Int i) {
            g.writeNumber(i.value());
        } else if (v instanceof CborValue.Bytes b) {
            g.writeString(Bytes.toHex(b.value()));
        } else if (v instanceof CborValue.Text t) {
            g.writeString(t.value());
        } else if (v instanceof CborValue.Float f) {
            if (Double.isFinite(f.value())) {
                g.writeNumber(java.math.BigDecimal.valueOf(f.value()).toPlainString());
            } else {
                g.writeString(Double.toString(f.value())); // JSON has no NaN or Infinity
            }
        } else if (v instanceof CborValue.Array a) {
            g.writeStartArray();
            for (CborValue item : a.items()) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (v instanceof CborValue.Map m) {
            g.writeStartObject();
            for (CborValue.Entry e : m.entries()) {
                g.writeFieldName(name(e.key(), Map.of()));
                write(g, e.value());
            }
            g.writeEndObject();
        } else if (v instanceof CborValue.Tag t) {
            g.writeStartObject();
            g.writeNumberField("tag", t.tag());
            g.writeFieldName("value");
            write(g, t.content());
            g.writeEndObject();
        } else {
            int s = ((CborValue.Simple) v).value();
            if (s == 20 || s == 21) {
                g.writeBoolean(s == 21);
            } else if (s == 22) {
                g.writeNull();
            } else {
                g.writeString("undefined");
            }
        }
    }
}
