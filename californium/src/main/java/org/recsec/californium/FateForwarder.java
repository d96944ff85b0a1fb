package org.recsec.californium;

import org.eclipse.californium.core.coap.Message;
import org.eclipse.californium.core.coap.MessageObserverAdapter;

/**
 * Forwards what happens to an outer message on the wire (acknowledged, rejected, timed out, not sent) to the plain
 * message the upper layers and the application wait on. Subclasses add what else their message needs.
 */
class FateForwarder extends MessageObserverAdapter {
    private final Message plain;

    FateForwarder(Message plain) {
        this.plain = plain;
    }

    @Override
    public void onAcknowledgement() {
        plain.acknowledge(); // acknowledge() notifies observers, setAcknowledged() does not
    }

    @Override
    public void onReject() {
        plain.setRejected(true);
    }

    @Override
    public void onTimeout() {
        plain.setTimedOut(true);
    }

    @Override
    public void onSendError(Throwable error) {
        plain.setSendError(error);
    }
}
