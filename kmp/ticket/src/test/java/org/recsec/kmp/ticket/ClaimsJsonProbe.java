package org.recsec.kmp.ticket;

import java.util.Base64;
import java.util.stream.Collectors;
import org.recsec.kmp.ticket.internal.CborValue;

/** Renders a CborValue the way Jackson's CBOR tree prints as JSON, for comparing parsers in tests. */
final class ClaimsJsonProbe {
    private ClaimsJsonProbe() {
    }

    static String plain(CborValue v) {
        if (v instanceof CborValue.Int i) {
            return Long.toString(i.value());
        } else if (v instanceof CborValue.Bytes b) {
            return "\"" + Base64.getEncoder().encodeToString(b.value()) + "\"";
        } else if (v instanceof CborValue.Text t) {
            return "\"" + t.value() + "\"";
        } else if (v instanceof CborValue.Float f) {
            return Double.toString(f.value());
        } else if (v instanceof CborValue.Array a) {
            return a.items().stream().map(ClaimsJsonProbe::plain).collect(Collectors.joining(",", "[", "]"));
        } else if (v instanceof CborValue.Map m) {
            return m.entries().stream()
                    .map(e -> "\"" + (e.key() instanceof CborValue.Int i ? Long.toString(i.value())
                            : ((CborValue.Text) e.key()).value()) + "\":" + plain(e.value()))
                    .collect(Collectors.joining(",", "{", "}"));
        } else if (v instanceof CborValue.Simple s) {
            return s.value() == 20 ? "false" : s.value() == 21 ? "true" : "null";
        }
        throw new IllegalArgumentException("tags are not compared");
    }
}
