package org.recsec.kmp.eap.aa;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.recsec.kmp.eap.EapException;
import org.recsec.kmp.eap.EapPacket;
import org.recsec.kmp.eap.radius.RadiusAttribute;
import org.recsec.kmp.eap.radius.RadiusAuth;
import org.recsec.kmp.eap.radius.RadiusClient;
import org.recsec.kmp.eap.radius.RadiusPacket;
import org.recsec.record.base.SecretBytes;

/**
 * The authentication agent's (AA) backend for one EAP conversation: an EAP pass-through authenticator
 * (RFC 3748 §2.3) that carries the peer's Responses to the AS in Access-Requests (RFC 3579 §2.1: User-Name from
 * the EAP-Response/Identity, the EAP packet in EAP-Message attributes, the State of the last Access-Challenge
 * echoed back, a Message-Authenticator) and hands back the EAP packet of the answer. On Access-Accept it holds
 * the MSK the AS sent (MS-MPPE-Recv-Key ‖ MS-MPPE-Send-Key, RFC 2548 and RFC 5216 §2.3) and the Session-Timeout.
 */
public final class RadiusPassThrough {
    private final RadiusClient client;
    private final String nasIdentifier;
    private String userName;
    private byte[] state;
    private boolean accepted;
    private boolean finished;
    private SecretBytes msk;
    private long sessionTimeoutSeconds = -1;

    public RadiusPassThrough(RadiusClient client, String nasIdentifier) {
        this.client = Objects.requireNonNull(client, "client");
        this.nasIdentifier = Objects.requireNonNull(nasIdentifier, "nasIdentifier");
    }

    /**
     * Forwards one EAP Response from the peer and returns what the AS answered: the next Request, or EAP-Success
     * / EAP-Failure (the latter also for an Access-Reject without EAP-Message).
     *
     * @throws EapException {@code TIMEOUT} when the AS does not answer, {@code MALFORMED}/{@code UNEXPECTED} for an
     *                      answer that carries no usable EAP packet
     * @throws IOException  for a socket failure
     */
    public EapPacket forward(EapPacket response) throws EapException, IOException {
        if (finished) {
            throw new EapException(EapException.Reason.UNEXPECTED, "the RADIUS conversation is over");
        }
        if (!response.isResponse()) {
            throw new EapException(EapException.Reason.UNEXPECTED, "only EAP Responses go to the AS");
        }
        if (userName == null && response.type() == EapPacket.TYPE_IDENTITY) {
            userName = new String(response.typeData(), StandardCharsets.UTF_8);
        }
        List<RadiusAttribute> attrs = new ArrayList<>();
        if (userName != null && !userName.isEmpty()) {
            byte[] u = userName.getBytes(StandardCharsets.UTF_8);
            attrs.add(new RadiusAttribute(RadiusPacket.ATTR_USER_NAME,
                    u.length > RadiusAttribute.MAX_VALUE_BYTES ? java.util.Arrays.copyOf(u, 253) : u));
        }
        attrs.add(new RadiusAttribute(RadiusPacket.ATTR_NAS_IDENTIFIER,
                nasIdentifier.getBytes(StandardCharsets.UTF_8)));
        // Framed-MTU: the EAP server sizes its EAP-TLS fragments below this (RFC 3579 §2.4)
        attrs.add(new RadiusAttribute(RadiusPacket.ATTR_FRAMED_MTU, new byte[] {0, 0, 4, 0}));
        attrs.addAll(RadiusPacket.eapMessageAttributes(response.encode()));
        if (state != null) {
            attrs.add(new RadiusAttribute(RadiusPacket.ATTR_STATE, state));
        }
        RadiusClient.Exchange ex = client.send(attrs);
        RadiusPacket answer = ex.response();
        byte[] eap = answer.eapMessage().orElse(null);
        switch (answer.code()) {
            case RadiusPacket.ACCESS_CHALLENGE -> {
                if (eap == null) {
                    throw new EapException(EapException.Reason.MALFORMED, "Access-Challenge without EAP-Message");
                }
                state = answer.first(RadiusPacket.ATTR_STATE).orElse(null);
                return EapPacket.decode(eap);
            }
            case RadiusPacket.ACCESS_ACCEPT -> {
                java.util.Optional<SecretBytes> recvKey = client.mppeKey(ex, RadiusAuth.MS_MPPE_RECV_KEY);
                java.util.Optional<SecretBytes> sendKey = client.mppeKey(ex, RadiusAuth.MS_MPPE_SEND_KEY);
                if (recvKey.isEmpty() || sendKey.isEmpty()) {
                    throw new EapException(EapException.Reason.MALFORMED, "Access-Accept without MS-MPPE keys");
                }
                SecretBytes recv = recvKey.get();
                SecretBytes send = sendKey.get();
                byte[] r = recv.toByteArray();
                byte[] s = send.toByteArray();
                byte[] m = new byte[r.length + s.length];
                System.arraycopy(r, 0, m, 0, r.length);
                System.arraycopy(s, 0, m, r.length, s.length);
                msk = SecretBytes.copyOf(m);
                java.util.Arrays.fill(r, (byte) 0);
                java.util.Arrays.fill(s, (byte) 0);
                java.util.Arrays.fill(m, (byte) 0);
                byte[] st = answer.first(RadiusPacket.ATTR_SESSION_TIMEOUT).orElse(null);
                if (st != null && st.length == 4) {
                    sessionTimeoutSeconds = ((long) (st[0] & 0xff) << 24) | ((st[1] & 0xff) << 16)
                            | ((st[2] & 0xff) << 8) | (st[3] & 0xff);
                }
                accepted = true;
                finished = true;
                return eap != null ? EapPacket.decode(eap) : EapPacket.result(true, response.identifier());
            }
            case RadiusPacket.ACCESS_REJECT -> {
                finished = true;
                return eap != null ? EapPacket.decode(eap) : EapPacket.result(false, response.identifier());
            }
            default -> throw new EapException(EapException.Reason.UNEXPECTED,
                    "RADIUS answer code " + answer.code());
        }
    }

    public boolean accepted() {
        return accepted;
    }

    /** The MSK from the MS-MPPE keys of the Access-Accept. @throws IllegalStateException before it */
    public SecretBytes msk() {
        if (!accepted) {
            throw new IllegalStateException("no Access-Accept yet");
        }
        return msk;
    }

    /** Session-Timeout of the Access-Accept in seconds, or -1 when it had none. */
    public long sessionTimeoutSeconds() {
        return sessionTimeoutSeconds;
    }
}
