package org.recsec.kmp.iose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.TerminalFactory;
import org.recsec.se.host.ChannelCardLink;

/**
 * The IoSE applet on a card in a PC/SC reader (pcscd; a real reader or vsmartcard's vpcd), through the JDK's PC/SC
 * provider and se-host's {@link ChannelCardLink}: the SE issue's path, for the grid's non-simulated SEs
 * (draft-urien-coinrg-iose §3: the grid reaches each SE over ISO 7816).
 */
public final class PcscReaders {
    /** Where Debian's libpcsclite lives; used when {@code sun.security.smartcardio.library} is not set. */
    private static final String[] PCSC_LIBRARIES = {"/usr/lib/x86_64-linux-gnu/libpcsclite.so.1",
        "/usr/lib/aarch64-linux-gnu/libpcsclite.so.1", "/usr/lib/libpcsclite.so.1"};
    /** The IoSE applet's AID as the first simulated SE of a JVM gets it (F0 'iose' 00 01). */
    public static final byte[] DEFAULT_AID = {(byte) 0xF0, 'i', 'o', 's', 'e', 0x00, 0x01};

    private PcscReaders() {
    }

    /**
     * Connects to the card in the reader named {@code reader} and SELECTs the IoSE applet {@code aid} on it. The card
     * must be personalised already (by its issuer); the grid reads its SEN from it.
     *
     * @throws IOException no PC/SC provider, no such reader, no card, or the SELECT refused
     */
    public static IoseCard open(String reader, byte[] aid) throws IOException {
        if (System.getProperty("sun.security.smartcardio.library") == null) {
            for (String lib : PCSC_LIBRARIES) {
                if (Files.exists(Path.of(lib))) {
                    System.setProperty("sun.security.smartcardio.library", lib);
                    break;
                }
            }
        }
        ChannelCardLink link;
        try {
            TerminalFactory tf = TerminalFactory.getInstance("PC/SC", null);
            CardTerminal found = null;
            for (CardTerminal t : tf.terminals().list()) {
                if (t.getName().equals(reader)) {
                    found = t;
                }
            }
            if (found == null) {
                throw new IOException("no PC/SC reader named \"" + reader + "\"");
            }
            link = ChannelCardLink.connect(found);
        } catch (NoSuchAlgorithmException e) {
            throw new IOException("no PC/SC provider (is libpcsclite installed?)", e);
        } catch (CardException e) {
            throw new IOException("PC/SC reader \"" + reader + "\": " + e.getMessage(), e);
        }
        IoseCard card = new IoseCard(new SeHostLink(link));
        try {
            card.select(aid);
        } catch (IOException | RuntimeException e) {
            link.close();
            throw e;
        }
        return card;
    }
}
