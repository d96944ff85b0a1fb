package org.recsec.kmp.iose;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code openssl s_client} as the independent TLS 1.3 client: external PSK, psk_dhe_ke over ffdhe2048,
 * TLS_AES_128_CCM_SHA256, SNI = the SEN. Lines are written to its stdin; the server's answer lines are collected
 * from its stdout (-quiet prints only application data).
 */
final class OpenSslClient implements AutoCloseable {
    private final Process process;
    private final Thread stdoutReader;
    private final Thread stderrReader;
    private final List<String> lines = new ArrayList<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final OutputStream stdin;

    OpenSslClient(int port, String sen, String identity, byte[] psk, String extra) throws IOException {
        this(port, sen, identity, psk, extra, null);
    }

    /**
     * @param exporterLabel when not null, s_client also prints {@code Keying material: HEX} for TLS-Exporter(label,
     *     no context, 20) (-keymatexport; then not -quiet, so stdout carries its session report before the answers)
     */
    OpenSslClient(int port, String sen, String identity, byte[] psk, String extra, String exporterLabel)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-tls1_3", "-connect", "127.0.0.1:" + port,
                "-servername", sen, "-psk", HexFormat.of().formatHex(psk), "-psk_identity", identity,
                "-ciphersuites", "TLS_AES_128_CCM_SHA256", "-groups", "ffdhe2048", "-nocommands"));
        if (exporterLabel == null) {
            cmd.add("-quiet");
        } else {
            cmd.addAll(List.of("-ign_eof", "-keymatexport", exporterLabel, "-keymatexportlen", "20"));
        }
        if (extra != null) {
            List<String> more = List.of(extra.split(" "));
            int cs = more.indexOf("-ciphersuites");
            if (cs >= 0) {
                cmd.set(cmd.indexOf("-ciphersuites") + 1, more.get(cs + 1));
            }
            for (int i = 0; i < more.size(); i++) {
                if (i == cs || i == cs + 1) {
                    continue;
                }
                cmd.add(more.get(i));
            }
        }
        process = new ProcessBuilder(cmd).start();
        stdin = process.getOutputStream();
        InputStream out = process.getInputStream();
        stdoutReader = new Thread(() -> {
            StringBuilder cur = new StringBuilder();
            try {
                int c;
                while ((c = out.read()) >= 0) {
                    if (c == '\n') {
                        String l = cur.toString().replace("\r", "");
                        synchronized (lines) {
                            lines.add(l);
                            lines.notifyAll();
                        }
                        cur.setLength(0);
                    } else {
                        cur.append((char) c);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
            synchronized (lines) {
                lines.notifyAll();
            }
        });
        stdoutReader.start();
        stderrReader = new Thread(() -> {
            try {
                process.getErrorStream().transferTo(stderr);
            } catch (IOException e) {
                // process ended
            }
        });
        stderrReader.start();
    }

    void send(String line) throws IOException {
        stdin.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
    }

    /** Waits for n answer lines, or for the process to end (then returns what came). */
    List<String> await(int n) throws InterruptedException {
        synchronized (lines) {
            while (lines.size() < n && stdoutReader.isAlive()) {
                lines.wait(200);
            }
            return new ArrayList<>(lines);
        }
    }

    /** Waits for the client to exit on its own and returns its stderr. */
    String awaitExit() throws InterruptedException, IOException {
        stdin.close();
        process.waitFor();
        stdoutReader.join();
        stderrReader.join();
        return stderr.toString(StandardCharsets.UTF_8);
    }

    String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
        stdoutReader.join();
        stderrReader.join();
    }
}
