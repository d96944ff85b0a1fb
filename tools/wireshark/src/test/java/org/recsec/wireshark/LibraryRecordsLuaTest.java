package org.recsec.wireshark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ManualSa;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.base.RecordProfile;
import org.recsec.record.base.SecretBytes;
import org.recsec.record.coap.CoapCodec;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;
import org.recsec.record.coap.OptionNumbers;

/**
 * tshark with recsec.lua over requests and responses protected by record-sec itself ({@link RecordProtector} with
 * dtls12-cid or compact SAs, every suite): the plugin finds profile, SPI, CID, epoch and sequence number and, with
 * the key file, decrypts the library's records to the message that was protected (compact responses through the
 * request's record number in the AAD).
 */
class LibraryRecordsLuaTest {
    private static final LocalId CLIENT = LocalId.of("coap://client");
    private static final PeerId SERVER = PeerId.of("coap://server");

    record Expect(long spi, long seq, String text) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"dtls12-cid", "compact"})
    void recordsOfTheLibraryDecrypt(String profileName, @TempDir Path tmp) throws Exception {
        boolean compact = profileName.equals("compact");
        RecordProfile profile = compact ? RecordProfile.COMPACT : RecordProfile.DTLS12_CID;
        Random rnd = new Random(9146);
        List<Pcap.Datagram> datagrams = new ArrayList<>();
        List<Expect> expect = new ArrayList<>();
        List<String> keyLines = new ArrayList<>();
        long spi = 0x1000;
        for (CipherSuite suite : CipherSuite.values()) {
            long reqSpi = spi++;
            long respSpi = spi++;
            // dtls12-cid: key and IV per direction; compact: a 32-byte traffic secret per direction
            byte[] k1 = bytes(rnd, compact ? 32 : suite.keySizeBytes());
            byte[] iv1 = bytes(rnd, suite.ivSizeBytes());
            byte[] k2 = bytes(rnd, compact ? 32 : suite.keySizeBytes());
            byte[] iv2 = bytes(rnd, suite.ivSizeBytes());
            InMemorySaRegistry client = new InMemorySaRegistry();
            InMemorySaRegistry server = new InMemorySaRegistry();
            client.install(keyed(ManualSa.outbound(suite).profile(profile).spi(reqSpi).epoch(1).firstSequence(41)
                    .route(CLIENT, SERVER), compact, k1, iv1).build());
            client.install(keyed(ManualSa.inbound(suite).profile(profile).spi(respSpi).epoch(1)
                    .route(CLIENT, SERVER), compact, k2, iv2).build());
            server.install(keyed(ManualSa.inbound(suite).profile(profile).spi(reqSpi).epoch(1)
                    .route(SERVER.asLocal(), CLIENT.asPeer()), compact, k1, iv1).build());
            server.install(keyed(ManualSa.outbound(suite).profile(profile).spi(respSpi).epoch(1)
                    .route(SERVER.asLocal(), CLIENT.asPeer()), compact, k2, iv2).build());
            String code = String.format("%04x", compact ? suite.tls13Code() : suite.code());
            keyLines.add(keyLine(reqSpi, "c2s", profileName, code, compact, k1, iv1));
            keyLines.add(keyLine(respSpi, "s2c", profileName, code, compact, k2, iv2));
            RecordProtector cp = new RecordProtector(client);
            RecordProtector sp = new RecordProtector(server);
            byte[] token = {(byte) suite.ordinal(), 1};
            String reqText = profileName + " request " + code;
            CoapMessage post = new CoapMessage(CoapMessage.TYPE_CON, 0x02, 7 + suite.ordinal(), token,
                    List.of(CoapOption.ofString(OptionNumbers.URI_PATH, "t")), reqText.getBytes());
            ProtectedRequest req = cp.protectRequest(post, CLIENT, SERVER);
            UnprotectedRequest got = sp.unprotectRequest(req.outer());
            String respText = profileName + " response " + code;
            CoapMessage resp = sp.protectResponse(new CoapMessage(CoapMessage.TYPE_ACK, 0x45, 7 + suite.ordinal(),
                    token, List.of(), respText.getBytes()), got.context());
            datagrams.add(new Pcap.Datagram(CoapCodec.encode(req.outer()), true));
            datagrams.add(new Pcap.Datagram(CoapCodec.encode(resp), false));
            // The client opens the response: the records in the capture are ones the library accepts.
            assertEquals(respText, new String(cp.unprotectResponse(resp, req).payload()));
            expect.add(new Expect(reqSpi, 41, reqText));
            // a compact response's Record-Security option is empty: the dissector finds the SA by trying the key file's
            // s2c compact SAs, and the decrypted text shows it found the right one
            expect.add(new Expect(compact ? 0 : respSpi, 0, respText));
        }
        Path pcap = tmp.resolve("library-" + profileName + ".pcap");
        Path keys = tmp.resolve("library-" + profileName + ".txt");
        Pcap.write(pcap, datagrams);
        Files.write(keys, keyLines);
        Tshark.assertNoLuaError(Tshark.run(pcap, keys, "-V"));
        List<String[]> rows = Tshark.fields(pcap, keys, "recsec.spi", "recsec.profile", "recsec.cid",
                "recsec.epoch", "recsec.seq", "recsec.inner.text", "recsec.malformed", "_ws.malformed");
        assertEquals(expect.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            Expect e = expect.get(i);
            String what = String.join("|", r);
            assertEquals(Long.toString(e.spi()), r[0], what);
            assertEquals(profileName, r[1], what);
            // compact sends no CID and only the epoch's low bits; its sequence number shows once decrypted
            assertEquals(compact ? "" : String.format("%08x", e.spi()), r[2].replace(":", ""), what);
            assertEquals("1", r[3], what);
            assertEquals(Long.toString(e.seq()), r[4], what);
            assertEquals(e.text(), r[5], what);
            assertEquals("", r[6] + r[7], what);
        }
    }

    private static <B extends ManualSa.Builder<B>> B keyed(B b, boolean compact, byte[] k, byte[] iv) {
        return compact ? b.secret(SecretBytes.copyOf(k)) : b.key(SecretBytes.copyOf(k)).iv(iv);
    }

    private static String keyLine(long spi, String dir, String profile, String code, boolean compact, byte[] k,
                                  byte[] iv) {
        return compact ? String.format("RECSEC_SA %08x %s compact %s secret=%s", spi, dir, code, Records.hex(k))
                : String.format("RECSEC_SA %08x %s %s %s key=%s iv=%s", spi, dir, profile, code, Records.hex(k),
                Records.hex(iv));
    }

    private static byte[] bytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }
}
