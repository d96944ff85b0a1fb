package org.recsec.examples;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.recsec.record.InMemorySaRegistry;
import org.recsec.record.ProtectedRequest;
import org.recsec.record.RecordProtector;
import org.recsec.record.UnprotectedRequest;
import org.recsec.record.base.LocalId;
import org.recsec.record.base.PeerId;
import org.recsec.record.coap.CoapMessage;
import org.recsec.record.coap.CoapOption;

/**
 * record-sec without Californium: the client protects a request, the server unprotects it and protects its
 * response, the client unprotects the response. The bytes in between are what any transport (UDP, a proxy) carries.
 */
public final class PlainApiExample {
    static final String CLIENT = "coap://client.example";
    static final String SERVER = "coap://server.example";
    private static final int POST = 0x02;
    private static final int CONTENT = 0x45;
    private static final int URI_PATH = 11;

    private PlainApiExample() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(run());
    }

    /** Runs one exchange and returns the payload the client application receives. */
    public static String run() throws Exception {
        // BEGIN plain
        InMemorySaRegistry clientSas = new InMemorySaRegistry();
        InMemorySaRegistry serverSas = new InMemorySaRegistry();
        ManualKeys.installPair(clientSas, CLIENT, serverSas, SERVER, new SecureRandom());
        RecordProtector client = new RecordProtector(clientSas);
        RecordProtector server = new RecordProtector(serverSas);

        // client: protect
        CoapMessage request = new CoapMessage(CoapMessage.TYPE_CON, POST, 0x1234, new byte[] {1, 2},
                List.of(CoapOption.ofString(URI_PATH, "echo")), "hello".getBytes(StandardCharsets.UTF_8));
        ProtectedRequest sent = client.protectRequest(request, LocalId.of(CLIENT), PeerId.of(SERVER));

        // server: unprotect, answer, protect the answer under the reverse SA
        UnprotectedRequest received = server.unprotectRequest(sent.outer());
        String text = new String(received.message().payload(), StandardCharsets.UTF_8);
        CoapMessage response = new CoapMessage(CoapMessage.TYPE_ACK, CONTENT, received.message().messageId(),
                received.message().token(), List.of(), ("echo: " + text).getBytes(StandardCharsets.UTF_8));
        CoapMessage outerResponse = server.protectResponse(response, received.context());

        // client: unprotect the answer; it must be the answer to this very request
        CoapMessage answer = client.unprotectResponse(outerResponse, sent);
        return new String(answer.payload(), StandardCharsets.UTF_8);
        // END plain
    }
}
