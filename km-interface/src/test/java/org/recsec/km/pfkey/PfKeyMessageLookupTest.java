package org.recsec.km.pfkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@link PfKeyMessage#ext} says "absent" with an empty Optional, {@link PfKeyMessage#require} with EINVAL. */
class PfKeyMessageLookupTest {
    private static PfKeyMessage add() throws PfKeyException {
        return PfKeyMessage.decode(PfKeyCodecTest.validAdd());
    }

    @Test
    void presentExtensionIsFoundByBoth() throws Exception {
        PfKeyMessage m = add();
        PfKeyExtension.Sa sa = m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).orElseThrow();
        assertEquals(0x1001, sa.spi());
        assertSame(sa, m.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class));
    }

    @Test
    void absentExtensionIsEmptyAndRequiredIsEinval() throws Exception {
        PfKeyMessage m = add().toBuilder().remove(PfKey.SADB_EXT_SA).build();
        assertTrue(m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class).isEmpty());
        PfKeyException e = assertThrows(PfKeyException.class,
                () -> m.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class));
        assertEquals(PfKey.EINVAL, e.errno());
        assertEquals("ADD without the Sa extension (type 1)", e.reason());
        // An extension type the ADD never carried, and one no message can carry.
        assertTrue(m.ext(PfKey.SADB_EXT_SPIRANGE, PfKeyExtension.SpiRange.class).isEmpty());
        assertEquals(PfKey.EINVAL, assertThrows(PfKeyException.class,
                () -> m.require(PfKey.SADB_EXT_SPIRANGE, PfKeyExtension.SpiRange.class)).errno());
        assertTrue(m.ext(0, PfKeyExtension.class).isEmpty());
    }

    @Test
    void presentExtensionOfAnotherClassIsAProgrammingError() throws Exception {
        PfKeyMessage m = add();
        assertThrows(ClassCastException.class, () -> m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Key.class));
        assertThrows(ClassCastException.class, () -> m.require(PfKey.SADB_EXT_SA, PfKeyExtension.Key.class));
    }

    @Test
    void addWithoutSaExtensionIsEinvalNotANullPointer() throws Exception {
        PfKeyMessage m = add().toBuilder().remove(PfKey.SADB_EXT_SA).build();
        assertEquals(PfKey.EINVAL, assertThrows(PfKeyException.class, () -> SaSpec.fromMessage(m)).errno());
    }
}
