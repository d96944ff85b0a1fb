package org.recsec.kmp.ticket.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.recsec.testsupport.SeedFiles;
import org.recsec.vectors.SpecVectors;

/**
 * Writes the seed inputs of the ticket fuzz targets ({@code src/test/resources/org/recsec/kmp/ticket/fuzz/}) from
 * ticket.json and the RFC 8392 vectors. Run from the module directory (FUZZING.md); deterministic, committed, never
 * run by CI.
 */
public final class SeedWriter {
    private static final SeedFiles SEEDS = new SeedFiles(Path.of("src/test/resources/org/recsec/kmp/ticket/fuzz"));

    private SeedWriter() {
    }

    public static void main(String[] args) throws IOException {
        tickets();
    }

    private static void tickets() throws IOException {
        for (JsonNode v : SpecVectors.vectors("ticket.json")) {
            String name = v.get("name").asText();
            byte[] ticket = SpecVectors.hex(v, "ticket");
            SEEDS.write("TicketFuzzTest", "validate", "ticket-" + name, ticket);
            SEEDS.write("TicketFuzzTest", "cbor", "ticket-" + name, ticket);
            SEEDS.write("TicketFuzzTest", "inspect", "ticket-" + name,
                    concat(new byte[] {(byte) (name.startsWith("ccm8") ? 0 : 1)}, ticket));
        }
        JsonNode rfc = SpecVectors.load("external/rfc8392/cwt_rfc8392_vectors.json");
        SEEDS.write("TicketFuzzTest", "cbor", "rfc8392-a1-claims", SpecVectors.hex(rfc.get("claims_set"), "hex"));
        rfc.get("keys").fields().forEachRemaining(e -> uncheck(() -> SEEDS.write("TicketFuzzTest", "cbor",
                "rfc8392-key-" + e.getKey(), SpecVectors.hex(e.getValue(), "cose_key_hex"))));
        rfc.get("tokens").fields().forEachRemaining(e -> uncheck(() -> {
            byte[] token = SpecVectors.hex(e.getValue(), "hex");
            String key = e.getValue().has("key") ? e.getValue().get("key").asText() : "Symmetric128";
            int selector = key.equals("Symmetric256") ? 3 : 2;
            SEEDS.write("TicketFuzzTest", "cbor", "rfc8392-" + e.getKey(), token);
            SEEDS.write("TicketFuzzTest", "validate", "rfc8392-" + e.getKey(), token);
            SEEDS.write("TicketFuzzTest", "inspect", "rfc8392-" + e.getKey(), concat(new byte[] {(byte) selector}, token));
        }));
    }

    private interface IoAction {
        void run() throws IOException;
    }

    private static void uncheck(IoAction a) {
        try {
            a.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
