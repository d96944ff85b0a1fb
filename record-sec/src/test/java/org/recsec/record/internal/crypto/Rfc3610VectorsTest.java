package org.recsec.record.internal.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.recsec.record.base.RecSecException;
import org.recsec.record.base.SecretBytes;

/**
 * RFC 3610 §8 packet vectors (AES-128, L = 2, 13-byte nonce), copied from the RFC text: #1–#6 and #13–#18 with
 * M = 8 (the CCM_8 tag size), #7–#12 with M = 10. Each row: packet number, M, cleartext header octets (the AAD),
 * AES key, nonce, input packet (header ‖ message), output packet (header ‖ ciphertext ‖ tag). For #1–#12 the input
 * packet is the octets 00 01 02 … of the stated length. Source: RFC 3610 (The Internet Society, 2003), §8.
 */
class Rfc3610VectorsTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String K1 = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecf";
    private static final String K2 = "d7828d13b2b0bdc325a76236df93cc6b";

    @ParameterizedTest(name = "packet vector #{0}")
    @CsvSource({
        "1, 8, 8, " + K1 + ", 00000003020100a0a1a2a3a4a5, 31, "
            + "0001020304050607588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0",
        "2, 8, 8, " + K1 + ", 00000004030201a0a1a2a3a4a5, 32, "
            + "000102030405060772c91a36e135f8cf291ca894085c87e3cc15c439c9e43a3ba091d56e10400916",
        "3, 8, 8, " + K1 + ", 00000005040302a0a1a2a3a4a5, 33, "
            + "000102030405060751b1e5f44a197d1da46b0f8e2d282ae871e838bb64da8596574adaa76fbd9fb0c5",
        "4, 8, 12, " + K1 + ", 00000006050403a0a1a2a3a4a5, 31, "
            + "000102030405060708090a0ba28c6865939a9a79faaa5c4c2a9d4a91cdac8c96c861b9c9e61ef1",
        "5, 8, 12, " + K1 + ", 00000007060504a0a1a2a3a4a5, 32, "
            + "000102030405060708090a0bdcf1fb7b5d9e23fb9d4e131253658ad86ebdca3e51e83f077d9c2d93",
        "6, 8, 12, " + K1 + ", 00000008070605a0a1a2a3a4a5, 33, "
            + "000102030405060708090a0b6fc1b011f006568b5171a42d953d469b2570a4bd87405a0443ac91cb94",
        "7, 10, 8, " + K1 + ", 00000009080706a0a1a2a3a4a5, 31, "
            + "00010203040506070135d1b2c95f41d5d1d4fec185d166b8094e999dfed96c048c56602c97acbb7490",
        "8, 10, 8, " + K1 + ", 0000000a090807a0a1a2a3a4a5, 32, "
            + "00010203040506077b75399ac0831dd2f0bbd75879a2fd8f6cae6b6cd9b7db24c17b4433f434963f34b4",
        "9, 10, 8, " + K1 + ", 0000000b0a0908a0a1a2a3a4a5, 33, "
            + "000102030405060782531a60cc24945a4b8279181ab5c84df21ce7f9b73f42e197ea9c07e56b5eb17e5f4e",
        "10, 10, 12, " + K1 + ", 0000000c0b0a09a0a1a2a3a4a5, 31, "
            + "000102030405060708090a0b07342594157785152b074098330abb141b947b566aa9406b4d999988dd",
        "11, 10, 12, " + K1 + ", 0000000d0c0b0aa0a1a2a3a4a5, 32, "
            + "000102030405060708090a0b676bb20380b0e301e8ab79590a396da78b834934f53aa2e9107a8b6c022c",
        "12, 10, 12, " + K1 + ", 0000000e0d0c0ba0a1a2a3a4a5, 33, "
            + "000102030405060708090a0bc0ffa0d6f05bdb67f24d43a4338d2aa4bed7b20e43cd1aa31662e7ad65d6db",
    })
    void countingPackets(int packet, int tagBytes, int headerBytes, String key, String nonce, int inputLength,
                         String output) throws RecSecException {
        byte[] input = new byte[inputLength];
        for (int i = 0; i < inputLength; i++) {
            input[i] = (byte) i;
        }
        check(packet, tagBytes, headerBytes, key, nonce, input, HEX.parseHex(output));
    }

    @ParameterizedTest(name = "packet vector #{0}")
    @CsvSource({
        "13, 8, 8, " + K2 + ", 00412b4ea9cdbe3c9696766cfa, "
            + "0be1a88bace018b108e8cf97d820ea258460e96ad9cf5289054d895ceac47c, "
            + "0be1a88bace018b14cb97f86a2a4689a877947ab8091ef5386a6ffbdd080f8e78cf7cb0cddd7b3",
        "14, 8, 8, " + K2 + ", 0033568ef7b2633c9696766cfa, "
            + "63018f76dc8a1bcb9020ea6f91bdd85afa0039ba4baff9bfb79c7028949cd0ec, "
            + "63018f76dc8a1bcb4ccb1e7ca981befaa0726c55d378061298c85c92814abc33c52ee81d7d77c08a",
        "15, 8, 8, " + K2 + ", 00103fe41336713c9696766cfa, "
            + "aa6cfa36cae86b40b916e0eacc1c00d7dcec68ec0b3bbb1a02de8a2d1aa346132e, "
            + "aa6cfa36cae86b40b1d23a2220ddc0ac900d9aa03c61fcf4a559a4417767089708a776796edb723506",
        "16, 8, 12, " + K2 + ", 00764c63b8058e3c9696766cfa, "
            + "d0d0735c531e1becf049c24412daac5630efa5396f770ce1a66b21f7b2101c, "
            + "d0d0735c531e1becf049c24414d253c3967b70609b7cbb7c499160283245269a6f49975bcadeaf",
        "17, 8, 12, " + K2 + ", 00f8b678094e3b3c9696766cfa, "
            + "77b60f011c03e1525899bcaee88b6a46c78d63e52eb8c546efb5de6f75e9cc0d, "
            + "77b60f011c03e1525899bcae5545ff1a085ee2efbf52b2e04bee1e2336c73e3f762c0c7744fe7e3c",
        "18, 8, 12, " + K2 + ", 00d560912d3f703c9696766cfa, "
            + "cd9044d2b71fdb8120ea60c06435acbafb11a82e2f071d7ca4a5ebd93a803ba87f, "
            + "cd9044d2b71fdb8120ea60c0009769ecabdf48625594c59251e6035722675e04c847099e5ae0704551",
    })
    void randomPackets(int packet, int tagBytes, int headerBytes, String key, String nonce, String input,
                       String output) throws RecSecException {
        check(packet, tagBytes, headerBytes, key, nonce, HEX.parseHex(input), HEX.parseHex(output));
    }

    private static void check(int packet, int tagBytes, int headerBytes, String key, String nonce, byte[] input,
                              byte[] output) throws RecSecException {
        String id = "RFC 3610 packet vector #" + packet;
        AesCcm ccm = new AesCcm(SecretBytes.copyOf(HEX.parseHex(key)), tagBytes);
        byte[] n = HEX.parseHex(nonce);
        byte[] aad = Arrays.copyOf(input, headerBytes);
        assertArrayEquals(aad, Arrays.copyOf(output, headerBytes), id + ": header passes in clear");
        int msgLen = input.length - headerBytes;
        byte[] sealed = new byte[msgLen + tagBytes];
        assertEquals(sealed.length, ccm.seal(n, aad, input, headerBytes, msgLen, sealed, 0), id);
        assertArrayEquals(Arrays.copyOfRange(output, headerBytes, output.length), sealed, id + ": seal");

        byte[] opened = new byte[msgLen];
        ccm.open(n, aad, output, headerBytes, output.length - headerBytes, opened, 0);
        assertArrayEquals(Arrays.copyOfRange(input, headerBytes, input.length), opened, id + ": open");

        byte[] forged = output.clone();
        forged[forged.length - 1] ^= 1;
        RecSecException e = assertThrows(RecSecException.class,
                () -> ccm.open(n, aad, forged, headerBytes, forged.length - headerBytes, new byte[msgLen], 0), id);
        assertEquals(RecSecException.Reason.AUTH_FAILED, e.reason(), id);
    }
}
