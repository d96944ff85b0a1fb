package org.recsec.km.sad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * Issue 12 item 4: the SAD refuses a state directory or file others may write or that another user owns, with a
 * message saying how to fix it; it detects every damaged byte of an SA file and names the file; a well-formed
 * message missing what an SA needs is "corrupt", never a NullPointerException.
 */
class StateDirTest {
    static final String C = "coap://127.0.0.1:5683";
    static final String P = "coap://10.0.0.9:5683";

    static SecurityAssociationDatabase open(Path dir) throws IOException {
        return SecurityAssociationDatabase.builder(new MutableClock(1000), new Random(1)).everyIdentityLocal()
                .stateDirectory(dir).build();
    }

    static Path oneSavedSa(Path dir) throws Exception {
        SecurityAssociationDatabase db = open(dir);
        byte[] k = new byte[16];
        new Random(5).nextBytes(k);
        db.openSession(b -> { }).add(SaSpec.withKeys(0x4242, C, P, CipherSuite.AES_128_CCM_8, SecretBytes.copyOf(k),
                SecretBytes.copyOf(new byte[4])));
        return dir.resolve(SaStore.name(1));
    }

    @Test
    void aDirectoryOthersMayUseIsRefusedWithTheFix(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        oneSavedSa(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertTrue(e.getMessage().contains("rwxrwxrwx") && e.getMessage().contains("chmod 700 " + dir),
                e.getMessage());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        assertEquals(1, open(dir).size());
    }

    @Test
    void aDirectoryOfAnotherUserIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        oneSavedSa(dir);
        int me = SaStore.processUid();
        IOException e = assertThrows(IOException.class, () -> SecurityAssociationDatabase.builder(
                new MutableClock(1000), new Random(1)).everyIdentityLocal().stateDirectory(dir)
                .expectedOwner(me + 1).build());
        assertTrue(e.getMessage().contains("owned by uid " + me) && e.getMessage().contains("chown"),
                e.getMessage());
    }

    @Test
    void aPlantedFileIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        Path saved = oneSavedSa(dir);
        Path planted = dir.resolve(SaStore.name(7));
        Files.copy(saved, planted);
        if (SaStore.processUid() == 0) {
            // As root, plant it as another user would: owned by them.
            Files.setAttribute(planted, "unix:uid", 4242);
            IOException e = assertThrows(IOException.class, () -> open(dir));
            assertTrue(e.getMessage().contains(planted + " is owned by uid 4242"), e.getMessage());
            Files.setAttribute(planted, "unix:uid", 0);
        }
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rw-rw-rw-"));
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertTrue(e.getMessage().contains("chmod 600 " + planted), e.getMessage());
    }

    /** Issue 12 item 4: a deleted SA file was a silently lost SA. */
    @Test
    void aDeletedSaFileIsRefusedNamingItUntilTheLossIsAccepted(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        Path f = oneSavedSa(dir);
        Path roster = dir.resolve(SaStore.ROSTER);
        assertEquals("+1\n", Files.readString(roster));
        Files.delete(f);
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertTrue(e.getMessage().startsWith("SA file sa-1.pfk is missing from " + dir)
                && e.getMessage().contains("delete the line +1 from " + roster), e.getMessage());
        // nothing was changed by the refusal: the same start fails the same way
        assertEquals("+1\n", Files.readString(roster));
        assertThrows(IOException.class, () -> open(dir));
        Files.writeString(roster, "");
        assertEquals(0, open(dir).size());
    }

    @Test
    void crashesBetweenFileAndRosterLoseNothingAndRaiseNoFalseAlarm(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        Path f = oneSavedSa(dir);
        Path roster = dir.resolve(SaStore.ROSTER);
        // the file was written, the crash came before its roster line: loaded, and listed from now on
        Files.writeString(roster, "");
        assertEquals(1, open(dir).size());
        assertEquals("+1\n", Files.readString(roster));
        // a roster line cut short by a crash is ignored
        Files.writeString(roster, "+1\n+7");
        assertEquals(1, open(dir).size());
        // the DELETE was logged, the crash came before the file went: it goes now
        Files.writeString(roster, "+1\n-1\n");
        assertEquals(0, open(dir).size());
        assertTrue(!Files.exists(f));
        assertEquals("", Files.readString(roster));
    }

    @Test
    void aDamagedRosterIsRefusedNamingIt(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        oneSavedSa(dir);
        Files.writeString(dir.resolve(SaStore.ROSTER), "+1\nx9\n");
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertEquals("corrupt SA file roster: line 2 is not +<hex id> or -<hex id>", e.getMessage());
    }

    @Test
    void aDeleteThroughPfKeyLeavesNoRosterLine(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        oneSavedSa(dir);
        SecurityAssociationDatabase db = open(dir);
        db.openSession(b -> { }).delete(0x4242, C, P);
        assertEquals(0, db.size());
        assertEquals(0, open(dir).size(), "a deleted SA is not reported missing");
        assertEquals("", Files.readString(dir.resolve(SaStore.ROSTER)));
    }

    @Test
    void everySingleByteChangeOfAnSaFileIsDetectedAndNamed(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        Path f = oneSavedSa(dir);
        byte[] good = Files.readAllBytes(f);
        Random r = new Random(12);
        int loaded = 0;
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= (byte) (1 + r.nextInt(255));
            Files.write(f, bad);
            try {
                open(dir);
                loaded++;
            } catch (IOException e) {
                assertTrue(e.getMessage().startsWith("corrupt SA file sa-1.pfk: "), e.getMessage());
            }
        }
        assertEquals(0, loaded, loaded + " of " + good.length + " changed files loaded");
        Files.write(f, Arrays.copyOf(good, good.length - 1));
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertTrue(e.getMessage().startsWith("corrupt SA file sa-1.pfk: "), e.getMessage());
        Files.write(f, good);
        assertEquals(1, open(dir).size());
    }

    @Test
    void aValidMessageWithoutAnSaExtensionIsCorruptNotANullPointer(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("state");
        Path f = oneSavedSa(dir);
        byte[] file = Files.readAllBytes(f);
        PfKeyMessage m = SaStore.parse("sa-1.pfk", file);
        PfKeyMessage.Builder without = PfKeyMessage.builder(m.type(), m.satype()).seq(m.seq()).pid(m.pid());
        for (PfKeyExtension x : m.extensions().values()) {
            if (x.type() != PfKey.SADB_EXT_SA) {
                without.add(x);
            }
        }
        byte[] msg = without.build().encode();
        Files.write(f, SaStore.envelope(msg));
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertEquals("corrupt SA file sa-1.pfk: no SA extension", e.getMessage());
    }
}
