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
    static final byte HT_SERVER_KEY_EXCHANGE = 12;
    static final byte HT_SERVER_HELLO_DONE = 14;
    static final byte HT_CLIENT_KEY_EXCHANGE = 16;
    static final byte HT_FINISHED = 20;
    static final byte DTLS12_MAJOR = (byte) 0xFE;
    static final byte DTLS12_MINOR = (byte) 0xFD;
    /** DTLS 1.0 minor version, allowed in HelloVerifyRequest (RFC 6347 §4.2.1). */
    static final byte DTLS10_MINOR = (byte) 0xFF;
    /** TLS_PSK_WITH_AES_128_CCM_8 (RFC 6655 §3). */
    static final short SUITE_PSK_AES_128_CCM_8 = (short) 0xC0A8;
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

    // ---- PRF labels (RFC 5246 §8.1, §6.3, §7.4.9) ---------------------------------------------------------------
    static final byte[] LABEL_MASTER_SECRET = {'m', 'a', 's', 't', 'e', 'r', ' ', 's', 'e', 'c', 'r', 'e', 't'};
    static final byte[] LABEL_KEY_EXPANSION = {'k', 'e', 'y', ' ', 'e', 'x', 'p', 'a', 'n', 's', 'i', 'o', 'n'};
    static final byte[] LABEL_CLIENT_FINISHED = {'c', 'l', 'i', 'e', 'n', 't', ' ', 'f', 'i', 'n', 'i', 's', 'h', 'e', 'd'};
    static final byte[] LABEL_SERVER_FINISHED = {'s', 'e', 'r', 'v', 'e', 'r', ' ', 'f', 'i', 'n', 'i', 's', 'h', 'e', 'd'};

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
    static final short VARS_SIZE = 64;

    /** hs: handshake secrets. */
    static final short H_CLIENT_RANDOM = 0;
    static final short H_SERVER_RANDOM = 32;
    static final short H_MASTER = 64;
    static final short H_SERVER_VERIFY = 112;
    static final short H_HASH = 124;
    /** premaster secret (RFC 4279 §2), later the key block. */
    static final short H_PMS = 156;
    static final short PMS_MAX = (short) (2 + MAX_PSK + 2 + MAX_PSK);
    static final short HS_SIZE = (short) (H_PMS + PMS_MAX);

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
}
