package org.recsec.applet.iose;

import javacard.framework.ISO7816;

/**
 * Constants of the IoSE applet (draft-urien-coinrg-iose): APDU bytes, status words, TLS 1.3 code points
 * (RFC 8446 §4, §6, §B.3), sizes and the named offsets of the RAM buffers held by {@link IoseRam}.
 */
final class IoseConsts {

    private IoseConsts() {
    }

    // ---- APDUs ----------------------------------------------------------------------------------------------------
    static final byte CLA = (byte) 0x80;
    /** RESET: forget the session (a new TCP connection starts), P1 P2 00 00. */
    static final byte INS_RESET = (byte) 0x19;
    /** PROCESS: EAP-TLS packet carrying TLS records from the client; the answer carries the card's records. */
    static final byte INS_PROCESS = (byte) 0x80;
    /** PERSONALISE: idLen ‖ identity ‖ pskLen ‖ psk ‖ senLen ‖ sen (the provider's PSK, §8.2). */
    static final byte INS_PERSONALISE = (byte) 0x30;
    /** READ-SEN: the secure element name (the grid learns it from the card, §2). */
    static final byte INS_READ_SEN = (byte) 0x32;
    /** FACTORY-RESET: data "WIPE"; clears identity, PSK, SEN and certificate (not the key pairs). */
    static final byte INS_FACTORY_RESET = (byte) 0x36;
    /** GET-STATUS: state ‖ personalised ‖ session count (2). */
    static final byte INS_GET_STATUS = (byte) 0x38;
    /** SA-INFO: the record SA the shell's {@code r} line derived: SPI c2s ‖ SPI s2c ‖ suite (2). */
    static final byte INS_SA_INFO = (byte) 0x3A;
    /** SA-SEAL: epoch ‖ seq (8) ‖ type ‖ plaintext -> the DTLS 1.2 record sealed with the card-to-client SA. */
    static final byte INS_SA_SEAL = (byte) 0x3C;
    /** SA-OPEN: a DTLS 1.2 record of the client-to-card SA -> its plaintext. */
    static final byte INS_SA_OPEN = (byte) 0x3E;
    static final short SW_AUTH_FAILED = (short) 0x6988;

    static final short SW_WRONG_LENGTH = ISO7816.SW_WRONG_LENGTH;
    static final short SW_WRONG_DATA = ISO7816.SW_WRONG_DATA;
    static final short SW_WRONG_STATE = ISO7816.SW_CONDITIONS_NOT_SATISFIED;
    static final short SW_TOO_LONG = ISO7816.SW_FILE_FULL;
    static final short SW_WRONG_P1P2 = ISO7816.SW_WRONG_P1P2;

    // ---- EAP-TLS framing (RFC 3748 §4, RFC 5216 §3) ------------------------------------------------------------------
    static final byte EAP_REQUEST = 1;
    static final byte EAP_RESPONSE = 2;
    static final byte EAP_TYPE_TLS = 13;
    static final short EAP_HEADER = 6;
    static final byte FLAG_L = (byte) 0x80;
    static final byte FLAG_M = 0x40;
    static final byte FLAG_S = 0x20;
    /** Card to host only: the TLS session has ended (alert sent or received); the host closes the connection. */
    static final byte FLAG_CLOSED = 0x01;
    static final byte FLAGS_RESERVED_IN = 0x1F;
    /** Data bytes per card-to-host fragment: 240 as in TLS-SE, leaving room in a 256-byte answer. */
    static final short EAP_FRAGMENT = 240;

    // ---- sizes ----------------------------------------------------------------------------------------------------
    static final short MAX_IDENTITY = 64;
    static final short MIN_PSK = 16;
    static final short MAX_PSK = 64;
    static final short MAX_SEN = 64;
    static final short MAX_CERT = 1536;
    /** Reassembled input (client records) followed by the card's output records and DH scratch. */
    static final short IO_SIZE = 1536;
    /** Largest input accepted in one PROCESS (one ClientHello record, or the client's records). */
    static final short MAX_INPUT = 900;
    static final short DH_BYTES = 256;
    static final short HASH = 32;
    static final short TAG = 16;
    static final short NONCE = 12;
    static final short RECORD_HEADER = 5;
    static final byte KEYS = 2;

    // ---- TLS 1.3 code points ----------------------------------------------------------------------------------------
    static final byte CT_CCS = 20;
    static final byte CT_ALERT = 21;
    static final byte CT_HANDSHAKE = 22;
    static final byte CT_APPLICATION = 23;
    static final byte HS_CLIENT_HELLO = 1;
    static final byte HS_SERVER_HELLO = 2;
    static final byte HS_ENCRYPTED_EXTENSIONS = 8;
    static final byte HS_FINISHED = 20;
    static final short SUITE_AES_128_CCM_SHA256 = 0x1304;
    static final short SUITE_AES_128_CCM_8_SHA256 = 0x1305;
    static final short TAG_8 = 8;
    static final short GROUP_FFDHE2048 = 0x0100;
    static final short EXT_SERVER_NAME = 0;
    static final short EXT_SUPPORTED_GROUPS = 10;
    static final short EXT_ALPN = 16;
    static final short EXT_PRE_SHARED_KEY = 41;
    static final short EXT_SUPPORTED_VERSIONS = 43;
    static final short EXT_PSK_MODES = 45;
    static final short EXT_KEY_SHARE = 51;
    static final byte PSK_DHE_KE = 1;

    static final byte ALERT_CLOSE_NOTIFY = 0;
    static final byte ALERT_UNEXPECTED_MESSAGE = 10;
    static final byte ALERT_BAD_RECORD_MAC = 20;
    static final byte ALERT_RECORD_OVERFLOW = 22;
    static final byte ALERT_HANDSHAKE_FAILURE = 40;
    static final byte ALERT_ILLEGAL_PARAMETER = 47;
    static final byte ALERT_DECODE_ERROR = 50;
    static final byte ALERT_DECRYPT_ERROR = 51;
    static final byte ALERT_PROTOCOL_VERSION = 70;
    static final byte ALERT_INTERNAL_ERROR = 80;
    static final byte ALERT_MISSING_EXTENSION = 109;
    static final byte ALERT_UNRECOGNIZED_NAME = 112;
    static final byte ALERT_UNKNOWN_PSK_IDENTITY = 115;
    static final byte ALERT_NO_APPLICATION_PROTOCOL = 120;

    // ---- session states ---------------------------------------------------------------------------------------------
    static final byte ST_WAIT_CLIENT_HELLO = 0;
    static final byte ST_WAIT_CLIENT_FINISHED = 1;
    static final byte ST_ESTABLISHED = 2;
    static final byte ST_CLOSED = 3;

    static final byte EAP_IDLE = 0;
    static final byte EAP_RECEIVING = 1;
    static final byte EAP_SENDING = 2;

    // ---- vars: small session variables ------------------------------------------------------------------------------
    static final short V_STATE = 0;
    static final short V_EAP_MODE = 1;
    static final short V_ALPN = 2;
    static final short V_IN_LEN = 4;
    static final short V_IN_EXPECTED = 6;
    static final short V_OUT_POS = 8;
    static final short V_OUT_START = 10;
    static final short V_OUT_END = 12;
    static final short V_READ_SEQ = 16;
    static final short V_WRITE_SEQ = 24;
    /** Lines of an application record not answered yet: io[V_PEND_OFF..V_PEND_END). */
    static final short V_PEND_OFF = 32;
    static final short V_PEND_END = 34;
    /** Length of the answer the shell wrote for one line. */
    static final short V_ANSWER_LEN = 36;
    /** Tag length of the chosen suite: 16 (0x1304) or 8 (0x1305). */
    static final short V_TAG = 38;
    static final short VARS_SIZE = 40;

    // ---- sec: session secrets ---------------------------------------------------------------------------------------
    /** Handshake secret HS (RFC 8446 §7.1), kept for the attestation Sign(HS ‖ rnd) (draft §8.5). */
    static final short S_HS = 0;
    /** Early secret, then the traffic secret being expanded. */
    static final short S_SECRET = 32;
    static final short S_CLIENT_FINISHED = 64;
    static final short S_PENDING_READ_KEY = 96;
    static final short S_PENDING_READ_IV = 112;
    static final short S_READ_IV = 124;
    static final short S_WRITE_IV = 136;
    static final short S_HASH = 148;
    /**
     * Scratch during the handshake; from the server flight on, exporter_master_secret (RFC 8446 §7.1), kept for the
     * record SA's TLS-Exporter (§7.5, {@link RecordSa}) until the session ends.
     */
    static final short S_TMP = 180;
    static final short S_EXPORTER = S_TMP;
    /** HkdfLabel and HKDF-Expand working storage; RecordSa's nonce and AAD scratch between APDUs. */
    static final short S_LABEL = 212;
    static final short S_LABEL_SIZE = 96;
    static final short SEC_SIZE = (short) (S_LABEL + S_LABEL_SIZE);

    /** ccm: AES-CCM working blocks. */
    static final short C_MAC = 0;
    static final short C_CTR = 16;
    static final short C_KS = 32;
    static final short C_BLOCK = 48;
    static final short CCM_SIZE = 64;

    // ---- sa: the record SA (RecordSa), kept across sessions until power-off, FACTORY-RESET or the next r line -------
    /** Tag length of the SA's suite: 0 no SA, 16 TLS_PSK_WITH_AES_128_CCM, 8 TLS_PSK_WITH_AES_128_CCM_8. */
    static final short A_TAG = 0;
    /** SPI client-to-card (the card opens), then SPI card-to-client (the card seals). */
    static final short A_SPIS = 1;
    static final short A_SALT_C2S = 9;
    static final short A_SALT_S2C = 13;
    /** Last epoch ‖ seq the card sealed (8); A_SEALED = 1 once one record was sealed. */
    static final short A_LAST_SEQ = 17;
    static final short A_SEALED = 25;
    static final short SA_SIZE = 26;
}
