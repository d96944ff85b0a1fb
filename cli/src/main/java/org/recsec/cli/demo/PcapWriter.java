package org.recsec.cli.demo;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes UDP datagrams as a classic pcap file (LINKTYPE_RAW, 101: each packet an IPv4 header, a UDP header and
 * the datagram), so Wireshark and tshark open the exchange and dissect port 5683 as CoAP. The IPv4 header checksum
 * is computed; the UDP checksum is left 0, which IPv4 allows (RFC 768). Thread-safe.
 */
public final class PcapWriter implements Closeable {
    private static final int LINKTYPE_RAW = 101;
    private static final int SNAPLEN = 65535;
    private final OutputStream out;
    private final java.util.function.LongSupplier clockMicros;
    private int ipId;

    /**
     * @param clockMicros the capture timestamp source, microseconds since the epoch (injected so tests are exact)
     */
    public PcapWriter(OutputStream out, java.util.function.LongSupplier clockMicros) throws IOException {
        this.out = out;
        this.clockMicros = clockMicros;
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(SNAPLEN)
                .putInt(LINKTYPE_RAW);
        out.write(h.array());
    }

    /** Appends one UDP datagram from {@code src} to {@code dst} (IPv4 addresses only). */
    public synchronized void write(InetSocketAddress src, InetSocketAddress dst, byte[] payload) throws IOException {
        if (!(src.getAddress() instanceof Inet4Address) || !(dst.getAddress() instanceof Inet4Address)) {
            throw new IllegalArgumentException("pcap capture is written for IPv4 only");
        }
        int udpLen = 8 + payload.length;
        int ipLen = 20 + udpLen;
        ByteBuffer p = ByteBuffer.allocate(ipLen).order(ByteOrder.BIG_ENDIAN);
        p.put((byte) 0x45).put((byte) 0).putShort((short) ipLen).putShort((short) (ipId++)).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(src.getAddress().getAddress())
                .put(dst.getAddress().getAddress());
        p.putShort(10, ipChecksum(p.array()));
        p.putShort((short) src.getPort()).putShort((short) dst.getPort()).putShort((short) udpLen).putShort((short) 0)
                .put(payload);
        long micros = clockMicros.getAsLong();
        ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        rec.putInt((int) (micros / 1_000_000)).putInt((int) (micros % 1_000_000)).putInt(ipLen).putInt(ipLen);
        out.write(rec.array());
        out.write(p.array());
        out.flush();
    }

    private static short ipChecksum(byte[] header) {
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += ((header[i] & 0xff) << 8) | (header[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (short) ~sum;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
