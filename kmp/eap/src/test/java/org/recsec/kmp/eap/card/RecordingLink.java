package org.recsec.kmp.eap.card;

import java.util.ArrayList;
import java.util.List;
import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;
import org.recsec.se.host.ApduCounter;
import org.recsec.se.host.CardLink;

/** A card link that keeps every response APDU the card sent (data and status word), for the tests' inspection. */
final class RecordingLink implements CardLink {
    private final CardLink inner;
    private final List<byte[]> responses = new ArrayList<>();

    RecordingLink(CardLink inner) {
        this.inner = inner;
    }

    @Override
    public synchronized ResponseAPDU transmit(CommandAPDU command) throws CardException {
        ResponseAPDU r = inner.transmit(command);
        responses.add(r.getBytes());
        return r;
    }

    synchronized List<byte[]> responses() {
        return new ArrayList<>(responses);
    }

    @Override
    public ApduCounter counter() {
        return inner.counter();
    }

    @Override
    public String describe() {
        return inner.describe();
    }

    @Override
    public void close() {
        inner.close();
    }
}
