package org.recsec.se.host;

import javax.smartcardio.Card;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import javax.smartcardio.TerminalFactory;
import java.security.Provider;

/**
 * The embedded default card: the recsec applet in jcardsim's {@code javax.smartcardio} terminal.
 *
 * <p>jcardsim 2.2.2 keeps one simulated card per JVM (its terminal holds the card in a static field) and configures
 * it from system properties, so this class sets {@code com.licel.jcardsim.card.applet.0.AID/.Class} once, connects
 * once, and installs the applet with the simulator's proprietary install APDU {@code 80 B8 00 00 Lc | AIDlen AID 00}
 * (the applet is only loaded until then: SELECT answers 6999). Every {@link #open()} hands out a new link (own
 * counter) to that one card; callers personalise it through {@link SeCard}.
 */
public final class JCardSimLink {
    /** The applet class jcardsim loads. */
    public static final String APPLET_CLASS = "org.recsec.applet.RecSecApplet";
    private static final String TERMINAL_FACTORY_TYPE = "jCardSim";
    private static final String PROVIDER_CLASS = "com.licel.jcardsim.smartcardio.JCardSimProvider";
    private static Card card;

    private JCardSimLink() {
    }

    /**
     * A link to the simulated card with the applet installed (installs it on first use).
     *
     * @throws CardException when the simulator cannot be reached or refuses the installation
     */
    public static synchronized CardLink open() throws CardException {
        if (card == null) {
            System.setProperty("com.licel.jcardsim.card.applet.0.AID", hex(SeCard.AID));
            System.setProperty("com.licel.jcardsim.card.applet.0.Class", APPLET_CLASS);
            try {
                TerminalFactory tf = TerminalFactory.getInstance(TERMINAL_FACTORY_TYPE, null, jcardsimProvider());
                CardTerminal terminal = tf.terminals().list().get(0);
                card = terminal.connect("T=1");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new CardException("jcardsim terminal factory unavailable", e);
            }
            ChannelCardLink boot = new ChannelCardLink(card, "jcardsim", false);
            ResponseAPDU sel = boot.transmit(SeCard.selectCommand());
            if (sel.getSW() != 0x9000) {
                byte[] install = new byte[SeCard.AID.length + 2];
                install[0] = (byte) SeCard.AID.length;
                System.arraycopy(SeCard.AID, 0, install, 1, SeCard.AID.length);
                ResponseAPDU r = boot.transmit(new CommandAPDU(0x80, 0xB8, 0x00, 0x00, install));
                if (r.getSW() != 0x9000) {
                    throw new CardException(String.format("jcardsim refused the applet installation: SW %04X",
                            r.getSW()));
                }
            }
        }
        return new ChannelCardLink(card, "jcardsim 2.2.2 (" + APPLET_CLASS + ")", false);
    }

    /**
     * The simulated card, wiped (FACTORY-RESET) and personalised afresh: a new identity module for one run.
     *
     * @param policy {@link SeCard#POLICY_EXPORT} to allow EXPORT-SA, 0 to keep the keys on the card
     * @throws SeException when the card refuses the personalisation (lengths: identity and PSK 1..64, SEN 0..64)
     */
    public static SeCard personalisedCard(int policy, byte[] identity, byte[] psk, byte[] sen)
            throws CardException, SeException {
        SeCard c = new SeCard(open());
        c.select();
        c.factoryReset();
        c.personalise(policy, identity, psk, sen);
        return c;
    }

    /**
     * jcardsim's {@code javax.smartcardio} provider, loaded by name: the simulator and the applet are run-time
     * dependencies of whoever runs the card (the CLI, tests), never compile-time ones of the bridge.
     */
    private static Provider jcardsimProvider() throws CardException {
        try {
            return (Provider) Class.forName(PROVIDER_CLASS).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new CardException("jcardsim is not on the class path (" + PROVIDER_CLASS + ")", e);
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02X", x & 0xff));
        }
        return s.toString();
    }
}
