package org.recsec.applet;

import javacard.framework.ISO7816;

/**
 * Every constant of the applet in one place: command bytes, status words, protocol code points, sizes and the
 * named offsets of the RAM buffers held by {@link Transients}. The APDU protocol is documented in applet/README.md.
 */
final class Consts {

    private Consts() {
    }

    // ---- classes and instructions -------------------------------------------------------------------------------
    /** Proprietary class of our commands. */
    static final byte CLA_PROPRIETARY = (byte) 0x80;
    /** Class byte used in Urien's examples (seed 003, Fig. 8/9); accepted as an alias. */
    static final byte CLA_URIEN = (byte) 0xA0;

    /** RESET (seed 003 §4.2): P1 0x10, P2 0x00. */
    static final byte INS_RESET = (byte) 0x19;
    static final byte P1_RESET = (byte) 0x10;
    /** PROCESS-EAP (seed 003 §4.2): the data is one EAP-TLS packet. */
    static final byte INS_PROCESS_EAP = (byte) 0x80;
    static final byte INS_PERSONALISE = (byte) 0x30;
    static final byte INS_READ_SEN = (byte) 0x32;
    static final byte INS_EXPORT_SA = (byte) 0x34;
    static final byte INS_FACTORY_RESET = (byte) 0x36;
    static final byte INS_GET_STATUS = (byte) 0x38;
    /** GENERATE-KEYPAIR: a new RSA-2048 key pair made on the card (the private key never leaves it). */
    static final byte INS_GENERATE_KEYPAIR = (byte) 0x50;
    /** READ-PUBLIC-KEY: P1 0 = modulus (256 bytes), 1 = public exponent. */
    static final byte INS_READ_PUBLIC_KEY = (byte) 0x52;
    /** WRITE-CERT: P1 0 = the card's certificate, 1 = the trust anchor; P2 0 = first chunk, 1 = next chunk. */
    static final byte INS_WRITE_CERT = (byte) 0x54;
    /**
     * EAP-KEYS: P1 0 = derive MSK and EMSK on the card (RFC 5216 §2.3) and answer the Session-Id; P1 1 = answer a
     * USRK from the EMSK (RFC 5295 §3.1) under the card's one key label, P2 = its length.
     */
    static final byte INS_EAP_KEYS = (byte) 0x3A;

    /** RESET P2 bits: TLS records instead of DTLS; certificate mode instead of PSK; offer the stored session. */
    static final byte MODE_TLS = 0x01;
    static final byte MODE_CERT = 0x02;
    static final byte MODE_RESUME = 0x04;
    static final byte MODE_ALL = 0x07;

    /** PROCESS-EAP P2: 0x00 = handshake (before Finished) or decrypt one record (after); 0x80|type = encrypt. */
    static final byte P2_ENCRYPT_FLAG = (byte) 0x80;

    // ---- status words ---------------------------------------------------------------------------------------------
    static final short SW_OK = ISO7816.SW_NO_ERROR;
    /** Lc does not match the EAP Length field or the command's layout. */
    static final short SW_WRONG_LENGTH = ISO7816.SW_WRONG_LENGTH;
    /** Malformed EAP packet, TLS record or handshake message; unexpected handshake message; alert received. */
    static final short SW_WRONG_DATA = ISO7816.SW_WRONG_DATA;
    /** The command is not allowed in the current state. */
    static final short SW_WRONG_STATE = ISO7816.SW_CONDITIONS_NOT_SATISFIED;
    /** The personalisation policy forbids the export of the security association. */
    static final short SW_POLICY = ISO7816.SW_COMMAND_NOT_ALLOWED;
    /** Record or Finished authentication failed (CCM tag or verify_data mismatch). */
    static final short SW_AUTH_FAILED = (short) 0x6988;
    /** The record's sequence number was seen already or is left of the replay window. */
    static final short SW_REPLAY = ISO7816.SW_DATA_INVALID;
    /** The message is larger than the card's buffer. */
    static final short SW_TOO_LONG = ISO7816.SW_FILE_FULL;
    static final short SW_WRONG_P1P2 = ISO7816.SW_WRONG_P1P2;
    static final short SW_INCORRECT_P1P2 = ISO7816.SW_INCORRECT_P1P2;
    static final short SW_INS_NOT_SUPPORTED = ISO7816.SW_INS_NOT_SUPPORTED;
    static final short SW_CLA_NOT_SUPPORTED = ISO7816.SW_CLA_NOT_SUPPORTED;

    // ---- session states -------------------------------------------------------------------------------------------
    /** Zero, so that RAM cleared on deselect means "idle". */
    static final byte ST_IDLE = 0;
    static final byte ST_WAIT_SERVER_HELLO = 1;
    static final byte ST_WAIT_SERVER_HELLO_DONE = 2;
    static final byte ST_WAIT_CCS = 3;
    static final byte ST_WAIT_FINISHED = 4;
    static final byte ST_ESTABLISHED = 5;
    static final byte ST_EXPORTED = 6;
    static final byte ST_ERROR = 7;

    // ---- EAP (RFC 3748, RFC 5216) -------------------------------------------------------------------------------
    static final byte EAP_REQUEST = 1;
    static final byte EAP_RESPONSE = 2;
    static final byte EAP_TYPE_TLS = 13;
    static final byte EAP_FLAG_L = (byte) 0x80;
    static final byte EAP_FLAG_M = 0x40;
    static final byte EAP_FLAG_S = 0x20;
    static final byte EAP_FLAGS_RESERVED = 0x1F;
    /** Code(1) Identifier(1) Length(2) Type(1) Flags(1). */
    static final short EAP_HEADER = 6;
    /** Largest TLS payload the card puts into one outgoing EAP fragment (seed 003 §4: about 200 bytes). */
    static final short EAP_FRAGMENT = 200;
    static final byte EAP_MODE_IDLE = 0;
    static final byte EAP_MODE_RECEIVING = 1;
    static final byte EAP_MODE_SENDING = 2;

    // ---- DTLS 1.2 (RFC 6347) ------------------------------------------------------------------------------------
    static final byte CT_CHANGE_CIPHER_SPEC = 20;
    static final byte CT_ALERT = 21;
    static final byte CT_HANDSHAKE = 22;
    static final byte CT_APPLICATION_DATA = 23;
    static final byte HT_CLIENT_HELLO = 1;
    static final byte HT_SERVER_HELLO = 2;
    static final byte HT_HELLO_VERIFY_REQUEST = 3;
    static final byte HT_CERTIFICATE = 11;
    static final byte HT_SERVER_KEY_EXCHANGE = 12;
    static final byte HT_CERTIFICATE_REQUEST = 13;
    static final byte HT_CERTIFICATE_VERIFY = 15;
    static final byte HT_SERVER_HELLO_DONE = 14;
    static final byte HT_CLIENT_KEY_EXCHANGE = 16;
    static final byte HT_FINISHED = 20;
    static final byte DTLS12_MAJOR = (byte) 0xFE;
    static final byte DTLS12_MINOR = (byte) 0xFD;
    /** DTLS 1.0 minor version, allowed in HelloVerifyRequest (RFC 6347 §4.2.1). */
    static final byte DTLS10_MINOR = (byte) 0xFF;
    /** TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655 §3). */
    static final short SUITE_PSK_AES_128_CCM_8 = (short) 0xC0A8;
    /** TLS_DHE_RSA_WITH_AES_128_CCM_8 (RFC 6655 §3). */
    static final short SUITE_DHE_RSA_AES_128_CCM_8 = (short) 0xC0A2;
    /** TLS 1.2 (RFC 5246): record and hello version 3.3. */
    static final byte TLS12_MAJOR = 3;
    static final byte TLS12_MINOR = 3;
    /** TLS record header: type(1) version(2) length(2) (RFC 5246 §6.2.1). */
    static final short TLS_RECORD_HEADER = 5;
    /** TLS handshake header: msg_type(1) length(3) (RFC 5246 §7.4). */
    static final short TLS_HS_HEADER = 4;
    static final short MAX_SESSION_ID = 32;
    /** SignatureAndHashAlgorithm rsa_pkcs1_sha256: hash sha256(4), signature rsa(1) (RFC 5246 §7.4.1.4.1). */
    static final short SIG_RSA_SHA256 = (short) 0x0401;
    /** ClientCertificateType rsa_sign (RFC 5246 §7.4.4). */
    static final byte CERT_TYPE_RSA_SIGN = 1;
    /** RSA-2048 and ffdhe2048: 256-byte moduli. */
    static final short RSA_BYTES = 256;
    /** Largest DER certificate the card stores (its own, and the trust anchor). */
    static final short MAX_CERT = 1024;
    /** Bytes of the ephemeral DH exponent: 256 bits, above the 225 RFC 7919 §5.2 asks for ffdhe2048. */
    static final short DH_EXPONENT = 32;
    /** TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3): signals secure renegotiation without an extension. */
    static final short SUITE_RENEGOTIATION_SCSV = (short) 0x00FF;
    /** type(1) version(2) epoch(2) sequence_number(6) length(2). */
    static final short RECORD_HEADER = 13;
    /** msg_type(1) length(3) message_seq(2) fragment_offset(3) fragment_length(3). */
    static final short HS_HEADER = 12;
    static final short RANDOM_LENGTH = 32;
    static final short VERIFY_DATA_LENGTH = 12;
    /** AES_128_CCM_8: explicit nonce 8, tag 8 (RFC 6655 §3). */
    static final short EXPLICIT_NONCE = 8;
    static final short TAG = 8;
    static final short AES_KEY = 16;
    static final short FIXED_IV = 4;
    static final short KEY_BLOCK = (short) (2 * AES_KEY + 2 * FIXED_IV);
    static final short MASTER_SECRET = 48;
    static final short SHA256 = 32;
    static final short HMAC_BLOCK = 64;
    /** Start of the plaintext in a protected record: header and explicit nonce precede it. */
    static final short RECORD_PLAINTEXT = (short) (RECORD_HEADER + EXPLICIT_NONCE);

    // ---- personalisation ----------------------------------------------------------------------------------------
    static final short MAX_IDENTITY = 64;
    static final short MAX_PSK = 64;
    static final short MAX_SEN = 64;
    /** Policy bit: EXPORT-SA is allowed. */
    static final byte POLICY_EXPORT = 0x01;
    /** FACTORY-RESET confirmation: the command data must be these four bytes ("WIPE"). */
    static final byte[] FACTORY_RESET_MAGIC = {'W', 'I', 'P', 'E'};

    // ---- X.509 / PKCS #1 (RFC 5280, RFC 8017) --------------------------------------------------------------------
    /** OID 1.2.840.113549.1.1.11 sha256WithRSAEncryption, as a DER TLV. */
    static final byte[] OID_SHA256_RSA = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01,
        0x0B};
    /** OID 1.2.840.113549.1.1.1 rsaEncryption, as a DER TLV. */
    static final byte[] OID_RSA = {0x06, 0x09, 0x2A, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xF7, 0x0D, 0x01, 0x01, 0x01};
    /** DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1). */
    static final byte[] DIGEST_INFO_SHA256 = {0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, (byte) 0x86, 0x48, 0x01, 0x65,
        0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};

    // ---- PRF labels (RFC 5246 §8.1, §6.3, §7.4.9) ---------------------------------------------------------------
    static final byte[] LABEL_MASTER_SECRET = {'m', 'a', 's', 't', 'e', 'r', ' ', 's', 'e', 'c', 'r', 'e', 't'};
    static final byte[] LABEL_KEY_EXPANSION = {'k', 'e', 'y', ' ', 'e', 'x', 'p', 'a', 'n', 's', 'i', 'o', 'n'};
    static final byte[] LABEL_CLIENT_FINISHED = {'c', 'l', 'i', 'e', 'n', 't', ' ', 'f', 'i', 'n', 'i', 's', 'h', 'e', 'd'};
    static final byte[] LABEL_SERVER_FINISHED = {'s', 'e', 'r', 'v', 'e', 'r', ' ', 'f', 'i', 'n', 'i', 's', 'h', 'e', 'd'};
    /** RFC 5216 §2.3: Key_Material = PRF(master_secret, "client EAP encryption", client.random ‖ server.random). */
    static final byte[] LABEL_CLIENT_EAP = {'c', 'l', 'i', 'e', 'n', 't', ' ', 'E', 'A', 'P', ' ', 'e', 'n', 'c', 'r',
        'y', 'p', 't', 'i', 'o', 'n'};
    /**
     * The only RFC 5295 key label the card derives USRKs for: the record-SA root key of kmp/eap
     * ("CoAP Record SA Root Key@recsec.invalid"). A fixed label keeps the host from asking for another usage's key.
     */
    static final byte[] LABEL_USRK = {'C', 'o', 'A', 'P', ' ', 'R', 'e', 'c', 'o', 'r', 'd', ' ', 'S', 'A', ' ', 'R',
        'o', 'o', 't', ' ', 'K', 'e', 'y', '@', 'r', 'e', 'c', 's', 'e', 'c', '.', 'i', 'n', 'v', 'a', 'l', 'i', 'd'};

    // ---- EAP-KEYS (RFC 5216 §2.3, RFC 5295 §3.1) ---------------------------------------------------------------
    /** Session-Id = 0x0D (EAP_TYPE_TLS) ‖ client.random ‖ server.random (RFC 5216 §2.3). */
    static final short SESSION_ID_LENGTH = 65;
    static final short MSK_LENGTH = 64;
    static final short EMSK_LENGTH = 64;
    /** Largest optional data (the application server's identity) EAP-KEYS P1 1 takes. */
    static final short USRK_MAX_DATA = 120;
    /** Largest USRK EAP-KEYS P1 1 answers (P2). */
    static final short USRK_MAX_LENGTH = 128;
    /** eap: E_FLAG, then client.random ‖ server.random, then the master secret, replaced by MSK ‖ EMSK. */
    static final short E_FLAG = 0;
    static final short E_RANDOMS = 1;
    static final short E_KEYS = (short) (E_RANDOMS + 2 * RANDOM_LENGTH);
    static final short E_EMSK = (short) (E_KEYS + MSK_LENGTH);
    static final short EAP_SIZE = (short) (E_KEYS + MSK_LENGTH + EMSK_LENGTH);
    /** E_FLAG values: nothing kept; randoms and master secret kept; MSK and EMSK derived (master secret gone). */
    static final byte EAP_KEYS_NONE = 0;
    static final byte EAP_KEYS_MASTER = 1;
    static final byte EAP_KEYS_DERIVED = 2;

    // ---- EXPORT-SA layout -----------------------------------------------------------------------------------------
    static final short EXPORT_LENGTH = 66;

    // ---- RAM buffer sizes and named offsets (see Transients) ----------------------------------------------------
    /** One record with up to IO_SIZE - 29 plaintext bytes, or one reassembled handshake flight. */
    static final short IO_SIZE = 1088;

    /** vars: small session variables. */
    static final short V_STATE = 0;
    static final short V_EAP_MODE = 1;
    static final short V_IN_P2 = 2;
    static final short V_HVR_SEEN = 3;
    static final short V_ACTION = 4;
    static final short V_IN_LEN = 6;
    static final short V_IN_EXPECTED = 8;
    static final short V_IN_BASE = 10;
    static final short V_OUT_POS = 12;
    static final short V_OUT_START = 14;
    static final short V_OUT_END = 16;
    static final short V_CLIENT_MSG_SEQ = 18;
    static final short V_SERVER_MSG_SEQ = 20;
    /** epoch(2) ‖ sequence_number(6) of the next record the card writes. */
    static final short V_WRITE_EPOCH_SEQ = 22;
    /** epoch(2) ‖ highest sequence_number(6) accepted from the server. */
    static final short V_READ_EPOCH_SEQ = 30;
    /** 64-bit replay bitmap, big-endian; bit 0 (lowest) is the highest accepted sequence number. */
    static final short V_READ_BITMAP = 38;
    static final short V_CLIENT_IV = 46;
    static final short V_SERVER_IV = 50;
    static final short V_TMP6 = 54;
    static final short V_COOKIE_OFF = 60;
    static final short V_COOKIE_LEN = 62;
    /** RESET P2 (MODE_* bits) of this session. */
    static final short V_MODE = 64;
    /** 1 when the server accepted the offered session (abbreviated handshake). */
    static final short V_RESUMED = 65;
    /** Length of the session id offered in the ClientHello (0: none). */
    static final short V_SID_OFFERED = 66;
    /** Last server handshake message type of the current flight (order check). */
    static final short V_LAST_MSG = 67;
    /** 1 when the server sent a CertificateRequest. */
    static final short V_CLIENT_AUTH = 68;
    /** Length of the server's session id (kept at H_SESSION_ID). */
    static final short V_SID_LEN = 69;
    /** DER walker: length of the last value read. */
    static final short V_DER_LEN = 70;
    /** Outgoing answer: offset in io where the card's certificate (EEPROM) is spliced in, and its length. */
    static final short V_SPLICE_AT = 72;
    static final short V_SPLICE_LEN = 74;
    /** TLS: sequence number of the record header last written (the explicit nonce and CCM AAD of that record). */
    static final short V_LAST_SEQ = 76;
    static final short VARS_SIZE = 84;

    /** hs: handshake secrets. */
    static final short H_CLIENT_RANDOM = 0;
    static final short H_SERVER_RANDOM = 32;
    static final short H_MASTER = 64;
    static final short H_SERVER_VERIFY = 112;
    static final short H_HASH = 124;
    /** premaster secret (RFC 4279 §2), later the key block. */
    static final short H_PMS = 156;
    static final short PMS_MAX = (short) (2 + MAX_PSK + 2 + MAX_PSK);
    /** The server's session id (up to 32 bytes). */
    static final short H_SESSION_ID = (short) (H_PMS + PMS_MAX);
    static final short HS_SIZE = (short) (H_SESSION_ID + MAX_SESSION_ID);

    /** hmac: HMAC-SHA256 working storage. */
    static final short M_KEY = 0;
    static final short M_PAD = 64;
    static final short M_INNER = 128;
    static final short M_A = 160;
    static final short M_OUT = 192;
    static final short HMAC_SIZE = 224;

    /** ccm: AES-CCM working blocks. */
    static final short C_MAC = 0;
    static final short C_CTR = 16;
    static final short C_KS = 32;
    static final short C_BLOCK = 48;
    static final short CCM_SIZE = 64;

    /** Action decided while parsing a server flight, carried out when the flight is parsed. */
    static final byte ACT_NONE = 0;
    static final byte ACT_CLIENT_HELLO_WITH_COOKIE = 1;
    static final byte ACT_FLIGHT5 = 2;
    static final byte ACT_DONE = 3;
    /** Abbreviated handshake: the server Finished verified; the card answers ChangeCipherSpec ‖ Finished. */
    static final byte ACT_RESUMED_FINISHED = 4;
}
