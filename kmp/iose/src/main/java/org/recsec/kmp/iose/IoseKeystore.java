package org.recsec.kmp.iose;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The shell keystore commands of the IoSE applet over an {@link IoseClient} session (draft-urien-coinrg-iose §5,
 * §8): read a public key, read and write the SE-App certificate, ask an attestation signature, set a new PSK.
 */
public final class IoseKeystore {
    /** Certificate bytes per read or write line. */
    static final int CHUNK = 256;
    private final IoseClient session;

    /** @param session an open session with the SE */
    public IoseKeystore(IoseClient session) {
        this.session = session;
    }

    /** The shell refused a command (an "E ..." line) or answered something that is not hex. */
    public static final class ShellException extends IOException {
        private static final long serialVersionUID = 1L;

        ShellException(String message) {
            super(message);
        }
    }

    private byte[] hexAnswer(String command) throws IOException {
        String a = session.call(command);
        if (a.startsWith("E ")) {
            throw new ShellException("the SE answered \"" + a + "\" to " + command.charAt(0));
        }
        try {
            return HexFormat.of().parseHex(a);
        } catch (IllegalArgumentException e) {
            throw new ShellException("answer to " + command.charAt(0) + " is not hex");
        }
    }

    private void ok(String command) throws IOException {
        String a = session.call(command);
        if (!a.equals("OK")) {
            throw new ShellException("the SE answered \"" + a + "\" to " + command.charAt(0));
        }
    }

    /** {@code p<index>}: the RSA public key of that slot (0 is the SE-App key). */
    public PublicKey publicKey(int index) throws IOException {
        byte[] spki = hexAnswer(String.format("p%02X", index));
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new ShellException("public key does not parse");
        }
    }

    /** {@code c<offset>} in a loop: the SE-App certificate, empty if none was written. */
    public java.util.Optional<X509Certificate> certificate() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            byte[] chunk = hexAnswer(String.format("c%04X", b.size()));
            b.writeBytes(chunk);
            if (chunk.length < CHUNK) {
                break;
            }
        }
        if (b.size() == 0) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(b.toByteArray())));
        } catch (CertificateException e) {
            throw new ShellException("certificate on the SE does not parse");
        }
    }

    /** {@code w<offset><hex>} in chunks: writes the certificate (offset 0 starts it afresh). */
    public void writeCertificate(byte[] der) throws IOException {
        for (int off = 0; off < der.length; off += CHUNK) {
            int n = Math.min(CHUNK, der.length - off);
            byte[] part = java.util.Arrays.copyOfRange(der, off, off + n);
            ok(String.format("w%04X", off) + HexFormat.of().formatHex(part).toUpperCase(Locale.ROOT));
        }
    }

    /** {@code a<rnd>}: the SE's signature over HS ‖ rnd with its SE-App key (§8.5). */
    public byte[] attest(byte[] rnd) throws IOException {
        return hexAnswer("a" + HexFormat.of().formatHex(rnd));
    }

    /** {@code n<psk>}: the SE's PSK for the next sessions (§8.5 PSK-User). */
    public void setPsk(byte[] psk) throws IOException {
        ok("n" + HexFormat.of().formatHex(psk));
    }
}
