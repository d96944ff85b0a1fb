package org.recsec.kmp.iose;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Function;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SeCipherProvider;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.RecSecException;
import org.recsec.record.spi.RecordCipher;
import org.recsec.record.base.SecretBytes;

/**
 * The record SA pair of an IoSE session (issue 18 item 9): record-sec's SAs keyed by the TLS 1.3 session between a
 * user and a grid SE, the user's side installed through PF_KEY into the user's SAD, the card's side kept on the card
 * and used by the grid host through {@link IoseRecordCipher}.
 *
 * <p>Derivation (kmp/iose/README.md, "Record SA"): the user picks two distinct SPIs (256..2^32-1), the client to
 * card one c and the card to client one s, sends the shell line {@code r} c s (8 hex digits each) in the session,
 * and both ends compute for d = 0 (client to card) and d = 1 (card to client)
 * {@code key(16) ‖ salt(4) = TLS-Exporter("EXPORTER-recsec record SA", uint32(c) ‖ uint32(s) ‖ uint8(d), 20)}
 * (RFC 8446 §7.5): the card from its exporter_master_secret, the user from Bouncy Castle's
 * ({@code TlsContext.exportKeyingMaterial}). Suite: TLS_PSK_WITH_AES_128_CCM (0xC0A4) after
 * TLS_AES_128_CCM_SHA256, TLS_PSK_WITH_AES_128_CCM_8 (0xC0A8) after TLS_AES_128_CCM_8_SHA256; record profile
 * {@code dtls12}, epoch 0, sequence numbers from 0. Another session (a relay's to the genuine card) has another
 * exporter_master_secret, so its SA opens none of the user's records.
 */
public final class IoseRecordSa {
    /** The exporter label (RFC 5705 §4: private labels begin with "EXPORTER"). */
    public static final String LABEL = "EXPORTER-recsec record SA";
    /** Exporter output per direction: AES-128 key and 4-byte salt. */
    public static final int SA_BYTES = 20;
    private static final String HANDLE_PREFIX = "iose:";

    private IoseRecordSa() {
    }

    /**
     * The SPIs of the pair (RFC 4301 §4.1: 0..255 reserved).
     *
     * @param clientToCard the SPI of the SA the user seals with (the card opens)
     * @param cardToClient the SPI of the SA the card seals with (the user opens)
     */
    public record Spis(long clientToCard, long cardToClient) {
        /** Checks range and distinctness. */
        public Spis {
            if (clientToCard < SaSpec.MIN_SPI || clientToCard > 0xFFFFFFFFL || cardToClient < SaSpec.MIN_SPI
                    || cardToClient > 0xFFFFFFFFL || clientToCard == cardToClient) {
                throw new IllegalArgumentException("SPIs must be distinct and in 256..2^32-1");
            }
        }

        /** Two distinct random SPIs. */
        public static Spis random(SecureRandom random) {
            while (true) {
                long c = SaSpec.MIN_SPI + (random.nextLong() >>> 1) % (0x1_0000_0000L - SaSpec.MIN_SPI);
                long s = SaSpec.MIN_SPI + (random.nextLong() >>> 1) % (0x1_0000_0000L - SaSpec.MIN_SPI);
                if (c != s) {
                    return new Spis(c, s);
                }
            }
        }
    }

    /** The exporter context of direction d (0 client to card, 1 card to client): uint32 c ‖ uint32 s ‖ uint8 d. */
    public static byte[] context(Spis spis, int direction) {
        if (direction != 0 && direction != 1) {
            throw new IllegalArgumentException("direction 0 or 1");
        }
        return ByteBuffer.allocate(9).putInt((int) spis.clientToCard()).putInt((int) spis.cardToClient())
                .put((byte) direction).array();
    }

    /** The record suite that follows the session's TLS 1.3 suite (0x1304 or 0x1305). */
    public static CipherSuite suiteFor(int tls13Suite) throws RecSecException {
        CipherSuite s = CipherSuite.forTls13Code(tls13Suite);
        if (s != CipherSuite.AES_128_CCM && s != CipherSuite.AES_128_CCM_8) {
            throw new RecSecException(RecSecException.Reason.UNSUPPORTED, "the card's record SA is AES-128-CCM");
        }
        return s;
    }

    /**
     * The user's side: asks the card for the pair in this session (shell line {@code r}), derives the same pair from
     * the session's exporter and installs it through PF_KEY ADD: SPI c from {@code userId} to {@code cardId}
     * (outbound), SPI s back (inbound).
     *
     * @throws IOException the card refused ({@code E ...}) or the session ended
     * @throws PfKeyException the SAD refused the pair
     */
    public static void install(IoseClient client, Spis spis, SadSession pfkey, String userId, String cardId)
            throws IOException, PfKeyException {
        CipherSuite suite;
        try {
            suite = suiteFor(client.cipherSuite());
        } catch (RecSecException e) {
            throw new IOException(e.getMessage(), e);
        }
        String answer = client.call(line(spis));
        if (!answer.equals("OK")) {
            throw new IOException("the secure element refused the record SA: " + answer);
        }
        SaSpec c2s = spec(client, spis, 0, spis.clientToCard(), userId, cardId, suite);
        SaSpec s2c = spec(client, spis, 1, spis.cardToClient(), cardId, userId, suite);
        pfkey.addPair(c2s, s2c, 0);
    }

    private static SaSpec spec(IoseClient client, Spis spis, int d, long spi, String src, String dst,
            CipherSuite suite) throws IOException {
        byte[] k = client.exportKeyingMaterial(LABEL, context(spis, d), SA_BYTES);
        try {
            return SaSpec.withKeys(spi, src, dst, suite, SecretBytes.copyOf(k, 0, 16), SecretBytes.copyOf(k, 16, 4));
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    /**
     * The card's side, on the grid host: reads the card's record SA (SA-INFO) and installs the SE-resident pair
     * through PF_KEY ADD into the grid host's SAD, both SAs with the handle {@link #handle}; the SAD must resolve it
     * with {@link #provider} (the grid's {@code IoseGrid.recordCiphers()}).
     *
     * @return the handle
     * @throws IOException the card has no record SA (SeException 6985) or does not answer
     * @throws PfKeyException the SAD refused the pair
     */
    public static String installOnCard(IoseCard card, String sen, SadSession pfkey, String cardId, String userId)
            throws IOException, PfKeyException {
        IoseCard.SaInfo info = card.saInfo();
        CipherSuite suite;
        try {
            suite = CipherSuite.forCode(info.suite());
        } catch (RecSecException e) {
            throw new SeException("SA-INFO names suite " + Integer.toHexString(info.suite()), -1);
        }
        String handle = handle(sen, suite);
        pfkey.addPair(SaSpec.onSecureElement(info.clientToCard(), userId, cardId, suite, handle),
                SaSpec.onSecureElement(info.cardToClient(), cardId, userId, suite, handle), 0);
        return handle;
    }

    /** The SE handle of a card's record SA: {@code iose:<SEN>:<suite code in hex>}. */
    public static String handle(String sen, CipherSuite suite) {
        return HANDLE_PREFIX + sen + ":" + Integer.toHexString(suite.code());
    }

    /**
     * Resolves {@link #handle}s to {@link IoseRecordCipher}s on the card that {@code cards} gives for the SEN; a
     * handle it does not know (or a SEN without a card) gets a cipher that refuses every record with
     * {@code KEY_MANAGEMENT}.
     */
    public static SeCipherProvider provider(Function<String, IoseCard> cards) {
        return handle -> {
            if (handle.startsWith(HANDLE_PREFIX)) {
                int colon = handle.lastIndexOf(':');
                String sen = handle.substring(HANDLE_PREFIX.length(), Math.max(colon, HANDLE_PREFIX.length()));
                IoseCard card = cards.apply(sen);
                try {
                    CipherSuite suite = CipherSuite.forCode(Integer.parseInt(handle.substring(colon + 1), 16));
                    if (card != null) {
                        return new IoseRecordCipher(card, suite);
                    }
                } catch (RecSecException | IllegalArgumentException e) {
                    // refused below
                }
            }
            return refusing(handle);
        };
    }

    private static RecordCipher refusing(String handle) {
        String why = "no IoSE secure element for handle " + handle;
        return new RecordCipher() {
            @Override
            public byte[] seal(int contentType, int epoch, long seq, byte[] plaintext, int off, int len)
                    throws RecSecException {
                throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT, why);
            }

            @Override
            public byte[] open(byte[] record, int off, int len) throws RecSecException {
                throw new RecSecException(RecSecException.Reason.KEY_MANAGEMENT, why);
            }

            @Override
            public int overheadBytes() {
                return 21 + 16;
            }
        };
    }

    /** The shell line (without CRLF) that asks the card for the pair: {@code r} c s, 8 hex digits each. */
    public static String line(Spis spis) {
        return String.format("r%08X%08X", spis.clientToCard(), spis.cardToClient());
    }
}
