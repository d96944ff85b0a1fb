package org.recsec.kmp.eap.aps;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.recsec.km.pfkey.PfKey;
import org.recsec.kmp.eap.EapException;
import org.recsec.record.base.SecretBytes;

/**
 * The messages of the pull-key flow (draft-ohba-core-eap-based-bootstrapping §4.3 step 2), ours until a standard
 * exists. All integers are big-endian; strings are UTF-8 with a one-byte length; every message starts with its
 * version (2 for the pull request, which gained the record profile; 1 for the others) and must end exactly where
 * its last field ends.
 * <pre>
 *   UE -> ApS   POST /eap-key  (unprotected: there is no SA yet)
 *     PullRequest  = 2 ‖ suite(2) ‖ profile(1) ‖ ue_inbound_spi(4) ‖ len ‖ ue_identity ‖ len ‖ session_id
 *                    profile: the PF_KEY record profile id (1 dtls12, 2 dtls12-cid, 3 compact, 4 compact8)
 *     PullResponse = 1 ‖ aps_inbound_spi(4) ‖ lifetime_seconds(4)                       2.04 Changed
 *   ApS -> AS   POST /eap-usrk (protected by a record SA pair between ApS and AS)
 *     KeyRequest   = 1 ‖ len ‖ aps_identity ‖ len ‖ ue_identity ‖ len ‖ session_id
 *     KeyResponse  = 1 ‖ lifetime_seconds(4) ‖ usrk(64)                                 2.05 Content
 * </pre>
 * The USRK is the one of {@link org.recsec.kmp.eap.Usrk#forApplicationServer}; the lifetime is what is left of the
 * EAP session (its Session-Timeout), and both SAs get it as their hard add-time lifetime.
 */
public final class PullMessages {
    public static final int VERSION = 1;
    /** The version of {@link PullRequest}: 2, since it carries the record profile. */
    public static final int PULL_REQUEST_VERSION = 2;
    public static final int USRK_BYTES = 64;

    private PullMessages() {
    }

    /**
     * UE to ApS.
     *
     * @param profile the record profile id of {@code org.recsec.km.pfkey.PfKey} the UE is configured for; the ApS
     *                refuses a request whose profile is not its own (4.06)
     */
    public record PullRequest(int suiteCode, int profile, long ueInboundSpi, String ueIdentity, byte[] sessionId) {
        public byte[] encode() {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(PULL_REQUEST_VERSION);
            o.write(suiteCode >>> 8);
            o.write(suiteCode);
            o.write(profile);
            u32(o, ueInboundSpi);
            str(o, ueIdentity.getBytes(StandardCharsets.UTF_8));
            str(o, sessionId);
            return o.toByteArray();
        }

        public static PullRequest decode(byte[] b) throws EapException {
            Reader r = new Reader(b, PULL_REQUEST_VERSION);
            int suite = r.u16();
            int profile = r.u8();
            if (!PfKey.isKnownProfile(profile)) {
                throw new EapException(EapException.Reason.MALFORMED, "unknown record profile " + profile);
            }
            long spi = r.u32();
            String id = r.string();
            byte[] sid = r.bytes();
            r.end();
            return new PullRequest(suite, profile, spi, id, sid);
        }
    }

    /** ApS to UE. */
    public record PullResponse(long apsInboundSpi, long lifetimeSeconds) {
        public byte[] encode() {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(VERSION);
            u32(o, apsInboundSpi);
            u32(o, lifetimeSeconds);
            return o.toByteArray();
        }

        public static PullResponse decode(byte[] b) throws EapException {
            Reader r = new Reader(b);
            PullResponse p = new PullResponse(r.u32(), r.u32());
            r.end();
            return p;
        }
    }

    /** ApS to AS. */
    public record KeyRequest(String apsIdentity, String ueIdentity, byte[] sessionId) {
        public byte[] encode() {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(VERSION);
            str(o, apsIdentity.getBytes(StandardCharsets.UTF_8));
            str(o, ueIdentity.getBytes(StandardCharsets.UTF_8));
            str(o, sessionId);
            return o.toByteArray();
        }

        public static KeyRequest decode(byte[] b) throws EapException {
            Reader r = new Reader(b);
            KeyRequest k = new KeyRequest(r.string(), r.string(), r.bytes());
            r.end();
            return k;
        }
    }

    /** AS to ApS; {@code toString} hides the key. */
    public record KeyResponse(long lifetimeSeconds, SecretBytes usrk) {
        public byte[] encode() {
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(VERSION);
            u32(o, lifetimeSeconds);
            byte[] k = usrk.toByteArray();
            o.writeBytes(k);
            java.util.Arrays.fill(k, (byte) 0);
            return o.toByteArray();
        }

        public static KeyResponse decode(byte[] b) throws EapException {
            Reader r = new Reader(b);
            long life = r.u32();
            if (b.length != 1 + 4 + USRK_BYTES) {
                throw new EapException(EapException.Reason.MALFORMED, "key response length");
            }
            return new KeyResponse(life, SecretBytes.copyOf(b, 5, USRK_BYTES));
        }

        @Override
        public String toString() {
            return "KeyResponse[lifetime=" + lifetimeSeconds + "]";
        }
    }

    private static void u32(ByteArrayOutputStream o, long v) {
        o.write((int) (v >>> 24));
        o.write((int) (v >>> 16));
        o.write((int) (v >>> 8));
        o.write((int) v);
    }

    private static void str(ByteArrayOutputStream o, byte[] b) {
        if (b.length > 255) {
            throw new IllegalArgumentException("field above 255 bytes");
        }
        o.write(b.length);
        o.writeBytes(b);
    }

    /** Bounds-checked reader; every failure is MALFORMED. */
    private static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) throws EapException {
            this(b, VERSION);
        }

        Reader(byte[] b, int version) throws EapException {
            if (b == null || b.length < 1 || (b[0] & 0xff) != version) {
                throw new EapException(EapException.Reason.MALFORMED, "unknown pull-key message version");
            }
            this.b = b;
            this.pos = 1;
        }

        private void need(int n) throws EapException {
            if (b.length - pos < n) {
                throw new EapException(EapException.Reason.MALFORMED, "truncated pull-key message");
            }
        }

        int u8() throws EapException {
            need(1);
            return b[pos++] & 0xff;
        }

        int u16() throws EapException {
            need(2);
            int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
            pos += 2;
            return v;
        }

        long u32() throws EapException {
            need(4);
            long v = ((long) (b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8)
                    | (b[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        byte[] bytes() throws EapException {
            need(1);
            int n = b[pos++] & 0xff;
            need(n);
            byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        /** Strict UTF-8: malformed input is refused, so one identity has exactly one encoding. */
        String string() throws EapException {
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes())).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new EapException(EapException.Reason.MALFORMED, "identity is not UTF-8");
            }
        }

        void end() throws EapException {
            if (pos != b.length) {
                throw new EapException(EapException.Reason.MALFORMED, "trailing bytes in pull-key message");
            }
        }
    }
}
