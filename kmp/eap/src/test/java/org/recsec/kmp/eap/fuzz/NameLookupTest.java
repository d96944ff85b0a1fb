package org.recsec.kmp.eap.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.testsupport.NoNameLookups;

/**
 * No class of the EAP KMP asks the name service: identities, trigger paths and addresses from RADIUS, CoAP-EAP
 * and pull-key messages never become DNS queries (checked on the bytecode of every package below
 * org.recsec.kmp.eap).
 */
class NameLookupTest {
    @Test
    void noResolvingCalls() throws Exception {
        assertEquals(List.of(), NoNameLookups.resolvingCalls(EapPacket.class));
    }
}
