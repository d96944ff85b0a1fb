package org.recsec.record.internal.crypto;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Proxy;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.tls.ConnectionEnd;
import org.bouncycastle.tls.EncryptionAlgorithm;
import org.bouncycastle.tls.MACAlgorithm;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SecurityParameters;
import org.bouncycastle.tls.TlsContext;
import org.bouncycastle.tls.crypto.TlsCipher;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.TlsDecodeResult;
import org.bouncycastle.tls.crypto.TlsEncodeResult;
import org.bouncycastle.tls.crypto.TlsSecret;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.internal.wire.Bytes;

/**
 * Bouncy Castle's own DTLS 1.2 record protection (bctls {@code TlsAEADCipher} created by {@code BcTlsCrypto}), driven
 * the way BC's DTLSRecordLayer drives it: sequence number = epoch ‖ seq, header written by the record layer.
 *
 * <p>BC derives its record keys from the key block (RFC 5246 §6.3). To make it use a chosen key and IV, the master
 * secret is a stand-in whose PRF output is exactly client_write_key ‖ server_write_key ‖ client_write_IV ‖
 * server_write_IV with both directions set to the same key and IV. Everything else (nonce construction, AAD,
 * explicit nonce placement, AEAD engines) is BC's.
 */
final class BcTlsRecordProtection {
    private static final int HEADER = 13;

    private BcTlsRecordProtection() {
    }

    static TlsCipher cipher(CipherSuite suite, byte[] key, byte[] iv) throws IOException {
        return cipher(suite, key, iv, null);
    }

    /**
     * With a non-null {@code cid}, BC's cipher writes and reads RFC 9146 records: it takes its connection IDs from
     * the SecurityParameters a DTLS handshake with the connection_id extension fills (both set to {@code cid} here).
     */
    static TlsCipher cipher(CipherSuite suite, byte[] key, byte[] iv, byte[] cid) throws IOException {
        byte[] keyBlock = new byte[2 * key.length + 2 * iv.length];
        System.arraycopy(key, 0, keyBlock, 0, key.length);
        System.arraycopy(key, 0, keyBlock, key.length, key.length);
        System.arraycopy(iv, 0, keyBlock, 2 * key.length, iv.length);
        System.arraycopy(iv, 0, keyBlock, 2 * key.length + iv.length, iv.length);

        SecurityParameters sp = new SecurityParameters();
        set(sp, "entity", ConnectionEnd.client);
        set(sp, "negotiatedVersion", ProtocolVersion.DTLSv12);
        set(sp, "prfAlgorithm", PRFAlgorithm.tls_prf_sha256);
        set(sp, "clientRandom", new byte[32]);
        set(sp, "serverRandom", new byte[32]);
        set(sp, "masterSecret", keyBlockSecret(keyBlock));
        if (cid != null) {
            set(sp, "connectionIDLocal", cid.clone());
            set(sp, "connectionIDPeer", cid.clone());
        }

        BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
        TlsContext context = (TlsContext) Proxy.newProxyInstance(TlsContext.class.getClassLoader(),
                new Class<?>[] {TlsContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getSecurityParameters", "getSecurityParametersHandshake",
                            "getSecurityParametersConnection" -> sp;
                    case "isServer" -> false;
                    case "getServerVersion", "getClientVersion", "getRSAPreMasterSecretVersion" ->
                            ProtocolVersion.DTLSv12;
                    case "getCrypto" -> crypto;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test TlsContext";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return crypto.createCipher(new TlsCryptoParameters(context), encryptionAlgorithm(suite), MACAlgorithm._null);
    }

    static int encryptionAlgorithm(CipherSuite suite) {
        return switch (suite) {
            case AES_128_CCM_8 -> EncryptionAlgorithm.AES_128_CCM_8;
            case AES_128_CCM -> EncryptionAlgorithm.AES_128_CCM;
            case AES_128_GCM -> EncryptionAlgorithm.AES_128_GCM;
            case CHACHA20_POLY1305 -> EncryptionAlgorithm.CHACHA20_POLY1305;
        };
    }

    /** BC seals one DTLS 1.2 record; the 13-byte header is written as DTLSRecordLayer writes it. */
    static byte[] seal(CipherSuite suite, byte[] key, byte[] iv, int type, int epoch, long seq, byte[] plaintext)
            throws IOException {
        TlsCipher c = cipher(suite, key, iv);
        TlsEncodeResult r = c.encodePlaintext(((long) epoch << 48) | seq, (short) type, ProtocolVersion.DTLSv12,
                HEADER, plaintext, 0, plaintext.length);
        byte[] record = Arrays.copyOfRange(r.buf, r.off, r.off + r.len);
        record[0] = (byte) r.recordType;
        Bytes.writeUint16Be(record, 1, 0xfefd);
        Bytes.writeUint16Be(record, 3, epoch);
        Bytes.writeUint48Be(record, 5, seq);
        Bytes.writeUint16Be(record, 11, record.length - HEADER);
        return record;
    }

    /** BC opens (a copy of) one DTLS 1.2 record, taking type, epoch and seq from its header; IOException if it fails. */
    static byte[] open(CipherSuite suite, byte[] key, byte[] iv, byte[] sealed) throws IOException {
        byte[] record = sealed.clone(); // BC decrypts in place
        TlsCipher c = cipher(suite, key, iv);
        long seqNo = Bytes.readUint64Be(record, 3);
        TlsDecodeResult r = c.decodeCiphertext(seqNo, (short) (record[0] & 0xff), ProtocolVersion.DTLSv12, record,
                HEADER, record.length - HEADER);
        return Arrays.copyOfRange(r.buf, r.off, r.off + r.len);
    }

    /**
     * BC seals one RFC 9146 record with connection ID {@code cid}: BC builds the DTLSInnerPlaintext, chooses the
     * outer type and computes nonce, AAD and tag; the header is written as DTLSRecordLayer writes a CID record
     * (type, version, epoch, seq, CID, length).
     */
    static byte[] sealCid(CipherSuite suite, byte[] key, byte[] iv, byte[] cid, int type, int epoch, long seq,
                          byte[] plaintext) throws IOException {
        TlsCipher c = cipher(suite, key, iv, cid);
        int header = HEADER + cid.length;
        TlsEncodeResult r = c.encodePlaintext(((long) epoch << 48) | seq, (short) type, ProtocolVersion.DTLSv12,
                header, plaintext, 0, plaintext.length);
        byte[] record = Arrays.copyOfRange(r.buf, r.off, r.off + r.len);
        record[0] = (byte) r.recordType;
        Bytes.writeUint16Be(record, 1, 0xfefd);
        Bytes.writeUint16Be(record, 3, epoch);
        Bytes.writeUint48Be(record, 5, seq);
        System.arraycopy(cid, 0, record, 11, cid.length);
        Bytes.writeUint16Be(record, 11 + cid.length, record.length - header);
        return record;
    }

    /** What BC makes of one RFC 9146 record: the real content type and the content. */
    record CidOpened(int contentType, byte[] content) {
    }

    /**
     * BC opens (a copy of) one RFC 9146 record with connection ID {@code cid}; the record layer's part (outer type
     * 25, the CID in the header) is checked here, the rest (AAD, tag, inner type, padding) by BC.
     */
    static CidOpened openCid(CipherSuite suite, byte[] key, byte[] iv, byte[] cid, byte[] sealed) throws IOException {
        byte[] record = sealed.clone();
        if ((record[0] & 0xff) != 25 || !Arrays.equals(record, 11, 11 + cid.length, cid, 0, cid.length)) {
            throw new IOException("not a tls12_cid record with this CID");
        }
        TlsCipher c = cipher(suite, key, iv, cid);
        long seqNo = Bytes.readUint64Be(record, 3);
        int header = HEADER + cid.length;
        TlsDecodeResult r = c.decodeCiphertext(seqNo, (short) 25, ProtocolVersion.DTLSv12, record, header,
                record.length - header);
        return new CidOpened(r.contentType, Arrays.copyOfRange(r.buf, r.off, r.off + r.len));
    }

    private static void set(Object target, String field, Object value) {
        try {
            Field f = SecurityParameters.class.getDeclaredField(field);
            f.setAccessible(true);
            f.set(target, value);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("BC SecurityParameters changed: " + field, e);
        }
    }

    /** A master secret whose "key expansion" PRF output is the given key block (and nothing else is supported). */
    private static TlsSecret keyBlockSecret(byte[] keyBlock) {
        return (TlsSecret) Proxy.newProxyInstance(TlsSecret.class.getClassLoader(), new Class<?>[] {TlsSecret.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "deriveUsingPRF" -> {
                        if (!"key expansion".equals(args[1]) || (Integer) args[3] != keyBlock.length) {
                            throw new IllegalStateException("unexpected PRF use " + args[1] + " " + args[3]);
                        }
                        yield extractOnly(keyBlock);
                    }
                    case "isAlive" -> true;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test master secret";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static TlsSecret extractOnly(byte[] bytes) {
        return (TlsSecret) Proxy.newProxyInstance(TlsSecret.class.getClassLoader(), new Class<?>[] {TlsSecret.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "extract" -> bytes.clone();
                    case "isAlive" -> true;
                    case "destroy" -> null;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "test key block";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
