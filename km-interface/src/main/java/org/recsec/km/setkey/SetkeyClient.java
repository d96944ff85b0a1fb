package org.recsec.km.setkey;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.recsec.km.keyd.PfKeyFraming;
import org.recsec.km.pfkey.Endpoints;
import org.recsec.km.pfkey.PfKey;
import org.recsec.km.pfkey.PfKeyException;
import org.recsec.km.pfkey.PfKeyExtension;
import org.recsec.km.pfkey.PfKeyMessage;
import org.recsec.km.pfkey.PfKeyRequests;
import org.recsec.km.pfkey.SaSpec;
import org.recsec.record.base.CipherSuite;
import org.recsec.record.internal.wire.Bytes;

/**
 * Runs parsed setkey statements against a key daemon over its UNIX socket and prints the results. A refused
 * statement prints its line, the errno name and number and the reason on the error stream.
 */
public final class SetkeyClient implements AutoCloseable {
    private final SocketChannel ch;
    private final PrintStream out;
    private final PrintStream err;
    private long seq = 1;
    private final long pid = ProcessHandle.current().pid() & 0xffffffffL;

    private SetkeyClient(SocketChannel ch, PrintStream out, PrintStream err) {
        this.ch = ch;
        this.out = out;
        this.err = err;
    }

    /** Connects to the daemon at {@code socket}. */
    public static SetkeyClient connect(Path socket, PrintStream out, PrintStream err) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        return new SetkeyClient(ch, out, err);
    }

    /** Runs every statement; returns true when none was refused. */
    public boolean runAll(List<SetkeyCommand> commands) throws IOException {
        boolean ok = true;
        for (SetkeyCommand c : commands) {
            ok &= run(c);
        }
        return ok;
    }

    /**
     * Runs one statement; false (and a line on the error stream) when the daemon refused it.
     *
     * @throws IOException when the connection fails, or a reply does not decode or lacks an extension its type
     *                     must carry (the SA extension of a GET or DUMP reply, RFC 2367 §3.1.5, §3.1.10): then the
     *                     cause is the {@link PfKeyException} ({@code EINVAL})
     */
    public boolean run(SetkeyCommand c) throws IOException {
        if (c instanceof SetkeyCommand.Add a) {
            return expectOk(c, request(PfKeyRequests.add(a.sa(), nextSeq(), pid)));
        } else if (c instanceof SetkeyCommand.Get g) {
            PfKeyMessage r = request(PfKeyRequests.get(g.spi(), g.src(), g.dst(), nextSeq(), pid));
            if (!expectOk(c, r)) {
                return false;
            }
            print(r, true);
            return true;
        } else if (c instanceof SetkeyCommand.Delete d) {
            return expectOk(c, request(PfKeyRequests.delete(d.spi(), d.src(), d.dst(), nextSeq(), pid)));
        } else if (c instanceof SetkeyCommand.DeleteAll d) {
            boolean ok = true;
            for (PfKeyMessage m : dumpAll()) {
                if (m.errno() != 0) {
                    break;
                }
                long spi = saOf(m).spi();
                if (identity(m, true).equals(d.src()) && identity(m, false).equals(d.dst())) {
                    ok &= expectOk(c, request(PfKeyRequests.delete(spi, d.src(), d.dst(), nextSeq(), pid)));
                }
            }
            return ok;
        } else if (c instanceof SetkeyCommand.Flush) {
            return expectOk(c, request(PfKeyRequests.flush(nextSeq(), pid)));
        } else {
            List<PfKeyMessage> all = dumpAll();
            if (all.size() == 1 && all.get(0).errno() == PfKey.ENOENT) {
                out.println("No SAD entries.");
                return true;
            }
            for (PfKeyMessage m : all) {
                if (!expectOk(c, m)) {
                    return false;
                }
                print(m, false);
            }
            return true;
        }
    }

    private List<PfKeyMessage> dumpAll() throws IOException {
        send(PfKeyRequests.dump(nextSeq(), pid));
        List<PfKeyMessage> out = new ArrayList<>();
        while (true) {
            PfKeyMessage m = receive();
            out.add(m);
            if (m.errno() != 0 || m.seq() == 0) {
                return out;
            }
        }
    }

    /** The SA extension every GET and DUMP reply carries (RFC 2367 §3.1.5, §3.1.10). */
    private static PfKeyExtension.Sa saOf(PfKeyMessage reply) throws IOException {
        try {
            return reply.require(PfKey.SADB_EXT_SA, PfKeyExtension.Sa.class);
        } catch (PfKeyException e) {
            throw badReply(e);
        }
    }

    private static IOException badReply(PfKeyException e) {
        return new IOException("bad reply from the daemon: " + e.getMessage(), e);
    }

    private static String identity(PfKeyMessage m, boolean src) {
        try {
            return Endpoints.identityOf(m, src);
        } catch (PfKeyException e) {
            return "?";
        }
    }

    private boolean expectOk(SetkeyCommand c, PfKeyMessage reply) {
        if (reply.errno() == 0) {
            return true;
        }
        err.println("setkey: line " + c.line() + ": " + PfKey.typeName(reply.type()) + " refused: "
                + PfKey.errnoName(reply.errno()) + " (" + reply.errno() + ") " + reason(reply.errno()));
        return false;
    }

    private static String reason(int errno) {
        switch (errno) {
            case PfKey.EEXIST: return "SA already exists";
            case PfKey.ESRCH: return "no such SA";
            case PfKey.EINVAL: return "invalid argument";
            case PfKey.EACCES: return "permission denied";
            case PfKey.EMSGSIZE: return "message size";
            case PfKey.EIO: return "state could not be saved";
            default: return "refused";
        }
    }

    /** Prints one SA in a setkey -D like layout; keys only when {@code keys} (GET). */
    private void print(PfKeyMessage m, boolean keys) throws IOException {
        PfKeyExtension.Sa sa = saOf(m);
        Optional<CipherSuite> suite = PfKey.suiteForEalg(sa.encrypt());
        out.println(identity(m, true) + " " + identity(m, false));
        out.println("\trecsec spi=" + sa.spi() + "(0x" + String.format("%08x", sa.spi()) + ") state="
                + stateName(sa.state()));
        StringBuilder e = new StringBuilder("\tE: ").append(suite.map(SetkeyParser::algorithmName)
                .orElse("none"));
        Optional<PfKeyExtension.Key> k = m.ext(PfKey.SADB_EXT_KEY_ENCRYPT, PfKeyExtension.Key.class);
        if (keys && k.isPresent()) {
            e.append(" key=0x").append(Bytes.toHex(k.get().key().toByteArray()));
            // none for a compact-profile SA: KEY_ENCRYPT is the traffic secret, there is no IV
            m.ext(PfKey.SADB_X_EXT_RECSEC_IV, PfKeyExtension.Iv.class)
                    .ifPresent(iv -> e.append(" iv=0x").append(Bytes.toHex(iv.iv().toByteArray())));
        }
        out.println(e);
        m.ext(PfKey.SADB_X_EXT_RECSEC_SE_HANDLE, PfKeyExtension.SeHandle.class)
                .ifPresent(se -> out.println("\tse-handle=" + se.handle()));
        long window = m.ext(PfKey.SADB_X_EXT_RECSEC_REPLAY, PfKeyExtension.Replay.class)
                .map(PfKeyExtension.Replay::window).orElse((long) sa.replay());
        out.println("\treplay=" + window + m.ext(PfKey.SADB_X_EXT_RECSEC_PROFILE, PfKeyExtension.Profile.class)
                .map(p -> " epoch=" + p.epoch() + " seq=" + p.nextSequence() + " profile="
                        + SaSpec.profileName(p.profile())).orElse(""));
        m.ext(PfKey.SADB_EXT_LIFETIME_CURRENT, PfKeyExtension.Lifetime.class)
                .ifPresent(cur -> out.println("\tcurrent: records=" + cur.allocations() + " bytes=" + cur.bytes()
                        + " added=" + cur.addTime() + " used=" + cur.useTime()));
        m.ext(PfKey.SADB_EXT_LIFETIME_HARD, PfKeyExtension.Lifetime.class).ifPresent(l -> lifetime("hard", l));
        m.ext(PfKey.SADB_EXT_LIFETIME_SOFT, PfKeyExtension.Lifetime.class).ifPresent(l -> lifetime("soft", l));
    }

    private void lifetime(String name, PfKeyExtension.Lifetime l) {
        out.println("\t" + name + ": records=" + l.allocations() + " bytes=" + l.bytes() + " addtime="
                + l.addTime() + "s usetime=" + l.useTime() + "s");
    }

    private static String stateName(int s) {
        switch (s) {
            case PfKey.SADB_SASTATE_LARVAL: return "larval";
            case PfKey.SADB_SASTATE_MATURE: return "mature";
            case PfKey.SADB_SASTATE_DYING: return "dying";
            case PfKey.SADB_SASTATE_DEAD: return "dead";
            default: return "state " + s;
        }
    }

    private long nextSeq() {
        return seq++;
    }

    private PfKeyMessage request(PfKeyMessage m) throws IOException {
        send(m);
        return receive();
    }

    private void send(PfKeyMessage m) throws IOException {
        PfKeyFraming.write(ch, m.encode());
    }

    private PfKeyMessage receive() throws IOException {
        byte[] b = PfKeyFraming.read(ch).orElseThrow(() -> new IOException("the daemon closed the connection"));
        try {
            return PfKeyMessage.decode(b);
        } catch (PfKeyException e) {
            throw badReply(e);
        }
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
