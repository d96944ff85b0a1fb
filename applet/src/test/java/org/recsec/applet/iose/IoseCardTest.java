package org.recsec.applet.iose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The IoSE applet's commands, its ClientHello checks and its refusals, in jcardsim. */
class IoseCardTest {

    static int alertOf(byte[] answer) {
        // closed flag, then one plaintext alert record 15 0303 0002 02 desc
        assertEquals(1, answer[0], "closed flag");
        assertEquals(8, answer.length);
        assertArrayEquals(new byte[] {21, 3, 3, 0, 2, 2}, java.util.Arrays.copyOfRange(answer, 1, 7));
        return answer[7] & 0xFF;
    }

    @Test
    void personaliseReadSenAndRefusals() {
        IoseSimCard c = new IoseSimCard();
        assertEquals(0x6985, IoseSimCard.sw(c.send(0x80, 0x32, 0, 0, null)), "READ-SEN before personalise");
        assertEquals(0x9000, IoseSimCard.sw(c.personalise()));
        assertEquals(0x6985, IoseSimCard.sw(c.personalise()), "write once");
        byte[] sen = c.send(0x80, 0x32, 0, 0, null);
        assertEquals(IoseSimCard.SEN, new String(sen, 0, sen.length - 2, StandardCharsets.US_ASCII));
        assertEquals(0x6E00, IoseSimCard.sw(c.send(0x00, 0x32, 0, 0, null)));
        assertEquals(0x6D00, IoseSimCard.sw(c.send(0x80, 0x99, 0, 0, null)));
        assertEquals(0x6B00, IoseSimCard.sw(c.send(0x80, 0x19, 1, 0, null)));
        assertEquals(0x6A80, IoseSimCard.sw(c.send(0x80, 0x36, 0, 0, new byte[] {'W', 'I', 'P'})));
        assertEquals(0x9000, IoseSimCard.sw(c.send(0x80, 0x36, 0, 0, "WIPE".getBytes(StandardCharsets.US_ASCII))));
        assertEquals(0x6985, IoseSimCard.sw(c.send(0x80, 0x32, 0, 0, null)), "wiped");
        // PSK shorter than 16 bytes
        assertEquals(0x6A80, IoseSimCard.sw(c.send(0x80, 0x30, 0, 0, new byte[] {1, 'a', 8, 1, 2, 3, 4, 5, 6, 7, 8,
            1, 'x'})));
    }

    @Test
    void validClientHelloGetsServerHelloAndEncryptedFlight() throws Exception {
        IoseSimCard c = new IoseSimCard();
        c.personalise();
        byte[] a = c.exchange(new ClientHelloBuilder().record());
        assertEquals(0, a[0], "session goes on");
        assertEquals(22, a[1], "ServerHello record");
        int shLen = ((a[4] & 0xFF) << 8) | (a[5] & 0xFF);
        assertEquals(2, a[6], "ServerHello");
        int ccs = 1 + 5 + shLen;
        assertArrayEquals(new byte[] {20, 3, 3, 0, 1, 1}, java.util.Arrays.copyOfRange(a, ccs, ccs + 6));
        assertEquals(23, a[ccs + 6], "encrypted EncryptedExtensions and Finished");
        assertEquals(1, c.send(0x80, 0x38, 0, 0, null)[0], "WAIT_CLIENT_FINISHED");
        // a second ClientHello in the same session is an unexpected (plaintext) record: encrypted alert, closed
        byte[] again = c.exchange(new ClientHelloBuilder().record());
        assertEquals(1, again[0]);
        assertEquals(23, again[1], "the alert is encrypted now");
        assertThrows(IllegalStateException.class, () -> c.exchange(new ClientHelloBuilder().record()),
                "closed until RESET");
        assertEquals(0x9000, IoseSimCard.sw(c.send(0x80, 0x19, 0, 0, null)));
        assertEquals(0, c.exchange(new ClientHelloBuilder().record())[0], "RESET: a new session");
    }

    @Test
    void ccm8IsChosenOnlyWhenCcmIsNotOffered() throws Exception {
        IoseSimCard c = new IoseSimCard();
        c.personalise();
        ClientHelloBuilder b = new ClientHelloBuilder();
        b.suite = 0x1305;
        byte[] a = c.exchange(b.record());
        int at = 1 + 5 + 4 + 2 + 32 + 1 + 32;
        assertEquals(0x1305, ((a[at] & 0xFF) << 8) | (a[at + 1] & 0xFF), "TLS_AES_128_CCM_8_SHA256");
        c.send(0x80, 0x19, 0, 0, null);
        a = c.exchange(new ClientHelloBuilder().record());
        assertEquals(0x1304, ((a[at] & 0xFF) << 8) | (a[at + 1] & 0xFF), "TLS_AES_128_CCM_SHA256");
    }

    @Test
    void clientHelloRefusalsAreAlerts() throws Exception {
        IoseSimCard c = new IoseSimCard();
        c.personalise();
        record Case(java.util.function.Consumer<ClientHelloBuilder> change, int alert) {
        }
        Case[] cases = {
            new Case(b -> b.sni = "otherse", 112),
            new Case(b -> b.identity = "nobody".getBytes(StandardCharsets.US_ASCII), 115),
            new Case(b -> b.psk = new byte[32], 51),
            new Case(b -> b.alpn = "http/1.1", 120),
            new Case(b -> b.group = 0x0017, 40),
            new Case(b -> b.suite = 0x1301, 40),
            new Case(b -> b.withPsk = false, 40),
        };
        for (Case k : cases) {
            ClientHelloBuilder b = new ClientHelloBuilder();
            k.change().accept(b);
            c.send(0x80, 0x19, 0, 0, null);
            assertEquals(k.alert(), alertOf(c.exchange(b.record())));
        }
        byte[] ok = new ClientHelloBuilder().record();
        byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 1);
        truncated[4]--;
        c.send(0x80, 0x19, 0, 0, null);
        assertEquals(50, alertOf(c.exchange(truncated)), "decode_error");
    }

    @Test
    void framingRefusals() {
        IoseSimCard c = new IoseSimCard();
        c.personalise();
        assertEquals(0x6700, IoseSimCard.sw(c.send(0x80, 0x80, 0, 0, new byte[] {1, 1, 0, 9, 13, 0, 22})));
        assertEquals(0x6A80, IoseSimCard.sw(c.send(0x80, 0x80, 0, 0, new byte[] {2, 1, 0, 7, 13, 0, 22})));
        assertEquals(0x6A80, IoseSimCard.sw(c.send(0x80, 0x80, 0, 0, new byte[] {1, 1, 0, 7, 13, 0x20, 22})));
        assertEquals(0x6A84, IoseSimCard.sw(c.send(0x80, 0x80, 0, 0,
                new byte[] {1, 1, 0, 11, 13, (byte) 0xC0, 0, 0, 0x10, 0, 22})), "announced total over the buffer");
        assertEquals(0x6B00, IoseSimCard.sw(c.send(0x80, 0x80, 0, 1, new byte[] {1, 1, 0, 7, 13, 0, 22})));
    }
}
