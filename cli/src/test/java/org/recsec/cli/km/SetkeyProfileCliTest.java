package org.recsec.cli.km;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.keyd.KeyDaemon;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecordProfile;

/** {@code recsec setkey -c} with {@code -P}: SAs of every profile through a real daemon, and refused profiles. */
class SetkeyProfileCliTest {
    static final String KEY = "000102030405060708090a0b0c0d0e0f";
    @TempDir
    Path tmp;
    Path sock;
    SecurityAssociationDatabase db;
    KeyDaemon daemon;

    @BeforeEach
    void start() throws Exception {
        sock = tmp.resolve("keyd.sock");
        db = SecurityAssociationDatabase.builder(Clock.systemUTC(), new Random(1)).everyIdentityLocal().build();
        daemon = KeyDaemon.start(sock, db);
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    KeydSetkeyCliTest.Result setkey(String stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = SetkeyCli.run(new String[] {"--socket", sock.toString(), "-c"},
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new KeydSetkeyCliTest.Result(code, out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyProfileIsInstalledAndShown() throws Exception {
        KeydSetkeyCliTest.Result r = setkey(
                "add 127.0.0.1[5683] 127.0.0.1[5684] recsec 0x1001 -P dtls12-cid -E aes-128-ccm-8 0x" + KEY
                + " -I 0xa0a1a2a3 ;\n"
                + "add 127.0.0.1[5683] 127.0.0.2[5684] recsec 0x1002 -P compact -E aes-128-ccm-8 0x" + KEY + KEY
                + " ;\n"
                + "add 127.0.0.1[5683] 127.0.0.3[5684] recsec 0x1003 -E aes-128-gcm 0x" + KEY + "b0b1b2b3 ;\n");
        assertEquals(0, r.code(), r.err());
        assertEquals(RecordProfile.DTLS12_CID, db.outbound(LocalId.of("coap://127.0.0.1:5683"),
                PeerId.of("coap://127.0.0.1:5684")).cipher().profile());
        assertEquals(RecordProfile.COMPACT, db.outbound(LocalId.of("coap://127.0.0.1:5683"),
                PeerId.of("coap://127.0.0.2:5684")).cipher().profile());
        assertEquals(RecordProfile.DTLS12, db.outbound(LocalId.of("coap://127.0.0.1:5683"),
                PeerId.of("coap://127.0.0.3:5684")).cipher().profile());
        r = setkey("get 127.0.0.1[5683] 127.0.0.2[5684] recsec 0x1002 ;");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("key=0x" + KEY + KEY), r.out());
        assertFalse(r.out().contains("iv="), r.out());
        assertTrue(r.out().contains("profile=compact"), r.out());
        r = setkey("get 127.0.0.1[5683] 127.0.0.1[5684] recsec 0x1001 ;");
        assertTrue(r.out().contains("profile=dtls12-cid"), r.out());
        assertTrue(r.out().contains("iv=0xa0a1a2a3"), r.out());
    }

    @Test
    void aBadProfileIsRefusedWithItsPlace() {
        KeydSetkeyCliTest.Result r = setkey("add 127.0.0.1 127.0.0.2 recsec 0x1001 -P dtls13 -E aes-128-gcm 0x"
                + KEY + "b0b1b2b3 ;\n");
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("unknown record profile") && r.err().contains("line 1, column 42"), r.err());
        assertEquals(0, db.size());
        r = setkey("add 127.0.0.1 127.0.0.2 recsec 0x1001 -P compact -E aes-128-gcm 0x" + KEY + " ;\n");
        assertTrue(r.code() != 0);
        assertTrue(r.err().contains("32-byte traffic secret"), r.err());
        assertEquals(0, db.size());
    }
}
