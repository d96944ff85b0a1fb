package org.recsec.kmp.iose;

import java.io.IOException;
import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import org.recsec.se.host.CardLink;
import org.recsec.se.host.ChannelCardLink;

/**
 * An IoSE link over the project's ISO 7816 bridge ({@code se-host}): a javax.smartcardio channel to a PC/SC reader
 * or to jcardsim's terminal, with its APDU counter. Select the IoSE applet with {@link IoseCard#select} first.
 */
public final class SeHostLink implements SeLink {
    private final CardLink link;

    /** @param link an open card link */
    public SeHostLink(CardLink link) {
        this.link = link;
    }

    @Override
    public byte[] transmit(byte[] command) throws IOException {
        try {
            return link.transmit(new CommandAPDU(command)).getBytes();
        } catch (CardException | IllegalStateException e) {
            // IllegalStateException: javax.smartcardio's answer once the card was disconnected (closed link)
            throw new IOException("card link " + link.describe() + ": " + e.getMessage(), e);
        }
    }

    /** The ATR when the link is a {@code javax.smartcardio} card ({@link ChannelCardLink#atr()}). */
    @Override
    public java.util.Optional<byte[]> atr() {
        return link instanceof ChannelCardLink c ? java.util.Optional.of(c.atr()) : java.util.Optional.empty();
    }

    @Override
    public String describe() {
        return link.describe();
    }

    /** Releases the card (se-host's {@link CardLink#close}: PC/SC disconnect without reset). */
    @Override
    public void close() {
        link.close();
    }
}
