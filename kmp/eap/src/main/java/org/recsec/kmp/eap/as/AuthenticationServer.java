package org.recsec.kmp.eap.as;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.EapTlsKeys;
import org.recsec.kmp.eap.radius.DuplicateCache;
import org.recsec.kmp.eap.radius.RadiusAttribute;
import org.recsec.kmp.eap.radius.RadiusAuth;
import org.recsec.kmp.eap.radius.RadiusPacket;
import org.recsec.kmp.eap.tls.EapTlsServerSession;
import org.recsec.kmp.eap.tls.TlsCredentials;

/**
 * The authentication server (AS) of draft-ohba-core-eap-based-bootstrapping §3: a RADIUS server (RFC 2865) that
 * runs EAP-TLS (RFC 5216) with the EAP peers behind any RADIUS client sharing its secret (RFC 3579).
 *
 * <p>Per Access-Request: the packet is decoded and its Message-Authenticator checked (RFC 3579 §3.2; failures are
 * silently discarded and counted); a retransmission gets the cached answer (RFC 5080 §2.2.2); a request without
 * State must carry EAP-Response/Identity and opens a conversation whose State (16 random bytes) the answers carry
 * (RFC 2865 §5.24); the EAP packet goes to that conversation's {@link EapTlsServerSession}; a Request comes back
 * in Access-Challenge, EAP-Success in Access-Accept with MS-MPPE-Recv-Key = MSK[0..31], MS-MPPE-Send-Key =
 * MSK[32..63] (RFC 2548, RFC 5216 §2.3), User-Name and Session-Timeout (RFC 2865 §5.27), EAP-Failure in
 * Access-Reject. A response that the conversation refuses (wrong identifier, malformed EAP-TLS) is dropped and
 * changes nothing. On success the session (identity, Session-Id, EMSK, expiry) goes to the {@link SessionStore}.
 *
 * <p>{@link #handle} is the whole logic on bytes; {@link #start} runs it on a UDP socket in one thread.
 */
public final class AuthenticationServer implements AutoCloseable {
    /**
     * Conversations kept at once; the oldest is dropped beyond this. Each holds a TLS server state, so this bounds
     * what unauthenticated-by-TLS (but RADIUS-authenticated) peers can make the AS hold.
     */
    public static final int MAX_CONVERSATIONS = 256;
    /** A conversation idle this long (by the injected clock) is dropped (RFC 3579 suggests seconds, not minutes). */
    public static final int CONVERSATION_IDLE_SECONDS = 60;
    public static final int STATE_BYTES = 16;

    private final TlsCredentials credentials;
    private final byte[] secret;
    private final SecureRandom random;
    private final Clock clock;
    private final int sessionTimeoutSeconds;
    private final int fragmentBytes;
    private final SessionStore sessions;
    private final DuplicateCache duplicates;
    private final LinkedHashMap<String, Conversation> conversations = new LinkedHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong retransmissions = new AtomicLong();
    private DatagramSocket socket;
    private Thread thread;

    /**
     * @param sessionTimeoutSeconds the lifetime of an EAP session and of the keys derived from it, 1..
     * @param fragmentBytes         EAP-TLS fragment size (RFC 5216 §2.1.5), 64..4000; 1000 fits RADIUS well
     */
    public AuthenticationServer(TlsCredentials credentials, byte[] secret, SecureRandom random, Clock clock,
                                int sessionTimeoutSeconds, int fragmentBytes, SessionStore sessions) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        if (secret.length == 0) {
            throw new IllegalArgumentException("empty RADIUS secret");
        }
        this.secret = secret.clone();
        this.random = Objects.requireNonNull(random, "random");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (sessionTimeoutSeconds < 1) {
            throw new IllegalArgumentException("session timeout >= 1 s");
        }
        this.sessionTimeoutSeconds = sessionTimeoutSeconds;
        this.fragmentBytes = fragmentBytes;
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.duplicates = new DuplicateCache(clock, 30, 4096);
    }

    /**
     * Handles one datagram from {@code from} and returns the answer, empty when the datagram is dropped.
     * Never throws for bad input.
     */
    public synchronized java.util.Optional<byte[]> handle(byte[] buf, int off, int len, InetSocketAddress from) {
        RadiusPacket request;
        try {
            request = RadiusAuth.verifyRequest(buf, off, len, secret);
        } catch (EapException e) {
            dropped.incrementAndGet();
            return java.util.Optional.empty();
        }
        if (request.code() != RadiusPacket.ACCESS_REQUEST) {
            dropped.incrementAndGet();
            return java.util.Optional.empty();
        }
        byte[] cached = duplicates.lookup(from, request.identifier(), request.authenticator());
        if (cached != null) {
            retransmissions.incrementAndGet();
            return java.util.Optional.of(cached);
        }
        byte[] answer;
        try {
            answer = process(request);
        } catch (EapException e) {
            dropped.incrementAndGet();
            return java.util.Optional.empty();
        }
        duplicates.store(from, request.identifier(), request.authenticator(), answer);
        return java.util.Optional.of(answer);
    }

    private byte[] process(RadiusPacket request) throws EapException {
        byte[] eapBytes = request.eapMessage().orElseThrow(() -> new EapException(
                EapException.Reason.UNEXPECTED, "Access-Request without EAP-Message"));
        EapPacket eap = EapPacket.decode(eapBytes);
        byte[] state = request.first(RadiusPacket.ATTR_STATE).orElse(null);
        if (state == null) {
            if (!eap.isResponse() || eap.type() != EapPacket.TYPE_IDENTITY) {
                throw new EapException(EapException.Reason.UNEXPECTED, "first EAP packet is not Response/Identity");
            }
            String identity = new String(eap.typeData(), StandardCharsets.UTF_8);
            EapTlsServerSession session = new EapTlsServerSession(credentials, random, fragmentBytes);
            EapPacket start = session.start(eap.identifier() + 1);
            byte[] newState = new byte[STATE_BYTES];
            random.nextBytes(newState);
            putConversation(HexFormat.of().formatHex(newState), new Conversation(identity, session,
                    new long[] {clock.millis()}));
            return challenge(request, start, newState);
        }
        String key = HexFormat.of().formatHex(state);
        expireConversations();
        Conversation conv = conversations.get(key);
        if (conv == null) {
            // an unknown or finished State: the RADIUS client gets a plain reject
            return RadiusAuth.signResponse(RadiusPacket.ACCESS_REJECT, request.identifier(),
                    RadiusPacket.eapMessageAttributes(EapPacket.result(false, eap.identifier()).encode()),
                    request.authenticator(), secret);
        }
        EapPacket next = conv.session.onResponse(eap);
        conv.lastUsedMillis[0] = clock.millis();
        if (next.isRequest()) {
            return challenge(request, next, state);
        }
        conversations.remove(key);
        if (next.code() == EapPacket.CODE_FAILURE) {
            return RadiusAuth.signResponse(RadiusPacket.ACCESS_REJECT, request.identifier(),
                    RadiusPacket.eapMessageAttributes(next.encode()), request.authenticator(), secret);
        }
        return accept(request, next, conv);
    }

    private byte[] challenge(RadiusPacket request, EapPacket eap, byte[] state) {
        List<RadiusAttribute> attrs = new ArrayList<>(RadiusPacket.eapMessageAttributes(eap.encode()));
        attrs.add(new RadiusAttribute(RadiusPacket.ATTR_STATE, state));
        return RadiusAuth.signResponse(RadiusPacket.ACCESS_CHALLENGE, request.identifier(), attrs,
                request.authenticator(), secret);
    }

    private byte[] accept(RadiusPacket request, EapPacket success, Conversation conv) {
        EapTlsKeys keys = conv.session.keys();
        long expires = clock.millis() / 1000 + sessionTimeoutSeconds;
        sessions.put(new EapSession(conv.identity, keys.sessionId(), keys.emsk(), expires));
        byte[] salt = new byte[4];
        random.nextBytes(salt);
        // the two MPPE attributes need distinct salts (RFC 2548 §2.4.2)
        salt[2] = (byte) (salt[0] ^ 0x01);
        salt[3] = salt[1];
        List<RadiusAttribute> attrs = new ArrayList<>(RadiusPacket.eapMessageAttributes(success.encode()));
        attrs.add(new RadiusAttribute(RadiusPacket.ATTR_USER_NAME, conv.identity.getBytes(StandardCharsets.UTF_8)));
        attrs.add(new RadiusAttribute(RadiusPacket.ATTR_SESSION_TIMEOUT, uint32(sessionTimeoutSeconds)));
        attrs.add(RadiusAuth.mppeKeyAttribute(RadiusAuth.MS_MPPE_RECV_KEY, keys.mppeRecvKey(), secret,
                request.authenticator(), new byte[] {salt[0], salt[1]}));
        attrs.add(RadiusAuth.mppeKeyAttribute(RadiusAuth.MS_MPPE_SEND_KEY, keys.mppeSendKey(), secret,
                request.authenticator(), new byte[] {salt[2], salt[3]}));
        if (request.count(RadiusPacket.ATTR_EAP_KEY_NAME) > 0 && keys.sessionId().length <= 253) {
            // the RADIUS client asked for the EAP Session-Id by sending an empty EAP-Key-Name
            attrs.add(new RadiusAttribute(RadiusPacket.ATTR_EAP_KEY_NAME, keys.sessionId()));
        }
        accepted.incrementAndGet();
        return RadiusAuth.signResponse(RadiusPacket.ACCESS_ACCEPT, request.identifier(), attrs,
                request.authenticator(), secret);
    }

    private static byte[] uint32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private void expireConversations() {
        long now = clock.millis();
        conversations.values().removeIf(c -> now - c.lastUsedMillis[0] >= CONVERSATION_IDLE_SECONDS * 1000L);
    }

    private void putConversation(String key, Conversation c) {
        expireConversations();
        conversations.put(key, c);
        while (conversations.size() > MAX_CONVERSATIONS) {
            var it = conversations.entrySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** Binds {@code address} (port 0 picks a free one) and serves in a daemon thread until {@link #close}. */
    public synchronized void start(InetSocketAddress address) throws SocketException {
        if (socket != null) {
            throw new IllegalStateException("already started");
        }
        socket = new DatagramSocket(address);
        DatagramSocket s = socket;
        thread = new Thread(() -> serve(s), "recsec-eap-as");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(DatagramSocket s) {
        byte[] buf = new byte[RadiusPacket.MAX_PACKET_BYTES];
        while (!s.isClosed()) {
            DatagramPacket dp = new DatagramPacket(buf, buf.length);
            try {
                s.receive(dp);
                java.util.Optional<byte[]> answer = handle(buf, 0, dp.getLength(),
                        (InetSocketAddress) dp.getSocketAddress());
                if (answer.isPresent()) {
                    s.send(new DatagramPacket(answer.get(), answer.get().length, dp.getSocketAddress()));
                }
            } catch (IOException e) {
                if (s.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Waits until the serving thread ends (after {@link #close} from another thread). */
    public void join() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            t.join();
        }
    }

    /** The bound UDP port. @throws IllegalStateException before {@link #start} */
    public synchronized int port() {
        if (socket == null) {
            throw new IllegalStateException("not started");
        }
        return socket.getLocalPort();
    }

    public SessionStore sessions() {
        return sessions;
    }

    /** Datagrams dropped: undecodable, unauthenticated, or refused by their conversation. */
    public long dropped() {
        return dropped.get();
    }

    /** Retransmitted requests answered from the duplicate cache (RFC 5080 §2.2.2). */
    public long retransmissionsAnswered() {
        return retransmissions.get();
    }

    /** Access-Accepts sent (retransmitted answers not counted). */
    public long accepted() {
        return accepted.get();
    }

    @Override
    public void close() throws InterruptedException {
        DatagramSocket s;
        Thread t;
        synchronized (this) {
            s = socket;
            t = thread;
        }
        if (s != null) {
            s.close();
        }
        if (t != null) {
            t.join();
        }
    }

    /** {@code lastUsedMillis} is a one-element holder, touched only under the server's lock. */
    private record Conversation(String identity, EapTlsServerSession session, long[] lastUsedMillis) {
    }

    /** Conversations in progress, for tests and status output. */
    public synchronized int conversations() {
        return conversations.size();
    }
}
