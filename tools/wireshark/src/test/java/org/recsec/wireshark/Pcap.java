package org.recsec.wireshark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A classic pcap file (LINKTYPE_RAW) of IPv4/UDP datagrams from 127.0.0.1:40000 to 127.0.0.2:5683 (requests) or
 * back (responses), so tshark dissects them as CoAP. Written here independently of the demo's PcapWriter.
 */
final class Pcap {
    /** One datagram; {@code toServer} picks the direction. */
    record Datagram(byte[] payload, boolean toServer) {
    }

    private Pcap() {
    }

    static void write(Path file, List<Datagram> datagrams) throws IOException {
        write(file, datagrams, 40000, 5683);
    }

    /** As {@link #write(Path, List)} with the client's and the server's UDP port. */
    static void write(Path file, List<Datagram> datagrams, int clientPort, int serverPort) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer h = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
        out.write(h.array());
        int n = 0;
        for (Datagram d : datagrams) {
            byte[] client = {127, 0, 0, 1};
            byte[] server = {127, 0, 0, 2};
            int udpLen = 8 + d.payload().length;
            ByteBuffer p = ByteBuffer.allocate(20 + udpLen);
            p.put((byte) 0x45).put((byte) 0).putShort((short) (20 + udpLen)).putShort((short) n).putShort((short) 0)
                    .put((byte) 64).put((byte) 17).putShort((short) 0).put(d.toServer() ? client : server)
                    .put(d.toServer() ? server : client);
            p.putShort((short) (d.toServer() ? clientPort : serverPort))
                    .putShort((short) (d.toServer() ? serverPort : clientPort))
                    .putShort((short) udpLen).putShort((short) 0).put(d.payload());
            ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            rec.putInt(n).putInt(0).putInt(p.capacity()).putInt(p.capacity());
            out.write(rec.array());
            out.write(p.array());
            n++;
        }
        Files.write(file, out.toByteArray());
    }
}
