package org.recsec.km.pfkey;

/**
 * Decodes one PF_KEY extension by its type (RFC 2367 §2.3): each known type goes to the decoder of its value type;
 * an unknown type gives {@code null} here (and an empty result from {@link PfKeyExtension#decode}), since RFC 2367
 * §2.3 says a receiver ignores extensions it does not know.
 */
final class ExtensionDecoder {
    private ExtensionDecoder() {
    }

    /** See {@link PfKeyExtension#decode(int, byte[], int, int)}. */
    static PfKeyExtension decode(int type, byte[] b, int off, int len) throws PfKeyException {
        switch (type) {
            case PfKey.SADB_EXT_SA: return PfKeyExtension.Sa.decode(b, off, len);
            case PfKey.SADB_EXT_LIFETIME_CURRENT:
            case PfKey.SADB_EXT_LIFETIME_HARD:
            case PfKey.SADB_EXT_LIFETIME_SOFT: return PfKeyExtension.Lifetime.decode(type, b, off, len);
            case PfKey.SADB_EXT_ADDRESS_SRC:
            case PfKey.SADB_EXT_ADDRESS_DST:
            case PfKey.SADB_EXT_ADDRESS_PROXY: return Sockaddr.decode(type, b, off, len);
            case PfKey.SADB_EXT_KEY_AUTH:
            case PfKey.SADB_EXT_KEY_ENCRYPT: return PfKeyExtension.Key.decode(type, b, off, len);
            case PfKey.SADB_EXT_IDENTITY_SRC:
            case PfKey.SADB_EXT_IDENTITY_DST: return PfKeyExtension.Identity.decode(type, b, off, len);
            case PfKey.SADB_EXT_PROPOSAL: return Proposal.decode(b, off, len);
            case PfKey.SADB_EXT_SUPPORTED_AUTH:
            case PfKey.SADB_EXT_SUPPORTED_ENCRYPT: return Supported.decode(type, b, off, len);
            case PfKey.SADB_EXT_SPIRANGE: return PfKeyExtension.SpiRange.decode(b, off, len);
            case PfKey.SADB_X_EXT_RECSEC_IV: return PfKeyExtension.Iv.decode(b, off, len);
            case PfKey.SADB_X_EXT_RECSEC_PROFILE: return PfKeyExtension.Profile.decode(b, off, len);
            case PfKey.SADB_X_EXT_RECSEC_SE_HANDLE: return PfKeyExtension.SeHandle.decode(b, off, len);
            case PfKey.SADB_X_EXT_RECSEC_REPLAY: return PfKeyExtension.Replay.decode(b, off, len);
            default: return null;
        }
    }
}
