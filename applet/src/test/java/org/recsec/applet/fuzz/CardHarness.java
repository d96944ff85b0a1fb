package org.recsec.applet.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.licel.jcardsim.base.Simulator;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The applet tests' own jcardsim card ({@code SimulatedCard}) and Bouncy Castle handshake ({@code DtlsSession}),
 * reached by reflection because they are package-private in {@code org.recsec.applet} and the fuzz targets live in
 * their own package. Reusing them keeps one definition of "a normal handshake" for every applet test.
 */
final class CardHarness {
    private static final Class<?> CARD;
    private static final Constructor<?> NEW_CARD;
    private static final Field SIMULATOR;
    private static final Method PERSONALISE;
    private static final Method OPEN_SESSION;
    private static final Method CARD_TO_SERVER;
    private static final Method CLOSE_SESSION;
    private static final Method SELECT;

    static {
        try {
            CARD = Class.forName("org.recsec.applet.SimulatedCard");
            NEW_CARD = CARD.getDeclaredConstructor();
            NEW_CARD.setAccessible(true);
            SIMULATOR = CARD.getDeclaredField("simulator");
            SIMULATOR.setAccessible(true);
            PERSONALISE = CARD.getDeclaredMethod("personalise", int.class, byte[].class, byte[].class, byte[].class);
            PERSONALISE.setAccessible(true);
            SELECT = CARD.getDeclaredMethod("select");
            SELECT.setAccessible(true);
            Class<?> session = Class.forName("org.recsec.applet.DtlsSession");
            OPEN_SESSION = session.getDeclaredMethod("open", CARD, byte[].class, byte[].class, boolean.class,
                    byte[].class);
            OPEN_SESSION.setAccessible(true);
            CARD_TO_SERVER = session.getDeclaredMethod("cardToServer", byte[].class);
            CARD_TO_SERVER.setAccessible(true);
            CLOSE_SESSION = session.getDeclaredMethod("close");
            CLOSE_SESSION.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Object card;
    private final Simulator simulator;

    /** A freshly installed and selected applet. */
    CardHarness() throws ReflectiveOperationException {
        card = NEW_CARD.newInstance();
        simulator = (Simulator) SIMULATOR.get(card);
    }

    /** SELECT again: the JCRE clears the applet's CLEAR_ON_DESELECT RAM, as a reader reconnecting would. */
    void reselect() throws ReflectiveOperationException {
        SELECT.invoke(card);
    }

    /** Sends raw APDU bytes; returns the raw response (data ‖ SW1 SW2). */
    byte[] transmit(byte[] apdu) {
        return simulator.transmitCommand(apdu);
    }

    int personalise(int policy, byte[] identity, byte[] psk, byte[] sen) throws ReflectiveOperationException {
        Object r = PERSONALISE.invoke(card, policy, identity, psk, sen);
        return ((javax.smartcardio.ResponseAPDU) r).getSW();
    }

    /**
     * A complete DTLS 1.2 handshake between the card and a Bouncy Castle server (HelloVerifyRequest included), then
     * one record sealed on the card that the server must open.
     */
    void handshakeAndSend(byte[] identity, byte[] psk) throws Exception {
        Object session = invoke(OPEN_SESSION, null, card, identity, psk, true, null);
        try {
            byte[] sent = {1, 2, 3};
            assertArrayEquals(sent, (byte[]) invoke(CARD_TO_SERVER, session, (Object) sent));
        } finally {
            invoke(CLOSE_SESSION, session);
        }
    }

    private static Object invoke(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw new AssertionError(e.getCause());
        }
    }
}
