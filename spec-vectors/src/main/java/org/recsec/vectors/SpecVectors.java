package org.recsec.vectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Loads the vector files of spec-vectors/vectors from the class path. The project's own files sit at the top
 * ({@code record-dtls12.json}, …); external ones under {@code external/} with their README and licence.
 */
public final class SpecVectors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SpecVectors() {
    }

    /** The parsed JSON of {@code vectors/<path>}. */
    public static JsonNode load(String path) {
        String resource = "/vectors/" + path;
        try (InputStream in = SpecVectors.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector file " + resource);
            }
            return MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The entries of the top-level {@code "vectors"} array of one of our own files. */
    public static List<JsonNode> vectors(String path) {
        List<JsonNode> out = new ArrayList<>();
        load(path).path("vectors").forEach(out::add);
        if (out.isEmpty()) {
            throw new IllegalStateException(path + " holds no vectors");
        }
        return out;
    }

    /** The lowercase-hex field {@code name} of a vector as bytes. */
    public static byte[] hex(JsonNode vector, String name) {
        JsonNode n = vector.get(name);
        if (n == null) {
            throw new IllegalArgumentException("vector has no field " + name);
        }
        return HexFormat.of().parseHex(n.asText());
    }
}
