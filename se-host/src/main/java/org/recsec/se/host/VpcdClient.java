package org.recsec.se.host;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Objects;
import javax.smartcardio.CardException;
import javax.smartcardio.CommandAPDU;
import javax.smartcardio.ResponseAPDU;

/**
 * A virtual smart card for vsmartcard's {@code vpcd} driver of pcsc-lite: connects to vpcd's TCP port (35963 for
 * the first reader, "Virtual PCD 00 00") and answers its requests with a {@link CardLink} — typically the recsec
 * applet in jcardsim — so that every PC/SC application, and the JDK's {@code javax.smartcardio} PC/SC provider,
 * sees the applet in a reader.
 *
 * <p>vpcd protocol (vsmartcard, vpcd.h): every message either way is a 2-byte big-endian length followed by that
 * many bytes. From vpcd, one byte is a control request — 0 power off, 1 power on, 2 reset, 4 get the ATR (the only
 * one answered, with {@link #atr()}) — and anything longer is a command APDU, answered with the response APDU. A
 * command that is not a well-formed APDU gets {@code 6700}; a card that does not answer gets {@code 6F00}.
 *
 * <p>The ATR: {@link #ATR}'s interface bytes, and as historical bytes the card's SEN ({@link Atr#senHistoricalBytes},
 * draft-urien-coinrg-iose §2) when the card answers READ-SEN ({@code 80 32 00 00}, the same command in the recsec
 * and the IoSE applet) with a SEN that fits; else {@link #ATR} itself. The SEN is read once, at {@link #connect}.
 */
public final class VpcdClient implements AutoCloseable {
    /** vpcd's default port (reader "Virtual PCD 00 00"). */
    public static final int DEFAULT_PORT = 0x8C7B;
    /** The ATR given to the reader: jcardsim's default (JCOP-like, T=1). */
    public static final byte[] ATR = {0x3B, (byte) 0xFA, 0x18, 0x00, 0x00, (byte) 0x81, 0x31, (byte) 0xFE, 0x45,
        0x4A, 0x43, 0x4F, 0x50, 0x33, 0x31, 0x56, 0x32, 0x33, 0x32, (byte) 0x98};
    private static final int CTRL_OFF = 0;
    private static final int CTRL_ON = 1;
    private static final int CTRL_RESET = 2;
    private static final int CTRL_ATR = 4;

    private final CardLink card;
    private final Socket socket;
    private final byte[] atr;
    private volatile long commands;

    private VpcdClient(CardLink card, Socket socket, byte[] atr) {
        this.card = card;
        this.socket = socket;
        this.atr = atr;
    }

    /**
     * Reads the card's SEN for the ATR, then connects to vpcd; the card appears in the reader once {@link #serve()}
     * runs.
     */
    public static VpcdClient connect(CardLink card, InetSocketAddress vpcd) throws IOException {
        Objects.requireNonNull(card);
        byte[] atr = atrOf(card);
        Socket s = new Socket();
        s.connect(vpcd, 10_000);
        s.setTcpNoDelay(true);
        return new VpcdClient(card, s, atr);
    }

    /** The ATR this client gives vpcd. */
    public byte[] atr() {
        return atr.clone();
    }

    private static byte[] atrOf(CardLink card) {
        try {
            ResponseAPDU r = card.transmit(new CommandAPDU(0x80, 0x32, 0, 0, 256));
            if (r.getSW() == 0x9000) {
                String sen = new String(r.getData(), java.nio.charset.StandardCharsets.US_ASCII);
                return Atr.senHistoricalBytes(sen).map(Atr::t1).orElse(ATR.clone());
            }
        } catch (CardException | IllegalArgumentException e) {
            // no SEN from this card: the plain ATR
        }
        return ATR.clone();
    }

    /** APDUs relayed so far. */
    public long commands() {
        return commands;
    }

    /** Answers vpcd until it closes the connection or {@link #close()} is called. */
    public void serve() throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        while (true) {
            int len;
            try {
                len = in.readUnsignedShort();
            } catch (EOFException | java.net.SocketException e) {
                return;
            }
            byte[] msg = new byte[len];
            in.readFully(msg);
            if (len == 1) {
                int ctrl = msg[0] & 0xFF;
                if (ctrl == CTRL_ATR) {
                    send(out, atr);
                }
                // power off / on / reset: the applet's session is wiped by the next SELECT anyway
                if (ctrl != CTRL_OFF && ctrl != CTRL_ON && ctrl != CTRL_RESET && ctrl != CTRL_ATR) {
                    send(out, new byte[] {0x67, 0x00});
                }
                continue;
            }
            send(out, answer(msg));
        }
    }

    private byte[] answer(byte[] apdu) {
        CommandAPDU c;
        try {
            c = new CommandAPDU(apdu);
        } catch (IllegalArgumentException e) {
            return new byte[] {0x67, 0x00};
        }
        try {
            ResponseAPDU r = card.transmit(c);
            commands++;
            return r.getBytes();
        } catch (CardException e) {
            return new byte[] {0x6F, 0x00};
        }
    }

    private static void send(DataOutputStream out, byte[] b) throws IOException {
        out.writeShort(b.length);
        out.write(b);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
