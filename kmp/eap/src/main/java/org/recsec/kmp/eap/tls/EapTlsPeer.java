package org.recsec.kmp.eap.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsClientProtocol;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.EapTlsKeys;
import org.recsec.kmp.eap.UeKeys;

/**
 * An EAP peer doing EAP-TLS (RFC 5216 §2.1) with a {@link TlsPeerEngine}: Bouncy Castle's TLS 1.2 client (the UE's
 * host peer where no secure element is used, {@link #EapTlsPeer(String, org.recsec.kmp.eap.tls.TlsCredentials,
 * SecureRandom, int)}) or the secure element in TLS mode. Answers Identity with its identity, NAKs other methods
 * towards EAP-TLS (RFC 3748 §5.3), runs the handshake through EAP-TLS fragments and, after EAP-Success, holds the keys of §2.3 ({@link #ueKeys()};
 * MSK and EMSK only with the host engine, {@link #keys()}). The server must present a certificate issued by the
 * configured CA.
 *
 * <p>A retransmitted Request (same Identifier as the last one answered) gets the same Response again, as
 * RFC 3748 §4.1 asks of a peer; a malformed Request is refused with {@link EapException} and changes nothing.
 */
public final class EapTlsPeer {
    private final String identity;
    private final TlsPeerEngine engine;
    private final Fragments fragments;
    private boolean started;
    private int lastId = -1;
    private EapPacket lastResponse;
    private boolean succeeded;
    private boolean failed;
    private UeKeys ueKeys;

    /** A host peer on Bouncy Castle's TLS 1.2 client with {@code creds}. */
    public EapTlsPeer(String identity, org.recsec.kmp.eap.tls.TlsCredentials creds, SecureRandom random,
                      int fragmentBytes) {
        this(identity, new BcEngine(creds, random), fragmentBytes);
    }

    /**
     * A peer on any TLS client.
     *
     * @param fragmentBytes the largest TLS data per EAP-TLS Response (RFC 5216 §2.1.5)
     */
    public EapTlsPeer(String identity, TlsPeerEngine engine, int fragmentBytes) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.fragments = new Fragments(fragmentBytes);
    }

    /**
     * Handles one packet from the authenticator: returns the Response to send, empty after EAP-Success.
     *
     * @throws EapException {@code REJECTED} on EAP-Failure, {@code TLS_FAILED} when the handshake fails,
     *                      {@code MALFORMED}/{@code UNEXPECTED} for a packet that is refused (state unchanged)
     */
    public java.util.Optional<EapPacket> onPacket(EapPacket packet) throws EapException {
        if (succeeded || failed) {
            throw new EapException(EapException.Reason.UNEXPECTED, "EAP conversation already over");
        }
        switch (packet.code()) {
            case EapPacket.CODE_SUCCESS -> {
                if (!engine.handshakeDone() || fragments.hasOutput()) {
                    throw new EapException(EapException.Reason.UNEXPECTED, "EAP-Success before the TLS handshake");
                }
                try {
                    ueKeys = engine.keys();
                } catch (EapException e) {
                    failed = true;
                    throw e;
                }
                succeeded = true;
                return java.util.Optional.empty();
            }
            case EapPacket.CODE_FAILURE -> {
                failed = true;
                throw new EapException(EapException.Reason.REJECTED, "EAP-Failure from the server");
            }
            case EapPacket.CODE_RESPONSE -> throw new EapException(EapException.Reason.UNEXPECTED,
                    "a peer does not take Responses");
            default -> {
                // a Request
            }
        }
        if (packet.identifier() == lastId && lastResponse != null) {
            return java.util.Optional.of(lastResponse);
        }
        EapPacket response = switch (packet.type()) {
            case EapPacket.TYPE_IDENTITY -> response(packet, EapPacket.TYPE_IDENTITY,
                    identity.getBytes(StandardCharsets.UTF_8));
            case EapPacket.TYPE_NOTIFICATION -> response(packet, EapPacket.TYPE_NOTIFICATION, new byte[0]);
            case EapPacket.TYPE_TLS -> tls(packet);
            default -> response(packet, EapPacket.TYPE_NAK, new byte[] {EapPacket.TYPE_TLS});
        };
        lastId = packet.identifier();
        lastResponse = response;
        return java.util.Optional.of(response);
    }

    private EapPacket tls(EapPacket request) throws EapException {
        EapTlsFrame frame = EapTlsFrame.decode(request.typeData());
        if (frame.start()) {
            if (started) {
                throw new EapException(EapException.Reason.UNEXPECTED, "second EAP-TLS Start");
            }
            started = true;
            fragments.send(run(null));
            return tlsResponse(request, fragments.nextFragment());
        }
        if (!started) {
            throw new EapException(EapException.Reason.UNEXPECTED, "EAP-TLS data before Start");
        }
        if (fragments.hasOutput()) {
            if (!frame.isAck()) {
                throw new EapException(EapException.Reason.UNEXPECTED, "expected an acknowledgement");
            }
            return tlsResponse(request, fragments.nextFragment());
        }
        byte[] message = fragments.receive(frame);
        if (message == null) {
            return tlsResponse(request, EapTlsFrame.ack());
        }
        byte[] out = run(message);
        if (out.length == 0) {
            return tlsResponse(request, EapTlsFrame.ack());
        }
        fragments.send(out);
        return tlsResponse(request, fragments.nextFragment());
    }

    /** Starts the engine ({@code message} null) or offers it a message; a TLS failure ends the conversation. */
    private byte[] run(byte[] message) throws EapException {
        try {
            return message == null ? engine.start() : engine.offer(message);
        } catch (EapException e) {
            failed = true;
            throw e;
        }
    }

    private static EapPacket tlsResponse(EapPacket request, EapTlsFrame frame) {
        return response(request, EapPacket.TYPE_TLS, frame.encode());
    }

    private static EapPacket response(EapPacket request, int type, byte[] data) {
        return EapPacket.of(EapPacket.CODE_RESPONSE, request.identifier(), type, data);
    }

    public boolean succeeded() {
        return succeeded;
    }

    /**
     * MSK, EMSK and Session-Id of the host engine.
     *
     * @throws IllegalStateException before EAP-Success, or when the keys are not on the host (a secure element)
     */
    public EapTlsKeys keys() {
        EapTlsKeys k = succeeded ? engine.hostKeys() : null;
        if (k == null) {
            throw new IllegalStateException(succeeded ? "the EAP keys stay on the secure element"
                    : "EAP has not succeeded");
        }
        return k;
    }

    /** The host keys ({@link #keys()}) or null when they stay on a secure element; null before EAP-Success. */
    public EapTlsKeys hostKeys() {
        return succeeded ? engine.hostKeys() : null;
    }

    /** Session-Id and USRKs, wherever the EMSK is. @throws IllegalStateException before EAP-Success */
    public UeKeys ueKeys() {
        if (!succeeded) {
            throw new IllegalStateException("EAP has not succeeded");
        }
        return ueKeys;
    }

    public String identity() {
        return identity;
    }

    /** Bouncy Castle's TLS 1.2 client, non-blocking, validating the server against {@code creds}. */
    private static final class BcEngine implements TlsPeerEngine {
        private final org.recsec.kmp.eap.tls.TlsCredentials creds;
        private final JcaTlsCrypto crypto;
        private TlsClientProtocol protocol;
        private volatile boolean handshakeDone;
        private EapTlsKeys keys;

        BcEngine(org.recsec.kmp.eap.tls.TlsCredentials creds, SecureRandom random) {
            this.creds = Objects.requireNonNull(creds, "creds");
            this.crypto = BcTls.crypto(random);
        }

        @Override
        public byte[] start() throws EapException {
            TlsClientProtocol p = new TlsClientProtocol();
            try {
                p.connect(new Client());
            } catch (IOException | RuntimeException e) {
                throw new EapException(EapException.Reason.TLS_FAILED, "TLS client setup failed", e);
            }
            protocol = p;
            return drain();
        }

        @Override
        public byte[] offer(byte[] tlsData) throws EapException {
            try {
                protocol.offerInput(tlsData);
                return drain();
            } catch (IOException | RuntimeException e) {
                throw new EapException(EapException.Reason.TLS_FAILED, "TLS handshake failed", e);
            }
        }

        private byte[] drain() {
            int n = protocol.getAvailableOutputBytes();
            byte[] out = new byte[n];
            if (n > 0) {
                protocol.readOutput(out, 0, n);
            }
            return out;
        }

        @Override
        public boolean handshakeDone() {
            return handshakeDone;
        }

        @Override
        public UeKeys keys() {
            return keys;
        }

        @Override
        public EapTlsKeys hostKeys() {
            return keys;
        }

        private final class Client extends DefaultTlsClient {
            Client() {
                super(crypto);
            }

            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.TLSv12.only();
            }

            @Override
            public TlsAuthentication getAuthentication() {
                return new TlsAuthentication() {
                    @Override
                    public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                        BcTls.validate(serverCertificate.getCertificate(), creds);
                    }

                    @Override
                    public TlsCredentials getClientCredentials(CertificateRequest certificateRequest)
                            throws IOException {
                        return BcTls.signer(context, crypto, creds);
                    }
                };
            }

            @Override
            public void notifyHandshakeComplete() throws IOException {
                super.notifyHandshakeComplete();
                keys = BcTls.exportKeys(context);
                handshakeDone = true;
            }
        }
    }
}
