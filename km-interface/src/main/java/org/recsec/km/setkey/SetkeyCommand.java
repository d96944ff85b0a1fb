package org.recsec.km.setkey;

import org.recsec.km.pfkey.SaSpec;

/** One parsed setkey statement. */
public sealed interface SetkeyCommand {

    /** The 1-based line the statement starts on. */
    int line();

    /** {@code add SRC DST recsec SPI ... -E ALG 0xKEY [-I 0xIV] ;} */
    record Add(int line, SaSpec sa) implements SetkeyCommand {
    }

    /** {@code get SRC DST recsec SPI ;} */
    record Get(int line, String src, String dst, long spi) implements SetkeyCommand {
    }

    /** {@code delete SRC DST recsec SPI ;} */
    record Delete(int line, String src, String dst, long spi) implements SetkeyCommand {
    }

    /** {@code deleteall SRC DST recsec ;}: every SA from SRC to DST. */
    record DeleteAll(int line, String src, String dst) implements SetkeyCommand {
    }

    /** {@code flush [recsec] ;} */
    record Flush(int line) implements SetkeyCommand {
    }

    /** {@code dump [recsec] ;} */
    record Dump(int line) implements SetkeyCommand {
    }
}
