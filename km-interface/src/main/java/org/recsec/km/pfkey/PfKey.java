package org.recsec.km.pfkey;

import java.util.Optional;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.internal.wire.Bytes;

/**
 * The numbers of PF_KEY v2 (RFC 2367 §2, Linux {@code include/uapi/linux/pfkeyv2.h} for {@code SADB_X_*}) and the
 * record-sec additions, which all use the {@code SADB_X_} prefix RFC 2367 §1.4 asks for non-standard symbols.
 *
 * <h2>Deliberate differences from RFC 2367</h2>
 * <ul>
 *   <li>Every integer on the wire is <b>big-endian</b>, also the ones RFC 2367 §2 keeps in host order (lengths,
 *   types, seq, pid, sockaddr family): the messages cross processes and languages, and the spec vectors must be
 *   the same bytes on every machine.</li>
 *   <li>Extensions must come in strictly ascending type order (§2.4 says SHOULD and lets implementations enforce
 *   it); a repeated type is therefore caught as out of order as well: both give {@link #EINVAL}.</li>
 *   <li>Reserved fields and padding must be zero, so an accepted message re-encodes to the same bytes.</li>
 *   <li>An end of an SA may be named by an IDENTITY extension alone (a secure element has no address); when both
 *   ADDRESS and IDENTITY are present the identity names the end.</li>
 * </ul>
 */
public final class PfKey {
    private PfKey() {
    }

    /** PF_KEY_V2, the only accepted {@code sadb_msg_version}. */
    public static final int VERSION = 2;
    /** Bytes of the base header, {@code struct sadb_msg}. */
    public static final int BASE_HEADER_BYTES = 16;
    /** The largest message accepted anywhere (the daemon disconnects a client announcing more). */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;

    // Message types (RFC 2367 §2.1).
    public static final int SADB_GETSPI = 1;
    public static final int SADB_UPDATE = 2;
    public static final int SADB_ADD = 3;
    public static final int SADB_DELETE = 4;
    public static final int SADB_GET = 5;
    public static final int SADB_ACQUIRE = 6;
    public static final int SADB_REGISTER = 7;
    public static final int SADB_EXPIRE = 8;
    public static final int SADB_FLUSH = 9;
    public static final int SADB_DUMP = 10;

    // SA types (§2.1); RECSEC is ours, from the top of the u8 range, far above Linux's last (X_IPCOMP 9).
    public static final int SADB_SATYPE_UNSPEC = 0;
    public static final int SADB_SATYPE_ESP = 3;
    /** Record-layer SAs of recsec (a DTLS 1.2 record carrying CoAP), chosen by this project. */
    public static final int SADB_X_SATYPE_RECSEC = 250;

    // Extension types (§2.3, Linux up to X_FILTER 26); ours start at 32 to stay clear of Linux's.
    public static final int SADB_EXT_SA = 1;
    public static final int SADB_EXT_LIFETIME_CURRENT = 2;
    public static final int SADB_EXT_LIFETIME_HARD = 3;
    public static final int SADB_EXT_LIFETIME_SOFT = 4;
    public static final int SADB_EXT_ADDRESS_SRC = 5;
    public static final int SADB_EXT_ADDRESS_DST = 6;
    public static final int SADB_EXT_ADDRESS_PROXY = 7;
    public static final int SADB_EXT_KEY_AUTH = 8;
    public static final int SADB_EXT_KEY_ENCRYPT = 9;
    public static final int SADB_EXT_IDENTITY_SRC = 10;
    public static final int SADB_EXT_IDENTITY_DST = 11;
    public static final int SADB_EXT_SENSITIVITY = 12;
    public static final int SADB_EXT_PROPOSAL = 13;
    public static final int SADB_EXT_SUPPORTED_AUTH = 14;
    public static final int SADB_EXT_SUPPORTED_ENCRYPT = 15;
    public static final int SADB_EXT_SPIRANGE = 16;
    /** The fixed IV of the record AEAD: 4-byte salt (CCM, GCM) or 12-byte IV (ChaCha20-Poly1305). */
    public static final int SADB_X_EXT_RECSEC_IV = 32;
    /** Record profile: epoch u16, profile id u8, next sequence number u64 (48 bits used). */
    public static final int SADB_X_EXT_RECSEC_PROFILE = 33;
    /** Handle of an SA whose keys stay on a secure element (a C string). */
    public static final int SADB_X_EXT_RECSEC_SE_HANDLE = 34;
    /** The replay window in records as u32 (1..1024), for windows that do not fit {@code sadb_sa_replay}. */
    public static final int SADB_X_EXT_RECSEC_REPLAY = 35;

    // SA states (§2.3.1).
    public static final int SADB_SASTATE_LARVAL = 0;
    public static final int SADB_SASTATE_MATURE = 1;
    public static final int SADB_SASTATE_DYING = 2;
    public static final int SADB_SASTATE_DEAD = 3;

    /** {@code sadb_sa_flags}: perfect forward secrecy (§2.3.1). */
    public static final long SADB_SAFLAGS_PFS = 1;

    // Authentication algorithms: the record AEADs need none.
    public static final int SADB_AALG_NONE = 0;

    // Encryption algorithms: Linux's AEAD numbers where one exists. Linux has no PF_KEY number for
    // ChaCha20-Poly1305 (its 23 is NULL_AES_GMAC), so we take one from the private range 249-255 (RFC 2407 §4.4.1).
    public static final int SADB_X_EALG_AES_CCM_ICV8 = 14;
    public static final int SADB_X_EALG_AES_CCM_ICV16 = 16;
    public static final int SADB_X_EALG_AES_GCM_ICV16 = 20;
    public static final int SADB_X_EALG_RECSEC_CHACHA20_POLY1305 = 249;

    // Identity types (§2.3.4); ours name a CoAP endpoint URI or a secure element name.
    public static final int SADB_IDENTTYPE_PREFIX = 1;
    public static final int SADB_IDENTTYPE_FQDN = 2;
    public static final int SADB_IDENTTYPE_USERFQDN = 3;
    /** A CoAP endpoint, e.g. {@code coap://127.0.0.1:5683}. */
    public static final int SADB_X_IDENTTYPE_RECSEC_COAP_URI = 32;
    /** A secure element name (IoSE SEN). */
    public static final int SADB_X_IDENTTYPE_RECSEC_SE_NAME = 33;

    /** Record profile id of {@code SADB_X_EXT_RECSEC_PROFILE}: a DTLS 1.2 record (docs/DESIGN.md, "dtls12"). */
    public static final int RECSEC_PROFILE_DTLS12 = 1;
    /**
     * Record profile id: a DTLS 1.2 record with the SPI as connection ID (RFC 9146, docs/profiles.md "dtls12-cid");
     * keyed like dtls12 (KEY_ENCRYPT and IV).
     */
    public static final int RECSEC_PROFILE_DTLS12_CID = 2;
    /**
     * Record profile id: an RFC 9147 record with a 16-bit sequence number (docs/profiles.md "compact"); KEY_ENCRYPT
     * carries the 32-byte traffic secret of the direction, there is no IV extension.
     */
    public static final int RECSEC_PROFILE_COMPACT = 3;
    /** Record profile id: as {@link #RECSEC_PROFILE_COMPACT} with an 8-bit sequence number in the header. */
    public static final int RECSEC_PROFILE_COMPACT_SEQ8 = 4;
    /** Bytes of the traffic secret a compact-profile SA carries in KEY_ENCRYPT (SHA-256, RFC 8446 §7.1). */
    public static final int COMPACT_SECRET_BYTES = 32;

    /** True for the profile ids above. */
    public static boolean isKnownProfile(int profile) {
        return profile >= RECSEC_PROFILE_DTLS12 && profile <= RECSEC_PROFILE_COMPACT_SEQ8;
    }

    /** True for the compact profile ids, keyed by a traffic secret instead of key and IV. */
    public static boolean isCompactProfile(int profile) {
        return profile == RECSEC_PROFILE_COMPACT || profile == RECSEC_PROFILE_COMPACT_SEQ8;
    }

    // sockaddr families, Linux numbering, written big-endian like every other integer here.
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    // Linux errno numbers used in sadb_msg_errno.
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EIO = 5;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int EPROTONOSUPPORT = 93;
    public static final int ENOBUFS = 105;
    public static final int ETIMEDOUT = 110;

    /** The suite behind an encryption algorithm number, or empty when there is none. */
    public static Optional<CipherSuite> suiteForEalg(int ealg) {
        switch (ealg) {
            case SADB_X_EALG_AES_CCM_ICV8: return Optional.of(CipherSuite.AES_128_CCM_8);
            case SADB_X_EALG_AES_CCM_ICV16: return Optional.of(CipherSuite.AES_128_CCM);
            case SADB_X_EALG_AES_GCM_ICV16: return Optional.of(CipherSuite.AES_128_GCM);
            case SADB_X_EALG_RECSEC_CHACHA20_POLY1305: return Optional.of(CipherSuite.CHACHA20_POLY1305);
            default: return Optional.empty();
        }
    }

    /** The encryption algorithm number of a suite. */
    public static int ealgForSuite(CipherSuite suite) {
        switch (suite) {
            case AES_128_CCM_8: return SADB_X_EALG_AES_CCM_ICV8;
            case AES_128_CCM: return SADB_X_EALG_AES_CCM_ICV16;
            case AES_128_GCM: return SADB_X_EALG_AES_GCM_ICV16;
            case CHACHA20_POLY1305: return SADB_X_EALG_RECSEC_CHACHA20_POLY1305;
            default: throw new IllegalArgumentException("no PF_KEY number for " + suite);
        }
    }

    /** A short name of an errno for messages, e.g. {@code "ESRCH"}. */
    public static String errnoName(int errno) {
        switch (errno) {
            case 0: return "OK";
            case ENOENT: return "ENOENT";
            case ESRCH: return "ESRCH";
            case EIO: return "EIO";
            case ENOMEM: return "ENOMEM";
            case EACCES: return "EACCES";
            case EEXIST: return "EEXIST";
            case EINVAL: return "EINVAL";
            case EMSGSIZE: return "EMSGSIZE";
            case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
            case ENOBUFS: return "ENOBUFS";
            case ETIMEDOUT: return "ETIMEDOUT";
            default: return "errno " + errno;
        }
    }

    /** The name of a message type, e.g. {@code "ADD"}. */
    public static String typeName(int type) {
        String[] names = {"RESERVED", "GETSPI", "UPDATE", "ADD", "DELETE", "GET", "ACQUIRE", "REGISTER", "EXPIRE",
                "FLUSH", "DUMP"};
        return type >= 0 && type < names.length ? names[type] : "type " + type;
    }
}
