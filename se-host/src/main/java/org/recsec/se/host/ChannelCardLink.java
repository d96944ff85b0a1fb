package org.recsec.se.host;

import java.util.Objects;
import javax.smartcardio.Card;
import javax.smartcardio.CardChannel;
import javax.smartcardio.CardException;
import javax.smartcardio.CardTerminal;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * A {@link CardLink} over the basic channel of any {@code javax.smartcardio} card: a PC/SC reader's terminal
 * ({@code TerminalFactory.getDefault()}) or jcardsim's embedded one ({@link JCardSimLink}).
 */
public final class ChannelCardLink implements CardLink {
    private final Card card;
    private final CardChannel channel;
    private final String name;
    private final boolean disconnectOnClose;
    private final ApduCounter counter = new ApduCounter();

    ChannelCardLink(Card card, String name, boolean disconnectOnClose) {
        this.card = Objects.requireNonNull(card);
        this.channel = card.getBasicChannel();
        this.name = name;
        this.disconnectOnClose = disconnectOnClose;
    }

    /**
     * Connects to the card in {@code terminal} with any protocol ({@code "*"}) and uses its basic channel.
     *
     * @throws CardException when no card is present or the connection fails
     */
    public static ChannelCardLink connect(CardTerminal terminal) throws CardException {
        Card c = terminal.connect("*");
        return new ChannelCardLink(c, terminal.getName() + " (" + c.getProtocol() + ")", true);
    }

    @Override
    public synchronized ResponseAPDU transmit(CommandAPDU command) throws CardException {
        ResponseAPDU r = channel.transmit(command);
        counter.count(command.getBytes().length, r.getBytes().length);
        return r;
    }

    /** The card's Answer-to-Reset as the terminal reports it ({@code Card.getATR()}, ISO/IEC 7816-3 §8). */
    public byte[] atr() {
        return card.getATR().getBytes();
    }

    @Override
    public ApduCounter counter() {
        return counter;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public synchronized void close() {
        if (disconnectOnClose) {
            try {
                card.disconnect(false);
            } catch (CardException e) {
                // The card is gone already: nothing left to release.
            }
        }
    }
}
