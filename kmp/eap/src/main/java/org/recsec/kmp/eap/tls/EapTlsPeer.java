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

/**
 * An EAP peer doing EAP-TLS (RFC 5216 §2.1) on Bouncy Castle's TLS 1.2 client, the UE's host peer where no
 * secure element is used. Answers Identity with its identity, NAKs other methods towards EAP-TLS (RFC 3748 §5.3),
 * runs the handshake through EAP-TLS fragments and, after EAP-Success, holds MSK, EMSK and Session-Id
 * (§2.3). The server must present a certificate issued by the configured CA.
 *
 * <p>A retransmitted Request (same Identifier as the last one answered) gets the same Response again, as
 * RFC 3748 §4.1 asks of a peer; a malformed Request is refused with {@link EapException} and changes nothing.
 */
public final class EapTlsPeer {
    private final String identity;
    private final org.recsec.kmp.eap.tls.TlsCredentials creds;
    private final JcaTlsCrypto crypto;
    private final Fragments fragments;
    private TlsClientProtocol protocol;
    private int lastId = -1;
    private EapPacket lastResponse;
    private boolean handshakeDone;
    private boolean succeeded;
    private boolean failed;
    private EapTlsKeys keys;

    public EapTlsPeer(String identity, org.recsec.kmp.eap.tls.TlsCredentials creds, SecureRandom random,
                      int fragmentBytes) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.creds = Objects.requireNonNull(creds, "creds");
        this.crypto = BcTls.crypto(random);
        this.fragments = new Fragments(fragmentBytes);
    }

    /**
     * Handles one packet from the authenticator: returns the Response to send, or null after EAP-Success.
     *
     * @throws EapException {@code REJECTED} on EAP-Failure, {@code TLS_FAILED} when the handshake fails,
     *                      {@code MALFORMED}/{@code UNEXPECTED} for a packet that is refused (state unchanged)
     */
    public EapPacket onPacket(EapPacket packet) throws EapException {
        if (succeeded || failed) {
            throw new EapException(EapException.Reason.UNEXPECTED, "EAP conversation already over");
        }
        switch (packet.code()) {
            case EapPacket.CODE_SUCCESS -> {
                if (!handshakeDone || fragments.hasOutput()) {
                    throw new EapException(EapException.Reason.UNEXPECTED, "EAP-Success before the TLS handshake");
                }
                succeeded = true;
                return null;
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
            return lastResponse;
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
        return response;
    }

    private EapPacket tls(EapPacket request) throws EapException {
        EapTlsFrame frame = EapTlsFrame.decode(request.typeData());
        if (frame.start()) {
            if (protocol != null) {
                throw new EapException(EapException.Reason.UNEXPECTED, "second EAP-TLS Start");
            }
            TlsClientProtocol p = new TlsClientProtocol();
            try {
                p.connect(new Client());
            } catch (IOException | RuntimeException e) {
                throw new EapException(EapException.Reason.TLS_FAILED, "TLS client setup failed", e);
            }
            protocol = p;
            fragments.send(drain());
            return tlsResponse(request, fragments.nextFragment());
        }
        if (protocol == null) {
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
        byte[] out;
        try {
            protocol.offerInput(message);
            out = drain();
        } catch (IOException | RuntimeException e) {
            failed = true;
            throw new EapException(EapException.Reason.TLS_FAILED, "TLS handshake failed", e);
        }
        if (out.length == 0) {
            return tlsResponse(request, EapTlsFrame.ack());
        }
        fragments.send(out);
        return tlsResponse(request, fragments.nextFragment());
    }

    private byte[] drain() {
        int n = protocol == null ? 0 : protocol.getAvailableOutputBytes();
        byte[] out = new byte[n];
        if (n > 0) {
            protocol.readOutput(out, 0, n);
        }
        return out;
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

    /** MSK, EMSK and Session-Id. @throws IllegalStateException before EAP-Success */
    public EapTlsKeys keys() {
        if (!succeeded) {
            throw new IllegalStateException("EAP has not succeeded");
        }
        return keys;
    }

    public String identity() {
        return identity;
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
                public TlsCredentials getClientCredentials(CertificateRequest certificateRequest) throws IOException {
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
