package org.recsec.cli.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.sad.SadSession;
import org.recsec.km.sad.SecurityAssociationDatabase;
import org.recsec.record.base.CipherSuite;

/**
 * The SAs of one host's SA database as a recsec key file for Wireshark (tools/wireshark/recsec.lua; format in
 * README.md, "Looking at captures"): one {@code RECSEC_SA SPI DIRECTION PROFILE SUITE key=HEX iv=HEX} line per SA,
 * read through PF_KEY the way {@code setkey -D} reads keys: a DUMP for the SAs, then a GET of each (RFC 2367 §3.1.5,
 * the GET reply carries the key extensions). Like SSLKEYLOGFILE, this writes secret keys to a file: for debugging
 * only; the file is created owner-readable only.
 */
final class SaKeylog {
    private SaKeylog() {
    }

    /**
     * The keys of one SA as the key file holds them.
     *
     * @param s2c     true for an SA from the server
     * @param profile the PF_KEY profile id ({@link PfKey#RECSEC_PROFILE_DTLS12} ...)
     * @param key     the key, or for compact the traffic secret
     * @param iv      the iv (salt), empty for compact
     */
    record SaKeys(long spi, boolean s2c, int profile, CipherSuite suite, byte[] key, byte[] iv) {
        boolean compact() {
            return PfKey.isCompactProfile(profile);
        }

        /** The key file line (README "Looking at captures"). */
        String line() {
            HexFormat hex = HexFormat.of();
            String dir = s2c ? "s2c" : "c2s";
            if (compact()) {
                // compact: the TLS 1.3 code point and the traffic secret (recsec.lua reads the header's S bit)
                return String.format("RECSEC_SA %08x %s compact %04x secret=%s", spi, dir, suite.tls13Code(),
                        hex.formatHex(key));
            }
            return String.format("RECSEC_SA %08x %s %s %04x key=%s iv=%s", spi, dir,
                    org.recsec.km.pfkey.SaSpec.profileName(profile), suite.code(), hex.formatHex(key),
                    hex.formatHex(iv));
        }
    }

    /**
     * The keys of every mature SA of {@code sad} with keys in it (an SA kept on a secure element has none and is
     * skipped). {@code serverId} names the server, so an SA from it is {@code s2c}, else {@code c2s}.
     */
    static List<SaKeys> read(SecurityAssociationDatabase sad, String serverId) throws PfKeyException {
        List<SaKeys> out = new ArrayList<>();
        try (SadSession session = sad.openSession(pushed -> { })) {
            for (PfKeyMessage m : session.send(PfKeyRequests.dump(1, 0))) {
                Optional<PfKeyExtension.Sa> dumped = m.ext(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class);
                if (m.errno() != 0 || m.type() != PfKey.SADB_DUMP || dumped.isEmpty()) {
                    continue;
                }
                PfKeyExtension.Sa sa = dumped.get();
                String src = Endpoints.identityOf(m, true);
                PfKeyMessage g = session.get(sa.spi(), src, Endpoints.identityOf(m, false));
                Optional<PfKeyExtension.Key> key = g.ext(PfKey.SADB_EXT_KEY_ENCRYPT, PfKeyExtension.Key.class);
                Optional<PfKeyExtension.Iv> iv = g.ext(PfKey.SADB_X_EXT_RECSEC_IV, PfKeyExtension.Iv.class);
                Optional<CipherSuite> suite = PfKey.suiteForEalg(sa.encrypt());
                int profileId = g.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class)
                        .map(PfKeyExtension.Profile::profile).orElse(PfKey.RECSEC_PROFILE_DTLS12);
                if (key.isEmpty() || suite.isEmpty() || iv.isEmpty() != PfKey.isCompactProfile(profileId)) {
                    continue;
                }
                if (PfKey.isCompactProfile(profileId) || profileId == PfKey.RECSEC_PROFILE_DTLS12
                        || profileId == PfKey.RECSEC_PROFILE_DTLS12_CID) {
                    out.add(new SaKeys(sa.spi(), src.equals(serverId), profileId, suite.get(),
                            key.get().key().toByteArray(), iv.map(v -> v.iv().toByteArray()).orElse(new byte[0])));
                }
            }
        }
        return out;
    }

    /** Writes {@code lines} to {@code file} (created or replaced), readable by its owner only where POSIX. */
    static void write(Path file, List<String> lines) throws IOException {
        List<String> all = new ArrayList<>();
        all.add("# recsec key file (tools/wireshark/recsec.lua): SECRET KEYS, for debugging captures only");
        all.addAll(lines);
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.write(file, all, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
