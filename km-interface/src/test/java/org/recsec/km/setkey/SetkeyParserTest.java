package org.recsec.km.setkey;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.internal.wire.Bytes;

class SetkeyParserTest {
    static final String KEY = "000102030405060708090a0b0c0d0e0f";

    @Test
    void addWithEveryOptionAndTheOtherStatements() throws Exception {
        List<SetkeyCommand> cs = SetkeyParser.parse(
                "# manual keys\n"
                + "add 127.0.0.1[5683] coap://127.0.0.1:5684 recsec 0x1001 -r 1024 -lh 3600 -ls 3000\n"
                + "    -bh 1000000 -bs 900000 -E aes-128-ccm-8 0x" + KEY + " -I 0xa0a1a2a3 ;\n"
                + "add ::1 SEN-0001 recsec 4098 -E chacha20-poly1305 0x" + KEY + KEY + "b0b1b2b3b4b5b6b7b8b9babb;\n"
                + "get 127.0.0.1[5683] coap://127.0.0.1:5684 recsec 0x1001 ;\n"
                + "delete 127.0.0.1[5683] coap://127.0.0.1:5684 recsec 4097 ;\n"
                + "deleteall 127.0.0.1[5683] coap://127.0.0.1:5684 recsec ;\n"
                + "flush ; dump recsec ;");
        assertEquals(7, cs.size());
        SetkeyCommand.Add a = (SetkeyCommand.Add) cs.get(0);
        assertEquals(2, a.line());
        assertEquals(0x1001, a.sa().spi());
        assertEquals("coap://127.0.0.1:5683", a.sa().src());
        assertEquals("coap://127.0.0.1:5684", a.sa().dst());
        assertEquals(1024, a.sa().replayWindow());
        assertEquals(CipherSuite.AES_128_CCM_8, a.sa().suite());
        assertEquals(KEY, Bytes.toHex(a.sa().key().toByteArray()));
        assertEquals("a0a1a2a3", Bytes.toHex(a.sa().iv().toByteArray()));
        assertEquals(3600, a.sa().hard().addTime());
        assertEquals(1000000, a.sa().hard().bytes());
        assertEquals(3000, a.sa().soft().addTime());
        assertEquals(900000, a.sa().soft().bytes());
        SetkeyCommand.Add b = (SetkeyCommand.Add) cs.get(1);
        assertEquals("coap://[::1]:5683", b.sa().src());
        assertEquals("SEN-0001", b.sa().dst());
        assertEquals(4098, b.sa().spi());
        assertArrayEquals(Bytes.fromHex("b0b1b2b3b4b5b6b7b8b9babb"), b.sa().iv().toByteArray());
        assertEquals(new SetkeyCommand.Get(5, "coap://127.0.0.1:5683", "coap://127.0.0.1:5684", 0x1001), cs.get(2));
        assertEquals(new SetkeyCommand.Delete(6, "coap://127.0.0.1:5683", "coap://127.0.0.1:5684", 4097),
                cs.get(3));
        assertTrue(cs.get(4) instanceof SetkeyCommand.DeleteAll);
        assertTrue(cs.get(5) instanceof SetkeyCommand.Flush);
        assertTrue(cs.get(6) instanceof SetkeyCommand.Dump);
    }

    static SetkeyParseException fails(String input) {
        return assertThrows(SetkeyParseException.class, () -> SetkeyParser.parse(input));
    }

    @Test
    void refusalsSayWhere() {
        SetkeyParseException e = fails("flush ;\n  frobnicate ;");
        assertEquals(2, e.line());
        assertEquals(3, e.column());
        e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 -E aes-256-cbc 0x" + KEY + " ;");
        assertTrue(e.getMessage().contains("unknown algorithm"), e.getMessage());
        assertEquals(38, e.column()); // "add 1.2.3.4 5.6.7.8 recsec 0x1001 -E " is 37 characters
        e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 -E aes-128-gcm 0x" + KEY.substring(2) + "zz -I 0x00000000 ;");
        assertTrue(e.getMessage().contains("hex"), e.getMessage());
        e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 -E aes-128-gcm 0x" + KEY + "00 -I 0x00000000 ;");
        assertTrue(e.getMessage().contains("key of 16 bytes"), e.getMessage());
        e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 -E aes-128-gcm 0x" + KEY + " -I 0x00 ;");
        assertTrue(e.getMessage().contains("IV of 4 bytes"), e.getMessage());
        e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 -E aes-128-gcm 0x" + KEY + " ;");
        assertTrue(e.getMessage().contains("IV bytes"), e.getMessage());
        e = fails("add 1.2.3.4 5.6.7.8 esp 0x1001 -E aes-128-gcm 0x" + KEY + "00000000 ;");
        assertTrue(e.getMessage().contains("unknown protocol"), e.getMessage());
        e = fails("get 1.2.3.4 5.6.7.8 recsec 255 ;");
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        e = fails("get 1.2.3.4 5.6.7.8 recsec 0x1001");
        assertTrue(e.getMessage().contains("missing ;"), e.getMessage());
        e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 -r 2000 -E aes-128-gcm 0x" + KEY + "00000000 ;");
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 -x 1 ;");
        assertTrue(e.getMessage().contains("unknown option"), e.getMessage());
        e = fails("get 1.2.3.4[99999] 5.6.7.8 recsec 0x1001 ;");
        assertTrue(e.getMessage().contains("port"), e.getMessage());
        e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 ;");
        assertTrue(e.getMessage().contains("-E"), e.getMessage());
    }

    @Test
    void parseErrorsNeverShowKeyMaterial() {
        String secret = "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a";
        SetkeyParseException e = fails("add 1.2.3.4 5.6.7.8 recsec 0x1001 -E aes-128-gcm 0x" + secret + "5a ;");
        assertFalse(e.getMessage().contains("5a5a"), e.getMessage());
    }
}
