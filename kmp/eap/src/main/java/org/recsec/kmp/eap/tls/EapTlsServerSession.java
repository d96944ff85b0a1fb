package org.recsec.kmp.eap.tls;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Objects;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsServerProtocol;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.EapTlsKeys;

/**
 * The EAP server's side of one EAP-TLS conversation (RFC 5216 §2.1) on Bouncy Castle's TLS 1.2 server in
 * non-blocking mode: EAP-TLS Start, the handshake flights fragmented both ways (§2.1.5), the peer's empty
 * Response after the server's Finished, then EAP-Success with the keys of §2.3. The peer must present a
 * certificate issued by the configured CA (§5.3). Not thread-safe: one conversation, one caller at a time.
 *
 * <p>A response with the wrong Identifier or a malformed EAP-TLS frame is refused with {@link EapException}
 * and changes nothing, so the authenticator can drop it and wait for the right one (RFC 3748 §4.1).
 */
public final class EapTlsServerSession {
    private final TlsCredentials creds;
    private final JcaTlsCrypto crypto;
    private final Fragments fragments;
    private final TlsServerProtocol protocol = new TlsServerProtocol();
    private int lastId;
    private boolean started;
    private boolean handshakeDone;
    private boolean finished;
    private boolean succeeded;
    private EapTlsKeys keys;
    private X509Certificate peerCertificate;
    private String failure;

    /**
     * @param fragmentBytes the largest TLS data per EAP-TLS Request (RFC 5216 §2.1.5), 64..4000
     */
    public EapTlsServerSession(TlsCredentials creds, SecureRandom random, int fragmentBytes) {
        this.creds = Objects.requireNonNull(creds, "creds");
        this.crypto = BcTls.crypto(random);
        this.fragments = new Fragments(fragmentBytes);
    }

    /** The EAP-TLS Start request (S flag, no data) with identifier {@code id}. */
    public EapPacket start(int id) throws EapException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            protocol.accept(new Server());
        } catch (IOException e) {
            throw new EapException(EapException.Reason.TLS_FAILED, "TLS server setup failed", e);
        }
        lastId = id & 0xff;
        return request(new EapTlsFrame(EapTlsFrame.FLAG_S, -1, new byte[0]));
    }

    /** The identifier of the last Request sent; the next Response must echo it. */
    public int lastIdentifier() {
        return lastId;
    }

    /**
     * Handles the peer's Response and returns the next Request, or EAP-Success / EAP-Failure.
     *
     * @throws EapException {@code UNEXPECTED} for a wrong identifier, a non-Response or a conversation already
     *                      over; {@code MALFORMED}/{@code TOO_LARGE} for a bad frame (state unchanged)
     */
    public EapPacket onResponse(EapPacket response) throws EapException {
        if (!started || finished) {
            throw new EapException(EapException.Reason.UNEXPECTED, "no EAP-TLS conversation in progress");
        }
        if (!response.isResponse() || response.identifier() != lastId) {
            throw new EapException(EapException.Reason.UNEXPECTED, "not the Response to the last Request");
        }
        if (response.type() == EapPacket.TYPE_NAK) {
            return fail();
        }
        if (response.type() != EapPacket.TYPE_TLS) {
            throw new EapException(EapException.Reason.UNEXPECTED, "Response of EAP type " + response.type());
        }
        EapTlsFrame frame = EapTlsFrame.decode(response.typeData());
        if (fragments.hasOutput()) {
            if (!frame.isAck()) {
                throw new EapException(EapException.Reason.UNEXPECTED, "expected an acknowledgement");
            }
            return request(fragments.nextFragment());
        }
        if (handshakeDone && !fragments.receiving()) {
            if (frame.isAck()) {
                succeeded = true;
                finished = true;
                return EapPacket.result(true, lastId);
            }
            return fail();
        }
        byte[] message = fragments.receive(frame);
        if (message == null) {
            return request(EapTlsFrame.ack());
        }
        byte[] out;
        try {
            protocol.offerInput(message);
            out = drain();
        } catch (IOException | RuntimeException e) {
            failure = e.toString();
            return fail();
        }
        if (out.length == 0) {
            // TLS needs more records from the peer than this flight held: ask for them
            return request(EapTlsFrame.ack());
        }
        fragments.send(out);
        return request(fragments.nextFragment());
    }

    private EapPacket fail() {
        finished = true;
        succeeded = false;
        try {
            protocol.close();
        } catch (IOException ignored) {
            // the conversation is over either way
        }
        return EapPacket.result(false, lastId);
    }

    private byte[] drain() {
        int n = protocol.getAvailableOutputBytes();
        byte[] out = new byte[n];
        if (n > 0) {
            protocol.readOutput(out, 0, n);
        }
        return out;
    }

    private EapPacket request(EapTlsFrame frame) {
        lastId = (lastId + 1) & 0xff;
        return EapPacket.of(EapPacket.CODE_REQUEST, lastId, EapPacket.TYPE_TLS, frame.encode());
    }

    /** Why the TLS handshake failed (exception type and message, no key material), or null. */
    public String failure() {
        return failure;
    }

    /** True once EAP-Success was produced. */
    public boolean succeeded() {
        return succeeded;
    }

    /** True once EAP-Success or EAP-Failure was produced. */
    public boolean finished() {
        return finished;
    }

    /** MSK, EMSK and Session-Id. @throws IllegalStateException before success */
    public EapTlsKeys keys() {
        if (!succeeded) {
            throw new IllegalStateException("EAP-TLS has not succeeded");
        }
        return keys;
    }

    /** The peer's validated certificate. @throws IllegalStateException before success */
    public X509Certificate peerCertificate() {
        if (!succeeded) {
            throw new IllegalStateException("EAP-TLS has not succeeded");
        }
        return peerCertificate;
    }

    private final class Server extends DefaultTlsServer {
        Server() {
            super(crypto);
        }

        @Override
        protected ProtocolVersion[] getSupportedVersions() {
            return ProtocolVersion.TLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            // only suites our key can sign for: BC would otherwise pick one it has no credentials for
            return TlsUtils.getSupportedCipherSuites(getCrypto(), BcTls.suitesFor(creds.key()));
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            return "EC".equals(creds.key().getAlgorithm()) ? BcTls.signer(context, crypto, creds) : null;
        }

        @Override
        protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
            return "RSA".equals(creds.key().getAlgorithm()) ? BcTls.signer(context, crypto, creds) : null;
        }

        @Override
        public CertificateRequest getCertificateRequest() {
            short[] types = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
            return new CertificateRequest(types, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
        }

        @Override
        public void notifyClientCertificate(org.bouncycastle.tls.Certificate clientCertificate) throws IOException {
            peerCertificate = BcTls.validate(clientCertificate, creds);
        }

        @Override
        public void notifyHandshakeComplete() throws IOException {
            super.notifyHandshakeComplete();
            keys = BcTls.exportKeys(context);
            handshakeDone = true;
        }
    }
}
