package org.recsec.cli.km;

import org.recsec.km.keyd.KeyDaemon;
import org.recsec.km.keyd.PfKeyFraming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.pfkey.Supported;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.internal.wire.Bytes;

/** A real daemon on a UNIX socket under a temp dir, driven by setkey and by raw clients. */
class KeydSetkeyCliTest {
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

    record Result(int code, String out, String err) {
    }

    Result setkey(String stdin, String... mode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = new String[2 + mode.length];
        args[0] = "--socket";
        args[1] = sock.toString();
        System.arraycopy(mode, 0, args, 2, mode.length);
        int code = SetkeyCli.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    SocketChannel client() throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(sock));
        return ch;
    }

    static PfKeyMessage roundTrip(SocketChannel ch, byte[] m) throws Exception {
        PfKeyFraming.write(ch, m);
        return PfKeyMessage.decode(PfKeyFraming.read(ch).orElseThrow());
    }

    @Test
    void socketIsMode0600AndASecondDaemonIsRefused() throws Exception {
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
        try (var files = Files.list(tmp)) {
            assertEquals(1, files.count(), "the 0700 bind directory was removed");
        }
        assertThrows(IOException.class, () -> KeyDaemon.start(sock, db));
    }

    @Test
    void setkeyAddGetDumpDeleteDeleteallFlush() throws Exception {
        Result r = setkey("add 127.0.0.1[5683] 127.0.0.1[5684] recsec 0x1001 -E aes-128-ccm-8 0x" + KEY
                + " -I 0xa0a1a2a3 ;\n"
                + "add 127.0.0.1[5684] 127.0.0.1[5683] recsec 0x2002 -r 1024 -lh 60 -E aes-128-gcm 0x" + KEY
                + "b0b1b2b3 ;\n"
                + "add 127.0.0.1[5683] 127.0.0.1[5684] recsec 0x1003 -E aes-128-ccm 0x" + KEY + " -I 0xa0a1a2a3 ;\n",
                "-c");
        assertEquals(0, r.code(), r.err());
        assertEquals(3, db.size());
        r = setkey("get 127.0.0.1[5683] 127.0.0.1[5684] recsec 0x1001 ;", "-c");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("key=0x" + KEY), r.out());
        assertTrue(r.out().contains("iv=0xa0a1a2a3"), r.out());
        r = setkey("", "-D");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("spi=4097(0x00001001)"), r.out());
        assertTrue(r.out().contains("replay=1024"), r.out());
        assertTrue(r.out().contains("hard: records=0 bytes=0 addtime=60s"), r.out());
        assertFalse(r.out().contains(KEY), "dump shows no keys");
        assertFalse(r.out().contains("a0a1a2a3"), "dump shows no IVs");
        r = setkey("delete 127.0.0.1[5684] 127.0.0.1[5683] recsec 0x2002 ;", "-c");
        assertEquals(0, r.code(), r.err());
        assertEquals(2, db.size());
        r = setkey("deleteall 127.0.0.1[5683] 127.0.0.1[5684] recsec ;", "-c");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, db.size());
        r = setkey("", "-D");
        assertEquals("No SAD entries.\n", r.out());
        setkey("add 127.0.0.1 127.0.0.2 recsec 0x1001 -E aes-128-gcm 0x" + KEY + "b0b1b2b3 ;", "-c");
        assertEquals(1, db.size());
        r = setkey("", "-F");
        assertEquals(0, r.code(), r.err());
        assertEquals(0, db.size());
    }

    @Test
    void refusedLinesExitNonZeroWithErrnoAndReason() throws Exception {
        String add = "add 127.0.0.1 127.0.0.2 recsec 0x1001 -E aes-128-gcm 0x" + KEY + "b0b1b2b3 ;\n";
        Result r = setkey(add + add + "get 127.0.0.1 127.0.0.2 recsec 0x9999 ;\n", "-c");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("line 2: ADD refused: EEXIST (17)"), r.err());
        assertTrue(r.err().contains("line 3: GET refused: ESRCH (3)"), r.err());
        assertEquals(1, db.size());
        r = setkey("add 127.0.0.1 127.0.0.2 recsec 0x1001 -E aes-128-gcm 0xzz ;", "-c");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("line 1, column"), r.err());
        assertEquals(2, setkey("", "-X").code());
        Result noDaemon = new Result(SetkeyCli.run(new String[] {"--socket", tmp.resolve("none").toString(), "-D"},
                new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(new ByteArrayOutputStream())), "", "");
        assertEquals(1, noDaemon.code());
    }

    @Test
    void garbageGetsErrnoRepliesAndTheDaemonStaysUp() throws Exception {
        try (SocketChannel bad = client()) {
            byte[] junk = new byte[24];
            junk[0] = 9; // wrong version
            Bytes.writeUint16Be(junk, 4, 3);
            assertEquals(PfKey.EINVAL, roundTrip(bad, junk).errno());
            byte[] overrun = PfKeyRequests.flush(1, 1).encode();
            byte[] longer = java.util.Arrays.copyOf(overrun, 24);
            Bytes.writeUint16Be(longer, 4, 3);
            Bytes.writeUint16Be(longer, 16, 9); // extension claims 72 bytes
            Bytes.writeUint16Be(longer, 18, 1);
            assertEquals(PfKey.EINVAL, roundTrip(bad, longer).errno());
            // Still served on the same connection.
            assertEquals(PfKey.ENOENT, roundTrip(bad, PfKeyRequests.dump(2, 1).encode()).errno());
            // A length field of 0 words: EMSGSIZE, then the daemon hangs up.
            byte[] zero = new byte[16];
            zero[0] = 2;
            zero[1] = PfKey.SADB_DUMP;
            assertEquals(PfKey.EMSGSIZE, roundTrip(bad, zero).errno());
            assertNull(PfKeyFraming.read(bad).orElse(null));
        }
        try (SocketChannel good = client()) {
            assertEquals(PfKey.ENOENT, roundTrip(good, PfKeyRequests.dump(1, 1).encode()).errno());
        }
    }

    @Test
    void severalClientsAndPushesToRegisteredOnes() throws Exception {
        try (SocketChannel kmp = client(); SocketChannel admin = client()) {
            PfKeyMessage reg = roundTrip(kmp, PfKeyRequests.register(1, 7).encode());
            assertEquals(0, reg.errno());
            assertEquals(4, reg.ext(PfKey.SADB_EXT_SUPPORTED_ENCRYPT, Supported.class).orElseThrow().algs().size());
            SaSpec sa = SaSpec.withKeys(0x1001, "coap://127.0.0.1:5683", "coap://127.0.0.1:5684",
                    CipherSuite.AES_128_CCM_8, SecretBytes.copyOf(new byte[16]), SecretBytes.copyOf(new byte[4]))
                    .withLifetimes(new PfKeyExtension.Lifetime(PfKey.SADB_EXT_LIFETIME_SOFT, 2, 0, 0, 0), null);
            assertEquals(0, roundTrip(admin, PfKeyRequests.add(sa, 5, 9).encode()).errno());
            PfKeyMessage broadcast = PfKeyMessage.decode(PfKeyFraming.read(kmp).orElseThrow());
            assertEquals(PfKey.SADB_ADD, broadcast.type());
            assertFalse(broadcast.has(PfKey.SADB_EXT_KEY_ENCRYPT), "broadcast without keys");
            var out = db.outbound(LocalId.of("coap://127.0.0.1:5683"), PeerId.of("coap://127.0.0.1:5684"));
            out.reportSealed(1);
            out.reportSealed(1);
            PfKeyMessage expire = PfKeyMessage.decode(PfKeyFraming.read(kmp).orElseThrow());
            assertEquals(PfKey.SADB_EXPIRE, expire.type());
            assertTrue(expire.has(PfKey.SADB_EXT_LIFETIME_SOFT));
            // ACQUIRE over the socket, refused by the KMP with an errno.
            Thread t = new Thread(() -> {
                try {
                    PfKeyMessage acq = PfKeyMessage.decode(PfKeyFraming.read(kmp).orElseThrow());
                    PfKeyFraming.write(kmp, PfKeyRequests.acquireFailed(acq.seq(), PfKey.ETIMEDOUT, 7).encode());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            t.start();
            var e = assertThrows(org.recsec.record.base.RecSecException.class,
                    () -> db.outbound(LocalId.of("coap://127.0.0.1:5683"), PeerId.of("coap://10.1.1.1:5683")));
            assertEquals(org.recsec.record.base.RecSecException.Reason.KEY_MANAGEMENT, e.reason());
            t.join(5000);
        }
        assertNotEquals(0, db.size());
    }

    @Test
    void runRefusesBadArguments() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, KeydCli.run(new String[] {"--state"}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
        assertEquals(2, KeydCli.run(new String[0], new ByteArrayInputStream(new byte[0]),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
        assertEquals(1, KeydCli.run(new String[] {"--socket", sock.toString()}, new ByteArrayInputStream(
                new byte[0]), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err)));
        assertTrue(err.toString().contains("already listening"), err.toString());
    }
}
