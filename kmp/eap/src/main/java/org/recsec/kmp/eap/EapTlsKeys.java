package org.recsec.kmp.eap;

import java.util.Objects;
import org.recsec.record.base.SecretBytes;

/**
 * The keys an EAP-TLS conversation exports (RFC 5216 §2.3):
 * <pre>
 *   Key_Material = TLS-PRF-128(master_secret, "client EAP encryption", client.random ‖ server.random)
 *   MSK          = Key_Material[0..63]
 *   EMSK         = Key_Material[64..127]
 *   Session-Id   = 0x0D ‖ client.random ‖ server.random          (0x0D is the EAP-TLS method type)
 * </pre>
 * With RADIUS (RFC 2548, RFC 3748 via RFC 5216 §2.3) MS-MPPE-Recv-Key carries MSK[0..31] and MS-MPPE-Send-Key
 * MSK[32..63]. The EMSK never leaves the peer or the EAP server: only keys derived from it (RFC 5295 USRKs) do.
 * {@code toString} shows the Session-Id only.
 */
public final class EapTlsKeys implements UeKeys {
    /** The RFC 5216 §2.3 PRF label. */
    public static final String LABEL = "client EAP encryption";
    /** The EAP method type of EAP-TLS (RFC 5216 §3.1), first byte of its Session-Id. */
    public static final int EAP_TYPE_TLS = 13;
    public static final int RANDOM_BYTES = 32;
    public static final int MSK_BYTES = 64;
    public static final int EMSK_BYTES = 64;

    private final SecretBytes msk;
    private final SecretBytes emsk;
    private final byte[] sessionId;

    private EapTlsKeys(SecretBytes msk, SecretBytes emsk, byte[] sessionId) {
        this.msk = msk;
        this.emsk = emsk;
        this.sessionId = sessionId;
    }

    /**
     * Derives MSK, EMSK and Session-Id from a TLS 1.2 master secret and the two hello randoms.
     *
     * @param prfHash      the negotiated suite's PRF hash (SHA-256 unless the suite names SHA-384)
     * @param masterSecret the 48-byte master secret
     * @throws IllegalArgumentException when a random is not 32 bytes or the master secret not 48
     */
    public static EapTlsKeys derive(Tls12Prf.Hash prfHash, byte[] masterSecret, byte[] clientRandom,
                                    byte[] serverRandom) {
        if (masterSecret.length != 48) {
            throw new IllegalArgumentException("a TLS 1.2 master secret has 48 bytes");
        }
        byte[] seed = randoms(clientRandom, serverRandom);
        byte[] km = Tls12Prf.prf(prfHash, masterSecret, LABEL, seed, MSK_BYTES + EMSK_BYTES);
        try {
            return fromKeyMaterial(km, clientRandom, serverRandom);
        } finally {
            java.util.Arrays.fill(km, (byte) 0);
        }
    }

    /**
     * The keys from the 128 bytes of {@code Key_Material} computed elsewhere (e.g. by the TLS stack's own PRF).
     *
     * @throws IllegalArgumentException for a key material that is not 128 bytes or randoms that are not 32
     */
    public static EapTlsKeys fromKeyMaterial(byte[] keyMaterial, byte[] clientRandom, byte[] serverRandom) {
        if (keyMaterial.length != MSK_BYTES + EMSK_BYTES) {
            throw new IllegalArgumentException("Key_Material has 128 bytes");
        }
        byte[] seed = randoms(clientRandom, serverRandom);
        byte[] sid = new byte[1 + seed.length];
        sid[0] = EAP_TYPE_TLS;
        System.arraycopy(seed, 0, sid, 1, seed.length);
        return new EapTlsKeys(SecretBytes.copyOf(keyMaterial, 0, MSK_BYTES),
                SecretBytes.copyOf(keyMaterial, MSK_BYTES, EMSK_BYTES), sid);
    }

    /** {@code client.random ‖ server.random}, the PRF seed. */
    static byte[] randoms(byte[] clientRandom, byte[] serverRandom) {
        Objects.requireNonNull(clientRandom, "clientRandom");
        Objects.requireNonNull(serverRandom, "serverRandom");
        if (clientRandom.length != RANDOM_BYTES || serverRandom.length != RANDOM_BYTES) {
            throw new IllegalArgumentException("TLS randoms have 32 bytes");
        }
        byte[] seed = new byte[2 * RANDOM_BYTES];
        System.arraycopy(clientRandom, 0, seed, 0, RANDOM_BYTES);
        System.arraycopy(serverRandom, 0, seed, RANDOM_BYTES, RANDOM_BYTES);
        return seed;
    }

    /** The Master Session Key, 64 bytes. */
    public SecretBytes msk() {
        return msk;
    }

    /** The Extended Master Session Key, 64 bytes: input of {@link Usrk}. */
    public SecretBytes emsk() {
        return emsk;
    }

    /** MS-MPPE-Recv-Key: MSK[0..31]. */
    public SecretBytes mppeRecvKey() {
        byte[] m = msk.toByteArray();
        try {
            return SecretBytes.copyOf(m, 0, 32);
        } finally {
            java.util.Arrays.fill(m, (byte) 0);
        }
    }

    /** MS-MPPE-Send-Key: MSK[32..63]. */
    public SecretBytes mppeSendKey() {
        byte[] m = msk.toByteArray();
        try {
            return SecretBytes.copyOf(m, 32, 32);
        } finally {
            java.util.Arrays.fill(m, (byte) 0);
        }
    }

    /** The 65-byte Session-Id (a copy): the EAP method type 13, then the two randoms. Not secret. */
    @Override
    public byte[] sessionId() {
        return sessionId.clone();
    }

    /** The record-SA USRK from this EMSK, {@link Usrk#forApplicationServer}. */
    @Override
    public SecretBytes usrk(String apsIdentity) {
        return Usrk.forApplicationServer(emsk, apsIdentity);
    }

    @Override
    public String toString() {
        return "EapTlsKeys[sessionId=" + Hex.encode(sessionId) + "]";
    }
}
