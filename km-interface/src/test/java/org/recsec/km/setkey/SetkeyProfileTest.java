package org.recsec.km.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.internal.wire.Bytes;

/** setkey's {@code -P dtls12|dtls12-cid|compact|compact8}: the profile and its keying, and what is refused. */
class SetkeyProfileTest {
    static final String KEY = "000102030405060708090a0b0c0d0e0f";
    static final String SECRET = KEY + KEY;
    static final String ADD = "add 127.0.0.1 127.0.0.1[5684] recsec 0x1001 ";

    static SaSpec add(String statement) throws Exception {
        List<SetkeyCommand> cs = SetkeyParser.parse(statement);
        assertEquals(1, cs.size());
        SaSpec sa = ((SetkeyCommand.Add) cs.get(0)).sa();
        // and through PF_KEY and back
        SaSpec back = SaSpec.fromMessage(PfKeyMessage.decode(PfKeyRequests.add(sa, 1, 0).encode()));
        assertEquals(sa.profile(), back.profile());
        return sa;
    }

    @Test
    void everyProfileParses() throws Exception {
        assertEquals(PfKey.RECSEC_PROFILE_DTLS12, add(ADD + "-E aes-128-ccm-8 0x" + KEY + " -I 0xa0a1a2a3 ;")
                .profile());
        assertEquals(PfKey.RECSEC_PROFILE_DTLS12, add(ADD + "-P dtls12 -E aes-128-ccm-8 0x" + KEY + "a0a1a2a3 ;")
                .profile());
        SaSpec cid = add(ADD + "-P dtls12-cid -E aes-128-gcm 0x" + KEY + " -I 0xa0a1a2a3 ;");
        assertEquals(PfKey.RECSEC_PROFILE_DTLS12_CID, cid.profile());
        assertEquals("a0a1a2a3", Bytes.toHex(cid.iv().toByteArray()));
        SaSpec compact = add(ADD + "-E aes-128-ccm-8 0x" + SECRET + " -P compact ;");
        assertEquals(PfKey.RECSEC_PROFILE_COMPACT, compact.profile());
        assertEquals(SECRET, Bytes.toHex(compact.key().toByteArray()));
        assertNull(compact.iv());
        assertEquals(PfKey.RECSEC_PROFILE_COMPACT_SEQ8,
                add(ADD + "-P compact8 -r 128 -E chacha20-poly1305 0x" + SECRET + " ;").profile());
        assertTrue(compact.toString().contains("profile=compact"), compact.toString());
        assertTrue(!compact.toString().contains(KEY), "no key in toString");
    }

    @Test
    void badProfilesAndKeysAreRefusedWithWhere() {
        SetkeyParseException e = assertThrows(SetkeyParseException.class,
                () -> SetkeyParser.parse(ADD + "-P dtls13 -E aes-128-ccm-8 0x" + SECRET + " ;"));
        assertTrue(e.getMessage().contains("unknown record profile"), e.getMessage());
        assertEquals(ADD.length() + 4, e.column());
        e = assertThrows(SetkeyParseException.class,
                () -> SetkeyParser.parse(ADD + "-P compact -E aes-128-ccm-8 0x" + KEY + " ;"));
        assertTrue(e.getMessage().contains("32-byte traffic secret"), e.getMessage());
        e = assertThrows(SetkeyParseException.class,
                () -> SetkeyParser.parse(ADD + "-P compact -E aes-128-ccm-8 0x" + SECRET + " -I 0xa0a1a2a3 ;"));
        assertTrue(e.getMessage().contains("no IV"), e.getMessage());
        e = assertThrows(SetkeyParseException.class,
                () -> SetkeyParser.parse(ADD + "-P dtls12-cid -E aes-128-ccm-8 0x" + SECRET + " ;"));
        assertTrue(e.getMessage().contains("IV bytes"), e.getMessage());
        e = assertThrows(SetkeyParseException.class, () -> SetkeyParser.parse(ADD + "-P ;"));
        assertTrue(e.getMessage().contains("record profile"), e.getMessage());
    }
}
