package org.recsec.kmp.eap.aps;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.recsec.kmp.eap.EapException;
import org.recsec.record.base.SecretBytes;

class PullMessagesTest {
    @Test
    void everyMessageRoundTripsAndEveryTruncationOrExtensionIsRefused() throws Exception {
        byte[][] messages = {
                new PullMessages.PullRequest(0xc0a8, 3, 0x12345678L, "ue1@recsec.test", new byte[65]).encode(),
                new PullMessages.PullResponse(0x9abcdef0L, 3600).encode(),
                new PullMessages.KeyRequest("aps", "ue1", new byte[65]).encode(),
                new PullMessages.KeyResponse(3600, SecretBytes.copyOf(new byte[64])).encode()};
        assertArrayEquals(messages[0], PullMessages.PullRequest.decode(messages[0]).encode());
        assertArrayEquals(messages[1], PullMessages.PullResponse.decode(messages[1]).encode());
        assertArrayEquals(messages[2], PullMessages.KeyRequest.decode(messages[2]).encode());
        assertArrayEquals(messages[3], PullMessages.KeyResponse.decode(messages[3]).encode());
        for (int i = 0; i < messages.length; i++) {
            byte[] m = messages[i];
            for (int len = 0; len < m.length; len++) {
                byte[] cut = java.util.Arrays.copyOf(m, len);
                assertRefused(i, cut);
            }
            assertRefused(i, java.util.Arrays.copyOf(m, m.length + 1));
            byte[] other = m.clone();
            other[0] = (byte) (m[0] + 1);
            assertRefused(i, other);
            other[0] = (byte) (m[0] - 1);
            assertRefused(i, other);
        }
        assertEquals(2, messages[0][0], "the pull request is version 2, with the record profile");
        for (int profile = 1; profile <= 4; profile++) {
            byte[] p = new PullMessages.PullRequest(0x00a8, profile, 256, "u", new byte[1]).encode();
            assertEquals(profile, PullMessages.PullRequest.decode(p).profile());
            assertEquals(profile, p[3]);
        }
        byte[] unknownProfile = messages[0].clone();
        for (int bad : new int[] {0, 5, 255}) {
            unknownProfile[3] = (byte) bad;
            assertRefused(0, unknownProfile);
        }
        byte[] badUtf8 = new PullMessages.KeyRequest("aps", "ue1", new byte[1]).encode();
        badUtf8[2] = (byte) 0xc3; // "aps" -> an unfinished two-byte sequence
        assertRefused(2, badUtf8);
    }

    private static void assertRefused(int kind, byte[] b) {
        EapException e = assertThrows(EapException.class, () -> {
            switch (kind) {
                case 0 -> PullMessages.PullRequest.decode(b);
                case 1 -> PullMessages.PullResponse.decode(b);
                case 2 -> PullMessages.KeyRequest.decode(b);
                default -> PullMessages.KeyResponse.decode(b);
            }
        });
        assertEquals(EapException.Reason.MALFORMED, e.reason());
    }
}
