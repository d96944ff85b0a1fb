package org.recsec.kmp.eap.testutil;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * FreeRADIUS 3.2 (Debian package freeradius) started in the foreground with a configuration generated into a
 * temporary folder: one loopback client, the eap module doing EAP-TLS with the given PEM files, one auth listener.
 *
 * <p>Ports: FreeRADIUS cannot bind port 0 and report the port it got, so the port is not probed beforehand (that
 * would race); FreeRADIUS itself binds a random port below the ephemeral range, and if that bind fails ("Address
 * already in use") it is started again on another one.
 */
public final class FreeRadius implements AutoCloseable {
    private final Process process;
    private final Thread drain;
    private final int port;
    private final Path log;

    private FreeRadius(Process process, Thread drain, int port, Path log) {
        this.process = process;
        this.drain = drain;
        this.port = port;
        this.log = log;
    }

    /** Needs ca.pem, server.pem and server.key (PKCS#8) in {@code dir}. */
    public static FreeRadius start(Path dir, String secret, Random random) throws IOException, InterruptedException {
        String exe = Processes.require("freeradius");
        for (int attempt = 0; attempt < 8; attempt++) {
            int port = 10000 + random.nextInt(20000);
            Path conf = dir.resolve("raddb-" + attempt);
            Files.createDirectories(conf.resolve("log"));
            Files.createDirectories(conf.resolve("run"));
            Files.writeString(conf.resolve("radiusd.conf"), config(conf, dir, secret, port));
            Path log = conf.resolve("freeradius.log");
            Process p = new ProcessBuilder(exe, "-X", "-f", "-d", conf.toString()).redirectErrorStream(true).start();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            BufferedWriter w = Files.newBufferedWriter(log, StandardCharsets.UTF_8);
            String line;
            boolean ready = false;
            boolean inUse = false;
            while ((line = r.readLine()) != null) {
                w.write(line);
                w.newLine();
                if (line.contains("Ready to process requests")) {
                    ready = true;
                    break;
                }
                if (line.contains("Address already in use")) {
                    inUse = true;
                }
            }
            w.flush();
            if (ready) {
                Thread drain = new Thread(() -> copy(r, w), "freeradius-log");
                drain.start();
                return new FreeRadius(p, drain, port, log);
            }
            w.close();
            p.waitFor();
            if (!inUse) {
                throw new AssertionError("freeradius did not start:\n" + Files.readString(log));
            }
        }
        throw new AssertionError("freeradius found no free port in 8 attempts");
    }

    private static void copy(BufferedReader r, BufferedWriter w) {
        try (r; w) {
            String line;
            while ((line = r.readLine()) != null) {
                w.write(line);
                w.newLine();
            }
        } catch (IOException e) {
            // the process went away: the log is complete
        }
    }

    private static String config(Path conf, Path pem, String secret, int port) {
        return String.join("\n",
                "prefix = /usr", "exec_prefix = /usr", "sysconfdir = /etc", "localstatedir = " + conf,
                "sbindir = /usr/sbin", "logdir = " + conf.resolve("log"), "raddbdir = " + conf,
                "radacctdir = " + conf.resolve("log"), "name = freeradius", "confdir = " + conf,
                "modconfdir = " + conf, "certdir = " + pem, "cadir = " + pem, "run_dir = " + conf.resolve("run"),
                "db_dir = " + conf, "libdir = /usr/lib/freeradius", "pidfile = " + conf.resolve("run/radiusd.pid"),
                "max_request_time = 30", "cleanup_delay = 5", "max_requests = 1024", "hostname_lookups = no",
                "proxy_requests = no",
                "log {", "  destination = stdout", "}",
                "security {", "  allow_core_dumps = no", "  max_attributes = 200", "  reject_delay = 0",
                "  status_server = no", "}",
                "thread pool {", "  start_servers = 1", "  max_servers = 2", "  min_spare_servers = 1",
                "  max_spare_servers = 2", "  max_requests_per_server = 0", "}",
                "client loopback {", "  ipaddr = 127.0.0.1", "  secret = " + secret,
                "  require_message_authenticator = yes", "}",
                "modules {", "  eap {", "    default_eap_type = tls", "    timer_expire = 60",
                "    ignore_unknown_eap_types = no", "    max_sessions = 64",
                "    tls-config tls-common {",
                "      private_key_file = " + pem.resolve("server.key"),
                "      certificate_file = " + pem.resolve("server.pem"),
                "      ca_file = " + pem.resolve("ca.pem"),
                "      fragment_size = 1024", "      include_length = yes", "      cipher_list = \"DEFAULT\"",
                "      ecdh_curve = \"prime256v1\"", "      tls_min_version = \"1.2\"", "      tls_max_version = \"1.2\"",
                "      cache {", "        enable = no", "      }", "      verify {", "      }",
                "      ocsp {", "        enable = no", "      }", "    }",
                "    tls {", "      tls = tls-common", "    }", "  }", "}",
                "server default {", "  listen {", "    type = auth", "    ipaddr = 127.0.0.1", "    port = " + port,
                "  }", "  authorize {", "    eap {", "      ok = return", "    }", "  }",
                "  authenticate {", "    eap", "  }", "  post-auth {", "  }", "}", "");
    }

    public int port() {
        return port;
    }

    /** The log so far (complete after {@link #close}). */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
        drain.join();
    }
}
