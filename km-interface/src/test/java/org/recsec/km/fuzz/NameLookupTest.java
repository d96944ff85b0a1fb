package org.recsec.km.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.km.setkey.SetkeyParser;
import org.recsec.testsupport.NoNameLookups;

/**
 * Text from PF_KEY messages and setkey files never reaches the name service: no class of the PF_KEY codec, the SAD
 * or setkey calls a resolving JDK method (fuzzing found two paths that did: '999.1.1.1' and '.0.1:5683' became DNS
 * queries through InetAddress.getByName; IpLiterals parses literals since).
 */
class NameLookupTest {
    @Test
    void theInterfaceNeverResolvesNames() {
        for (Class<?> anchor : List.of(PfKeyMessage.class, SecurityAssociationDatabase.class, SetkeyParser.class)) {
            assertEquals(List.of(), NoNameLookups.resolvingCalls(anchor), anchor.getPackageName());
        }
    }

    /** The check itself finds a resolving call where there is one (this test class's own helper). */
    @Test
    void theCheckFindsAResolvingCall() {
        List<String> calls = NoNameLookups.resolvingCalls(NameLookupTest.class);
        assertTrue(calls.stream().anyMatch(c -> c.contains("resolvesOnPurpose") && c.contains("getByName")), calls.toString());
    }

    @SuppressWarnings("unused")
    private static Object resolvesOnPurpose(String host) throws java.net.UnknownHostException {
        return java.net.InetAddress.getByName(host);
    }
}
