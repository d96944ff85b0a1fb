package org.recsec.km.keyd;

import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.km.setkey.SetkeyClient;
import org.recsec.km.setkey.SetkeyParser;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.SecretBytes;

/**
 * The other process of {@link CrossProcessSaTest}: first runs a setkey statement against the application's PF_KEY
 * socket (the inbound SA), then acts as a KMP: REGISTERs and answers every ACQUIRE with an ADD of the outbound SA.
 */
public final class KmpChild {
    static final String APP = "coap://127.0.0.1:5683";
    static final String PEER = "coap://127.0.0.1:5684";
    static final String KEY = "000102030405060708090a0b0c0d0e0f";
    static final long IN_SPI = 0x2001;
    static final long OUT_SPI = 0x3001;

    private KmpChild() {
    }

    static SaSpec outbound() {
        return SaSpec.withKeys(OUT_SPI, APP, PEER, CipherSuite.AES_128_CCM_8,
                SecretBytes.copyOf(java.util.HexFormat.of().parseHex(KEY)), SecretBytes.copyOf(new byte[4]));
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Path sock = Path.of(args[0]);
        try (SetkeyClient setkey = SetkeyClient.connect(sock, out, System.err)) {
            if (!setkey.runAll(SetkeyParser.parse("add 127.0.0.1[5684] 127.0.0.1[5683] recsec 0x2001"
                    + " -E aes-128-ccm-8 0x" + KEY + " -I 0x00000000 ;"))) {
                out.println("setkey refused");
                out.flush();
                System.exit(1);
            }
        }
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(sock));
        PfKeyFraming.write(ch, PfKeyRequests.register(1, 0).encode());
        if (PfKeyMessage.decode(PfKeyFraming.read(ch).orElseThrow()).errno() != 0) {
            System.exit(1);
        }
        out.println("registered");
        out.flush();
        for (byte[] b; (b = PfKeyFraming.read(ch).orElse(null)) != null; ) {
            PfKeyMessage m = PfKeyMessage.decode(b);
            if (m.type() == PfKey.SADB_ACQUIRE) {
                PfKeyFraming.write(ch, PfKeyRequests.add(outbound(), m.seq(), ProcessHandle.current().pid())
                        .encode());
                out.println("answered " + m.seq());
                out.flush();
            }
        }
    }
}
