package org.recsec.kmp.eap.radius;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.List;
import java.util.Objects;
import org.recsec.kmp.eap.EapException;

/**
 * A RADIUS client for Access-Requests over UDP (RFC 2865), as an EAP pass-through authenticator uses it
 * (RFC 3579). Retransmission follows RFC 5080 §2.2.1: a request that gets no valid answer within the timeout is
 * sent again byte for byte (same Identifier, same Request Authenticator) up to {@code maxTries} times. Datagrams
 * from other addresses, with another Identifier, or failing the Response Authenticator or Message-Authenticator
 * are dropped and the wait goes on (RFC 2865 §3 "silently discarded"). One exchange at a time.
 */
public final class RadiusClient implements AutoCloseable {
    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final byte[] secret;
    private final SecureRandom random;
    private final int timeoutMillis;
    private final int maxTries;
    private int nextId;
    private int dropped;
    private volatile DatagramTap tap;

    /**
     * @param socket        a bound socket this client owns from now on
     * @param timeoutMillis wait per try, 1.. (RFC 5080 §2.2.1 suggests starting around 2 s)
     * @param maxTries      sends per request, 1..10
     */
    public RadiusClient(DatagramSocket socket, InetSocketAddress server, byte[] secret, SecureRandom random,
                        int timeoutMillis, int maxTries) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.server = Objects.requireNonNull(server, "server");
        if (secret.length == 0) {
            throw new IllegalArgumentException("empty RADIUS secret");
        }
        this.secret = secret.clone();
        this.random = Objects.requireNonNull(random, "random");
        if (timeoutMillis < 1 || maxTries < 1 || maxTries > 10) {
            throw new IllegalArgumentException("timeout >= 1 ms and 1..10 tries");
        }
        this.timeoutMillis = timeoutMillis;
        this.maxTries = maxTries;
        this.nextId = random.nextInt(256);
    }

    /** Shows every datagram sent and received from now on to {@code tap} (null: none). */
    public void tap(DatagramTap tap) {
        this.tap = tap;
    }

    /**
     * Sends one Access-Request with {@code attributes} (a Message-Authenticator is added) and returns the
     * verified response.
     *
     * @throws EapException {@code TIMEOUT} after {@code maxTries} sends without a valid response
     * @throws IOException  for a socket failure
     */
    public Exchange send(List<RadiusAttribute> attributes) throws EapException, IOException {
        byte[] auth = new byte[RadiusPacket.AUTHENTICATOR_BYTES];
        random.nextBytes(auth);
        int id = nextId;
        nextId = (nextId + 1) & 0xff;
        byte[] wire = RadiusAuth.signRequest(new RadiusPacket(RadiusPacket.ACCESS_REQUEST, id, auth, attributes),
                secret);
        byte[] buf = new byte[RadiusPacket.MAX_PACKET_BYTES];
        for (int attempt = 0; attempt < maxTries; attempt++) {
            socket.send(new DatagramPacket(wire, wire.length, server));
            DatagramTap sent = tap;
            if (sent != null) {
                sent.datagram((InetSocketAddress) socket.getLocalSocketAddress(), server, wire.clone());
            }
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                DatagramPacket dp = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(dp);
                } catch (SocketTimeoutException e) {
                    break;
                }
                DatagramTap got = tap;
                if (got != null && dp.getSocketAddress() instanceof InetSocketAddress from) {
                    got.datagram(from, (InetSocketAddress) socket.getLocalSocketAddress(),
                            java.util.Arrays.copyOf(buf, dp.getLength()));
                }
                if (!server.equals(dp.getSocketAddress()) || dp.getLength() < 2 || (buf[1] & 0xff) != id) {
                    dropped++;
                    continue;
                }
                try {
                    RadiusPacket response = RadiusAuth.verifyResponse(buf, 0, dp.getLength(), auth, secret);
                    return new Exchange(response, auth);
                } catch (EapException e) {
                    dropped++;
                }
            }
        }
        throw new EapException(EapException.Reason.TIMEOUT, "no valid RADIUS response after " + maxTries + " tries");
    }

    /** The shared secret (a copy), for decrypting MPPE keys of a response. */
    byte[] secret() {
        return secret.clone();
    }

    /** Decrypts the MS-MPPE key {@code vendorType} of an exchange's response; empty when it has none. */
    public java.util.Optional<org.recsec.record.base.SecretBytes> mppeKey(Exchange exchange, int vendorType) throws EapException {
        return RadiusAuth.mppeKey(exchange.response(), vendorType, secret, exchange.requestAuthenticator());
    }

    /** Datagrams dropped so far (wrong source or identifier, failed authenticators). */
    public int dropped() {
        return dropped;
    }

    @Override
    public void close() {
        socket.close();
    }

    /** A verified response and the Request Authenticator of the request it answers. */
    public record Exchange(RadiusPacket response, byte[] requestAuthenticator) {
    }
}
