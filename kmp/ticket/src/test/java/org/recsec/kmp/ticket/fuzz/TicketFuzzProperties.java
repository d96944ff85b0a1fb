package org.recsec.kmp.ticket.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.recsec.testsupport.Mutations;

/**
 * The ticket KMP's fuzz targets as jqwik properties, so plain {@code mvn verify} runs them on more than their seeds:
 * the CBOR reader (random bytes and mutations of ticket.json and RFC 8392 tokens) and the CWT inspector (mutated
 * tokens). Each try runs the fuzz target's own contract check.
 */
class TicketFuzzProperties {
    private final TicketFuzzTest ticket = new TicketFuzzTest();

    @Property(tries = 300)
    void cborRandomAndMutated(@ForAll("cborInputs") byte[] b) {
        ticket.cbor(b);
    }

    @Property(tries = 300)
    void inspectorMutatedTokens(@ForAll("inspectMutated") byte[] b) {
        ticket.inspect(b);
    }

    @Provide
    Arbitrary<byte[]> cborInputs() {
        return Arbitraries.oneOf(Mutations.randomBytes(300),
                Mutations.mutated(Mutations.seeds(TicketFuzzTest.class, "cbor")));
    }

    @Provide
    Arbitrary<byte[]> inspectMutated() {
        return Mutations.mutated(Mutations.seeds(TicketFuzzTest.class, "inspect"));
    }
}
