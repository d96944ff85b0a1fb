package org.recsec.km.setkey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.recsec.km.keyd.PfKeyFraming;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;

/**
 * A daemon reply without the SA extension a GET or DUMP reply must carry (RFC 2367 §3.1.5, §3.1.10) is refused as a
 * bad reply with the PF_KEY error EINVAL as its cause, not a NullPointerException in the setkey client. The daemon is
 * a stand-in on a real UNIX socket that answers each request with one reply it is given.
 */
class SetkeyClientBadReplyTest {
    private static final String SRC = "coap://127.0.0.1:5683";
    private static final String DST = "coap://127.0.0.1:5684";

    @TempDir
    Path dir;

    private final ExecutorService daemon = Executors.newSingleThreadExecutor();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        daemon.shutdownNow();
    }

    /** The reply to {@code request}: its header with errno 0, both ends, an SA extension only when {@code withSa}. */
    private static PfKeyMessage reply(PfKeyMessage request, boolean withSa, long seq) {
        PfKeyMessage.Builder b = PfKeyMessage.builder(request.type(), PfKey.SADB_X_SATYPE_RECSEC)
                .seq(seq).pid(request.pid());
        Endpoints.extensionsFor(SRC, true).forEach(b::add);
        Endpoints.extensionsFor(DST, false).forEach(b::add);
        if (withSa) {
            b.add(new PfKeyExtension.Sa(0x1001, 64, PfKey.SADB_SASTATE_MATURE, PfKey.SADB_AALG_NONE,
                    PfKey.SADB_X_EALG_AES_CCM_ICV8, 0));
        }
        return b.build();
    }

    /**
     * Serves one connection until the client closes it: each request gets {@code answer(request)}. Returns the
     * types of all requests received.
     */
    private Future<List<Integer>> serve(ServerSocketChannel server, UnaryOperator<PfKeyMessage> answer) {
        return daemon.submit(() -> {
            List<Integer> types = new ArrayList<>();
            try (SocketChannel ch = server.accept()) {
                Optional<byte[]> next;
                while ((next = PfKeyFraming.read(ch)).isPresent()) {
                    PfKeyMessage req = PfKeyMessage.decode(next.get());
                    types.add(req.type());
                    PfKeyFraming.write(ch, answer.apply(req).encode());
                }
            }
            return types;
        });
    }

    private ServerSocketChannel listen(Path sock) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock));
        return server;
    }

    private SetkeyClient connect(Path sock) throws IOException {
        return SetkeyClient.connect(sock, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static PfKeyException cause(IOException e) {
        return assertInstanceOf(PfKeyException.class, e.getCause(), e.getMessage());
    }

    @Test
    void getReplyWithSaIsPrinted() throws Exception {
        Path sock = dir.resolve("ok.sock");
        try (ServerSocketChannel server = listen(sock)) {
            Future<List<Integer>> served = serve(server, r -> reply(r, true, r.seq()));
            try (SetkeyClient c = connect(sock)) {
                assertTrue(c.run(new SetkeyCommand.Get(1, SRC, DST, 0x1001)));
            }
            assertEquals(List.of(PfKey.SADB_GET), served.get());
        }
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("recsec spi=4097(0x00001001) state=mature"),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void getReplyWithoutSaIsABadReplyWithEinval() throws Exception {
        Path sock = dir.resolve("get.sock");
        try (ServerSocketChannel server = listen(sock)) {
            Future<List<Integer>> served = serve(server, r -> reply(r, false, r.seq()));
            try (SetkeyClient c = connect(sock)) {
                IOException e = assertThrows(IOException.class,
                        () -> c.run(new SetkeyCommand.Get(1, SRC, DST, 0x1001)));
                assertEquals(PfKey.EINVAL, cause(e).errno());
                assertTrue(e.getMessage().startsWith("bad reply from the daemon: "), e.getMessage());
            }
            assertEquals(List.of(PfKey.SADB_GET), served.get());
        }
    }

    @Test
    void dumpEntryWithoutSaStopsDeleteAllWithEinval() throws Exception {
        Path sock = dir.resolve("dump.sock");
        try (ServerSocketChannel server = listen(sock)) {
            // One DUMP entry, the last (seq 0), without its SA extension: deleteall cannot name the SA to delete.
            Future<List<Integer>> served = serve(server, r -> reply(r, false, 0));
            try (SetkeyClient c = connect(sock)) {
                IOException e = assertThrows(IOException.class,
                        () -> c.run(new SetkeyCommand.DeleteAll(1, SRC, DST)));
                assertEquals(PfKey.EINVAL, cause(e).errno());
            }
            assertEquals(List.of(PfKey.SADB_DUMP), served.get(), "no DELETE was sent");
        }
    }
}
