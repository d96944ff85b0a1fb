-- recsec.lua: Wireshark/tshark dissector for recsec, CoAP protected end to end inside (D)TLS records
-- (draft-garcia-core-app-layer-sec-with-dtls-record).
--
-- What it shows, for every CoAP message that carries the Record-Security option (65001):
--   * the option by name and the SPI as a number (recsec.spi);
--   * the payload as a record of its profile, recognised by its first byte:
--       0x17       dtls12      RFC 6347 §4.1 DTLSCiphertext: type, version, epoch, 48-bit seq, length,
--                              explicit nonce (AES suites), ciphertext, tag
--       0x19       dtls12-cid  RFC 9146 §4 tls12_cid record: as dtls12 plus the CID (= the SPI's 4 bytes)
--       001CSLEE   compact     RFC 9147 §4 unified header: C, S, L bits, epoch low bits, the sequence number as
--                              on the wire (encrypted, RFC 9147 §4.2.3), no length, CID absent
--   * fields to filter on: recsec.spi, recsec.seq, recsec.epoch, recsec.profile (and more, see the list below);
--   * expert info (group Malformed) for a record that does not parse; the script never raises a Lua error on
--     any input (every dissection runs under pcall; an internal fault shows as expert info recsec.internal).
--
-- Optional decryption: with a key file (format in README.md, "Looking at captures"; set it with
-- `-o recsec.keylog_file:FILE` or in Preferences > Protocols > RECSEC, or the RECSEC_KEYLOG_FILE environment
-- variable), records of a known SPI are opened and the inner plaintext (000000VV | code | Class E options |
-- 0xFF payload) is shown, and handed to Wireshark's CoAP dissector as a CoAP message of the outer type and
-- message ID. The AEADs (AES-128-CCM/-CCM_8/-GCM, ChaCha20-Poly1305), SHA-256/HKDF and record number encryption
-- are written in plain Lua below, because the Lua API of Wireshark 4.0 (Debian 12) has no cipher binding
-- (GcryptCipher appeared in later versions); they are only used to read captures, never to protect anything.
--
-- Install: copy this file into the personal Lua plugins folder (~/.local/lib/wireshark/plugins/ on Linux), or
-- run `tshark -X lua_script:tools/wireshark/recsec.lua ...`.

-- 32-bit unsigned bit operations: bit32 under Lua 5.2 (Wireshark up to 4.2 and Debian 12's 4.0). Lua 5.4 has no
-- bit32 and Wireshark's BitOp "bit" returns signed results, so under Lua 5.3/5.4 the same functions are built from
-- the native integer operators, compiled at load time so that this file still parses under Lua 5.2.
local bit = bit32
if bit == nil then
    bit = load([[
        local M = 0xffffffff
        local function i(v) return math.tointeger(v) or math.floor(v) end
        local b = {}
        function b.band(...) local r = M for k = 1, select("#", ...) do r = r & i(select(k, ...)) end return r end
        function b.bor(...) local r = 0 for k = 1, select("#", ...) do r = r | i(select(k, ...)) end return r & M end
        function b.bxor(...) local r = 0 for k = 1, select("#", ...) do r = r ~ i(select(k, ...)) end return r & M end
        function b.bnot(x) return ~i(x) & M end
        function b.lshift(x, n) return (i(x) << n) & M end
        function b.rshift(x, n) return (i(x) & M) >> n end
        function b.lrotate(x, n) x = i(x) & M n = n % 32 return ((x << n) | (x >> (32 - n))) & M end
        function b.rrotate(x, n) x = i(x) & M n = n % 32 return ((x >> n) | (x << (32 - n))) & M end
        return b
    ]])()
end
local bxor, band, bor, bnot = bit.bxor, bit.band, bit.bor, bit.bnot
local lshift, rshift, lrotate, rrotate = bit.lshift, bit.rshift, bit.lrotate, bit.rrotate
local floor = math.floor
local schar, sbyte, sfmt = string.char, string.byte, string.format

local RECORD_SECURITY = 65001
local REQUEST_SEQUENCE = 65002

---------------------------------------------------------------------------------------------------------------
-- Byte helpers: byte strings are Lua tables of integers 0..255, 1-indexed.
---------------------------------------------------------------------------------------------------------------

local function from_string(s)
    local t = {}
    for i = 1, #s do
        t[i] = sbyte(s, i)
    end
    return t
end

local function to_string(t, i, j)
    local parts = {}
    for k = i or 1, j or #t do
        parts[#parts + 1] = schar(t[k])
    end
    return table.concat(parts)
end

local function from_hex(h)
    if h == nil or #h % 2 ~= 0 or h:find("[^0-9a-fA-F]") then
        return nil
    end
    local t = {}
    for i = 1, #h, 2 do
        t[#t + 1] = tonumber(h:sub(i, i + 1), 16)
    end
    return t
end

local function to_hex(t, i, j)
    local parts = {}
    for k = i or 1, j or #t do
        parts[#parts + 1] = sfmt("%02x", t[k])
    end
    return table.concat(parts)
end

local function slice(t, i, j)
    local out = {}
    for k = i, j do
        out[#out + 1] = t[k]
    end
    return out
end

local function concat(...)
    local out = {}
    for _, t in ipairs({ ... }) do
        for k = 1, #t do
            out[#out + 1] = t[k]
        end
    end
    return out
end

local function uint_be(value, nbytes)
    local out = {}
    for k = nbytes, 1, -1 do
        out[k] = value % 256
        value = floor(value / 256)
    end
    return out
end

local function equal_bytes(a, b)
    if #a ~= #b then
        return false
    end
    local diff = 0
    for k = 1, #a do
        diff = bor(diff, bxor(a[k], b[k]))
    end
    return diff == 0
end

---------------------------------------------------------------------------------------------------------------
-- AES (FIPS 197), encryption only: CTR, CCM, GCM and record number masks need no decryption direction.
---------------------------------------------------------------------------------------------------------------

local SBOX = {}
do
    local function rotl8(x, s)
        return band(bor(lshift(x, s), rshift(x, 8 - s)), 0xff)
    end
    local p, q = 1, 1
    repeat
        -- p := p * 3 in GF(2^8); q := q / 3
        p = band(bxor(p, lshift(p, 1), band(p, 0x80) ~= 0 and 0x1b or 0), 0xff)
        q = bxor(q, lshift(q, 1))
        q = bxor(q, lshift(q, 2))
        q = bxor(q, lshift(q, 4))
        q = band(q, 0xff)
        if band(q, 0x80) ~= 0 then
            q = bxor(q, 0x09)
        end
        SBOX[p] = bxor(q, rotl8(q, 1), rotl8(q, 2), rotl8(q, 3), rotl8(q, 4), 0x63)
    until p == 1
    SBOX[0] = 0x63
end

local function xtime(a)
    return band(bxor(lshift(a, 1), band(a, 0x80) ~= 0 and 0x1b or 0), 0xff)
end

-- Expands a 16- or 32-byte key into round keys; returns {rk = bytes, rounds = Nr}.
local function aes_key(key)
    local nk = #key / 4
    local nr = nk + 6
    local w = {}
    for k = 1, #key do
        w[k] = key[k]
    end
    local rcon = 1
    for i = nk, 4 * (nr + 1) - 1 do
        local t0, t1, t2, t3 = w[4 * i - 3], w[4 * i - 2], w[4 * i - 1], w[4 * i]
        if i % nk == 0 then
            t0, t1, t2, t3 = bxor(SBOX[t1], rcon), SBOX[t2], SBOX[t3], SBOX[t0]
            rcon = xtime(rcon)
        elseif nk > 6 and i % nk == 4 then
            t0, t1, t2, t3 = SBOX[t0], SBOX[t1], SBOX[t2], SBOX[t3]
        end
        local b = 4 * (i - nk)
        w[4 * i + 1] = bxor(w[b + 1], t0)
        w[4 * i + 2] = bxor(w[b + 2], t1)
        w[4 * i + 3] = bxor(w[b + 3], t2)
        w[4 * i + 4] = bxor(w[b + 4], t3)
    end
    return { rk = w, rounds = nr }
end

-- Encrypts the 16 bytes at in_[off+1 .. off+16]; returns a new 16-byte table.
local function aes_encrypt(ks, in_, off)
    off = off or 0
    local rk, nr = ks.rk, ks.rounds
    local s = {}
    for k = 1, 16 do
        s[k] = bxor(in_[off + k] or 0, rk[k])
    end
    for r = 1, nr do
        -- SubBytes and ShiftRows: byte (row, col) moves to col - row; state is column-major
        local t = {}
        for c = 0, 3 do
            for row = 0, 3 do
                t[c * 4 + row + 1] = SBOX[s[((c + row) % 4) * 4 + row + 1]]
            end
        end
        if r < nr then
            for c = 0, 3 do
                local a0, a1, a2, a3 = t[c * 4 + 1], t[c * 4 + 2], t[c * 4 + 3], t[c * 4 + 4]
                local all = bxor(a0, a1, a2, a3)
                t[c * 4 + 1] = bxor(a0, all, xtime(bxor(a0, a1)))
                t[c * 4 + 2] = bxor(a1, all, xtime(bxor(a1, a2)))
                t[c * 4 + 3] = bxor(a2, all, xtime(bxor(a2, a3)))
                t[c * 4 + 4] = bxor(a3, all, xtime(bxor(a3, a0)))
            end
        end
        local base = 16 * r
        for k = 1, 16 do
            s[k] = bxor(t[k], rk[base + k])
        end
    end
    return s
end

---------------------------------------------------------------------------------------------------------------
-- AES-CCM (RFC 3610) with a 12-byte nonce (L = 3), tag of 8 or 16 bytes; AES-GCM (NIST SP 800-38D) with a
-- 12-byte nonce. Each open returns the plaintext table, or nil when the tag does not verify.
---------------------------------------------------------------------------------------------------------------

local function ccm_open(key, nonce, aad, ct, tag_len)
    if #ct < tag_len then
        return nil
    end
    local ks = aes_key(key)
    local L = 15 - #nonce
    local mlen = #ct - tag_len
    local function ctr_block(i)
        local a = concat({ L - 1 }, nonce, uint_be(i, L))
        return aes_encrypt(ks, a, 0)
    end
    local m = {}
    local blocks = floor((mlen + 15) / 16)
    for b = 1, blocks do
        local sblk = ctr_block(b)
        for k = 1, 16 do
            local idx = (b - 1) * 16 + k
            if idx > mlen then
                break
            end
            m[idx] = bxor(ct[idx], sblk[k])
        end
    end
    -- CBC-MAC over B0, the encoded AAD, the message
    local mac_in = concat({ bor(#aad > 0 and 0x40 or 0, lshift((tag_len - 2) / 2, 3), L - 1) }, nonce,
        uint_be(mlen, L))
    if #aad > 0 then
        mac_in = concat(mac_in, uint_be(#aad, 2), aad)
        while #mac_in % 16 ~= 0 do
            mac_in[#mac_in + 1] = 0
        end
    end
    mac_in = concat(mac_in, m)
    while #mac_in % 16 ~= 0 do
        mac_in[#mac_in + 1] = 0
    end
    local x = {}
    for k = 1, 16 do
        x[k] = 0
    end
    for b = 0, #mac_in / 16 - 1 do
        for k = 1, 16 do
            x[k] = bxor(x[k], mac_in[b * 16 + k])
        end
        x = aes_encrypt(ks, x, 0)
    end
    local s0 = ctr_block(0)
    local expected = {}
    for k = 1, tag_len do
        expected[k] = bxor(x[k], s0[k])
    end
    if not equal_bytes(expected, slice(ct, mlen + 1, #ct)) then
        return nil
    end
    return m
end

-- GF(2^128) multiplication of two blocks held as four 32-bit big-endian words (SP 800-38D §6.3).
local function gf_mult(x, y)
    local z0, z1, z2, z3 = 0, 0, 0, 0
    local v0, v1, v2, v3 = y[1], y[2], y[3], y[4]
    for i = 0, 127 do
        local word = x[floor(i / 32) + 1]
        if band(word, lshift(1, 31 - i % 32)) ~= 0 then
            z0, z1, z2, z3 = bxor(z0, v0), bxor(z1, v1), bxor(z2, v2), bxor(z3, v3)
        end
        local lsb = band(v3, 1)
        v3 = bor(rshift(v3, 1), lshift(band(v2, 1), 31))
        v2 = bor(rshift(v2, 1), lshift(band(v1, 1), 31))
        v1 = bor(rshift(v1, 1), lshift(band(v0, 1), 31))
        v0 = rshift(v0, 1)
        if lsb ~= 0 then
            v0 = bxor(v0, 0xe1000000)
        end
    end
    return { z0, z1, z2, z3 }
end

local function words(b, off)
    local w = {}
    for k = 0, 3 do
        local o = off + 4 * k
        w[k + 1] = bor(lshift(b[o + 1] or 0, 24), lshift(b[o + 2] or 0, 16), lshift(b[o + 3] or 0, 8), b[o + 4] or 0)
    end
    return w
end

local function gcm_open(key, nonce, aad, ct, tag_len)
    if #ct < tag_len then
        return nil
    end
    local ks = aes_key(key)
    local clen = #ct - tag_len
    local h = words(aes_encrypt(ks, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 0), 0)
    local y = { 0, 0, 0, 0 }
    local function absorb(data, len)
        for off = 0, len - 1, 16 do
            local blk = {}
            for k = 1, 16 do
                blk[k] = off + k <= len and data[off + k] or 0
            end
            local w = words(blk, 0)
            y = gf_mult({ bxor(y[1], w[1]), bxor(y[2], w[2]), bxor(y[3], w[3]), bxor(y[4], w[4]) }, h)
        end
    end
    absorb(aad, #aad)
    absorb(ct, clen)
    local lens = concat(uint_be(#aad * 8, 8), uint_be(clen * 8, 8))
    absorb(lens, 16)
    local j0 = concat(nonce, { 0, 0, 0, 1 })
    local ekj0 = aes_encrypt(ks, j0, 0)
    local tag = {}
    for k = 1, 4 do
        local b = uint_be(y[k], 4)
        for i = 1, 4 do
            tag[(k - 1) * 4 + i] = bxor(b[i], ekj0[(k - 1) * 4 + i])
        end
    end
    if not equal_bytes(slice(tag, 1, tag_len), slice(ct, clen + 1, #ct)) then
        return nil
    end
    local m = {}
    local counter = 1
    for off = 0, clen - 1, 16 do
        counter = counter + 1
        local blk = aes_encrypt(ks, concat(nonce, uint_be(counter, 4)), 0)
        for k = 1, 16 do
            if off + k > clen then
                break
            end
            m[off + k] = bxor(ct[off + k], blk[k])
        end
    end
    return m
end

---------------------------------------------------------------------------------------------------------------
-- ChaCha20 and Poly1305 (RFC 8439). Poly1305 runs on ten 13-bit limbs so every product stays exact in a double.
---------------------------------------------------------------------------------------------------------------

local function le32(b, off)
    return bor(b[off + 1], lshift(b[off + 2], 8), lshift(b[off + 3], 16), lshift(b[off + 4], 24))
end

local function chacha20_block(key, counter, nonce)
    local st = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 }
    for k = 0, 7 do
        st[5 + k] = le32(key, 4 * k)
    end
    st[13] = counter
    for k = 0, 2 do
        st[14 + k] = le32(nonce, 4 * k)
    end
    local x = {}
    for k = 1, 16 do
        x[k] = st[k]
    end
    local function qr(a, b, c, d)
        x[a] = band(x[a] + x[b], 0xffffffff); x[d] = lrotate(bxor(x[d], x[a]), 16)
        x[c] = band(x[c] + x[d], 0xffffffff); x[b] = lrotate(bxor(x[b], x[c]), 12)
        x[a] = band(x[a] + x[b], 0xffffffff); x[d] = lrotate(bxor(x[d], x[a]), 8)
        x[c] = band(x[c] + x[d], 0xffffffff); x[b] = lrotate(bxor(x[b], x[c]), 7)
    end
    for _ = 1, 10 do
        qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15); qr(4, 8, 12, 16)
        qr(1, 6, 11, 16); qr(2, 7, 12, 13); qr(3, 8, 9, 14); qr(4, 5, 10, 15)
    end
    local out = {}
    for k = 1, 16 do
        local v = band(x[k] + st[k], 0xffffffff)
        out[#out + 1] = band(v, 0xff)
        out[#out + 1] = band(rshift(v, 8), 0xff)
        out[#out + 1] = band(rshift(v, 16), 0xff)
        out[#out + 1] = rshift(v, 24)
    end
    return out
end

local LIMB = 8192 -- 2^13

local function to_limbs(bytes)
    local limbs, acc, accbits = {}, 0, 0
    for k = 1, #bytes do
        acc = acc + bytes[k] * 2 ^ accbits
        accbits = accbits + 8
        while accbits >= 13 and #limbs < 10 do
            limbs[#limbs + 1] = acc % LIMB
            acc = floor(acc / LIMB)
            accbits = accbits - 13
        end
    end
    while #limbs < 10 do
        limbs[#limbs + 1] = acc % LIMB
        acc = floor(acc / LIMB)
    end
    return limbs
end

local function carry(h)
    for _ = 1, 2 do
        for k = 1, 10 do
            local c = floor(h[k] / LIMB)
            h[k] = h[k] - c * LIMB
            if k < 10 then
                h[k + 1] = h[k + 1] + c
            else
                h[1] = h[1] + 5 * c
            end
        end
    end
end

local function poly1305(key, msg)
    local rb = slice(key, 1, 16)
    rb[4], rb[8], rb[12], rb[16] = band(rb[4], 15), band(rb[8], 15), band(rb[12], 15), band(rb[16], 15)
    rb[5], rb[9], rb[13] = band(rb[5], 252), band(rb[9], 252), band(rb[13], 252)
    local r = to_limbs(rb)
    local h = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }
    for off = 0, #msg - 1, 16 do
        local blk = {}
        for k = 1, 16 do
            if off + k > #msg then
                break
            end
            blk[k] = msg[off + k]
        end
        blk[#blk + 1] = 1
        local m = to_limbs(blk)
        for k = 1, 10 do
            h[k] = h[k] + m[k]
        end
        local d = {}
        for k = 1, 10 do
            local sum = 0
            for i = 1, 10 do
                local j = k - i + 1
                if j >= 1 then
                    sum = sum + h[i] * r[j]
                else
                    sum = sum + 5 * h[i] * r[j + 10]
                end
            end
            d[k] = sum
        end
        h = d
        carry(h)
    end
    -- full reduction mod 2^130 - 5: h may still be >= p
    carry(h)
    local g = {}
    for k = 1, 10 do
        g[k] = h[k]
    end
    g[1] = g[1] + 5
    for k = 1, 9 do
        local c = floor(g[k] / LIMB)
        g[k] = g[k] - c * LIMB
        g[k + 1] = g[k + 1] + c
    end
    if g[10] >= LIMB then
        g[10] = g[10] - LIMB
        h = g
    end
    -- h to 16 little-endian bytes, plus s
    local out, acc, accbits = {}, 0, 0
    for k = 1, 10 do
        acc = acc + h[k] * 2 ^ accbits
        accbits = accbits + 13
        while accbits >= 8 and #out < 16 do
            out[#out + 1] = acc % 256
            acc = floor(acc / 256)
            accbits = accbits - 8
        end
    end
    local c = 0
    for k = 1, 16 do
        local v = out[k] + key[16 + k] + c
        out[k] = v % 256
        c = floor(v / 256)
    end
    return out
end

local function chacha20_poly1305_open(key, nonce, aad, ct, tag_len)
    if #ct < tag_len then
        return nil
    end
    local clen = #ct - tag_len
    local otk = slice(chacha20_block(key, 0, nonce), 1, 32)
    local mac = {}
    local function add(t, len)
        for k = 1, len do
            mac[#mac + 1] = t[k]
        end
        while #mac % 16 ~= 0 do
            mac[#mac + 1] = 0
        end
    end
    add(aad, #aad)
    add(ct, clen)
    local l1, l2 = uint_be(#aad, 8), uint_be(clen, 8)
    for k = 8, 1, -1 do
        mac[#mac + 1] = l1[k]
    end
    for k = 8, 1, -1 do
        mac[#mac + 1] = l2[k]
    end
    local tag = poly1305(otk, mac)
    if not equal_bytes(slice(tag, 1, tag_len), slice(ct, clen + 1, #ct)) then
        return nil
    end
    local m = {}
    for off = 0, clen - 1, 64 do
        local ksb = chacha20_block(key, off / 64 + 1, nonce)
        for k = 1, 64 do
            if off + k > clen then
                break
            end
            m[off + k] = bxor(ct[off + k], ksb[k])
        end
    end
    return m
end

---------------------------------------------------------------------------------------------------------------
-- SHA-256 (FIPS 180-4), HMAC (RFC 2104), HKDF-Expand (RFC 5869) and HKDF-Expand-Label with the DTLS 1.3 prefix
-- "dtls13" (RFC 8446 §7.1, RFC 9147 §5.9).
---------------------------------------------------------------------------------------------------------------

local K256 = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

local function sha256(msg)
    local h = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 }
    local m = concat(msg, { 0x80 })
    while #m % 64 ~= 56 do
        m[#m + 1] = 0
    end
    m = concat(m, uint_be(#msg * 8, 8))
    for off = 0, #m - 1, 64 do
        local w = {}
        for t = 0, 15 do
            w[t] = bor(lshift(m[off + 4 * t + 1], 24), lshift(m[off + 4 * t + 2], 16), lshift(m[off + 4 * t + 3], 8),
                m[off + 4 * t + 4])
        end
        for t = 16, 63 do
            local s0 = bxor(rrotate(w[t - 15], 7), rrotate(w[t - 15], 18), rshift(w[t - 15], 3))
            local s1 = bxor(rrotate(w[t - 2], 17), rrotate(w[t - 2], 19), rshift(w[t - 2], 10))
            w[t] = band(w[t - 16] + s0 + w[t - 7] + s1, 0xffffffff)
        end
        local a, b, c, d, e, f, g, hh = h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]
        for t = 0, 63 do
            local S1 = bxor(rrotate(e, 6), rrotate(e, 11), rrotate(e, 25))
            local ch = bxor(band(e, f), band(bnot(e), g))
            local t1 = band(hh + S1 + ch + K256[t + 1] + w[t], 0xffffffff)
            local S0 = bxor(rrotate(a, 2), rrotate(a, 13), rrotate(a, 22))
            local maj = bxor(band(a, b), band(a, c), band(b, c))
            local t2 = band(S0 + maj, 0xffffffff)
            hh, g, f, e, d, c, b, a = g, f, e, band(d + t1, 0xffffffff), c, b, a, band(t1 + t2, 0xffffffff)
        end
        h[1], h[2], h[3], h[4] = band(h[1] + a, 0xffffffff), band(h[2] + b, 0xffffffff), band(h[3] + c, 0xffffffff),
            band(h[4] + d, 0xffffffff)
        h[5], h[6], h[7], h[8] = band(h[5] + e, 0xffffffff), band(h[6] + f, 0xffffffff), band(h[7] + g, 0xffffffff),
            band(h[8] + hh, 0xffffffff)
    end
    local out = {}
    for k = 1, 8 do
        out = concat(out, uint_be(h[k], 4))
    end
    return out
end

local function hmac_sha256(key, msg)
    if #key > 64 then
        key = sha256(key)
    end
    local ipad, opad = {}, {}
    for k = 1, 64 do
        local b = key[k] or 0
        ipad[k] = bxor(b, 0x36)
        opad[k] = bxor(b, 0x5c)
    end
    return sha256(concat(opad, sha256(concat(ipad, msg))))
end

local function hkdf_expand_label(secret, label, context, length)
    local full = "dtls13" .. label
    local info = concat(uint_be(length, 2), { #full }, from_string(full), { #context }, context)
    local out, t, i = {}, {}, 1
    while #out < length do
        t = hmac_sha256(secret, concat(t, info, { i }))
        out = concat(out, t)
        i = i + 1
    end
    return slice(out, 1, length)
end

---------------------------------------------------------------------------------------------------------------
-- Suites
---------------------------------------------------------------------------------------------------------------

-- dtls12 and dtls12-cid: TLS 1.2 code points (and the ECDHE aliases recsec also accepts).
local SUITES12 = {
    [0xc0a8] = { name = "AES_128_CCM_8", open = ccm_open, key = 16, iv = 4, tag = 8, explicit = 8 },
    [0xc0ae] = { name = "AES_128_CCM_8", open = ccm_open, key = 16, iv = 4, tag = 8, explicit = 8 },
    [0xc0a4] = { name = "AES_128_CCM", open = ccm_open, key = 16, iv = 4, tag = 16, explicit = 8 },
    [0xc0ac] = { name = "AES_128_CCM", open = ccm_open, key = 16, iv = 4, tag = 16, explicit = 8 },
    [0x00a8] = { name = "AES_128_GCM", open = gcm_open, key = 16, iv = 4, tag = 16, explicit = 8 },
    [0xc02b] = { name = "AES_128_GCM", open = gcm_open, key = 16, iv = 4, tag = 16, explicit = 8 },
    [0xccab] = { name = "CHACHA20_POLY1305", open = chacha20_poly1305_open, key = 32, iv = 12, tag = 16, explicit = 0 },
    [0xcca9] = { name = "CHACHA20_POLY1305", open = chacha20_poly1305_open, key = 32, iv = 12, tag = 16, explicit = 0 },
}

-- compact: TLS 1.3 code points (RFC 8446 B.4); sn = record number encryption (RFC 9147 §4.2.3).
local SUITES13 = {
    [0x1305] = { name = "TLS_AES_128_CCM_8_SHA256", open = ccm_open, key = 16, tag = 8, sn = "aes" },
    [0x1304] = { name = "TLS_AES_128_CCM_SHA256", open = ccm_open, key = 16, tag = 16, sn = "aes" },
    [0x1301] = { name = "TLS_AES_128_GCM_SHA256", open = gcm_open, key = 16, tag = 16, sn = "aes" },
    [0x1303] = { name = "TLS_CHACHA20_POLY1305_SHA256", open = chacha20_poly1305_open, key = 32, tag = 16,
                 sn = "chacha" },
}

-- RFC 9147 §4.2.3: the mask over the record number, from the first 16 bytes of the ciphertext.
local function sn_mask(suite, sn_key, sample)
    if suite.sn == "aes" then
        return aes_encrypt(aes_key(sn_key), sample, 0)
    end
    return chacha20_block(sn_key, le32(sample, 0), slice(sample, 5, 16))
end

---------------------------------------------------------------------------------------------------------------
-- The key file
---------------------------------------------------------------------------------------------------------------

-- sas[spi] = { spi, dir, profile, suite (number), suite_info, key, iv | secret-derived key, iv, sn_key, seqbits,
--              cid, line }
local sas = {}
local keylog_errors = {}
local keylog_loaded_from = nil

local function parse_keylog_line(line, lineno)
    local fields = {}
    for f in line:gmatch("%S+") do
        fields[#fields + 1] = f
    end
    if #fields == 0 or fields[1]:sub(1, 1) == "#" then
        return nil
    end
    if fields[1] ~= "RECSEC_SA" or #fields < 6 then
        return nil, "line " .. lineno .. ": expected RECSEC_SA SPI DIRECTION PROFILE SUITE KEY-MATERIAL..."
    end
    local spi = tonumber((fields[2]:gsub("^0[xX]", "")), 16)
    if spi == nil or spi > 0xffffffff then
        return nil, "line " .. lineno .. ": SPI must be hex, at most 32 bits"
    end
    local dir = fields[3]
    if dir ~= "c2s" and dir ~= "s2c" then
        return nil, "line " .. lineno .. ": direction must be c2s or s2c"
    end
    local profile = fields[4]
    local suite = tonumber(fields[5], 16)
    local params = {}
    for k = 6, #fields do
        local name, value = fields[k]:match("^([%w_]+)=(%S+)$")
        if name == nil then
            return nil, "line " .. lineno .. ": expected NAME=VALUE, got " .. fields[k]
        end
        params[name] = value
    end
    local sa = { spi = spi, dir = dir, profile = profile, suite = suite, line = lineno }
    if profile == "dtls12" or profile == "dtls12-cid" then
        local info = SUITES12[suite or -1]
        if info == nil then
            return nil, "line " .. lineno .. ": suite " .. fields[5] .. " is not c0a8, c0a4, 00a8 or ccab"
        end
        sa.info = info
        sa.key, sa.iv = from_hex(params.key), from_hex(params.iv)
        if sa.key == nil or #sa.key ~= info.key or sa.iv == nil or #sa.iv ~= info.iv then
            return nil, sfmt("line %d: %s needs key= (%d bytes hex) and iv= (%d bytes hex)", lineno, info.name,
                info.key, info.iv)
        end
        if params.cid ~= nil then
            sa.cid = from_hex(params.cid)
            if sa.cid == nil or #sa.cid > 255 then
                return nil, "line " .. lineno .. ": cid= must be hex, at most 255 bytes"
            end
        end
    elseif profile == "compact" then
        local info = SUITES13[suite or -1]
        if info == nil then
            return nil, "line " .. lineno .. ": suite " .. fields[5] .. " is not 1305, 1304, 1301 or 1303"
        end
        sa.info = info
        local secret = from_hex(params.secret)
        if secret == nil or #secret ~= 32 then
            return nil, "line " .. lineno .. ": compact needs secret= (32 bytes hex, the direction's traffic secret)"
        end
        sa.key = hkdf_expand_label(secret, "key", {}, info.key)
        sa.iv = hkdf_expand_label(secret, "iv", {}, 12)
        sa.sn_key = hkdf_expand_label(secret, "sn", {}, info.key)
    else
        return nil, "line " .. lineno .. ": profile must be dtls12, dtls12-cid or compact"
    end
    return sa
end

local function load_keylog(path)
    sas, keylog_errors = {}, {}
    keylog_loaded_from = path
    if path == nil or path == "" then
        return
    end
    local f, err = io.open(path, "r")
    if f == nil then
        keylog_errors[#keylog_errors + 1] = "cannot open key file: " .. tostring(err)
        return
    end
    local lineno = 0
    for line in f:lines() do
        lineno = lineno + 1
        local ok, sa, perr = pcall(parse_keylog_line, line, lineno)
        if not ok then
            keylog_errors[#keylog_errors + 1] = "line " .. lineno .. ": " .. tostring(sa)
        elseif sa ~= nil then
            sas[sa.spi] = sa
        elseif perr ~= nil then
            keylog_errors[#keylog_errors + 1] = perr
        end
    end
    f:close()
end

---------------------------------------------------------------------------------------------------------------
-- Protocol, fields, expert info
---------------------------------------------------------------------------------------------------------------

local recsec = Proto("recsec", "CoAP Record Security (recsec)")

local PROFILES = { dtls12 = "dtls12", ["dtls12-cid"] = "dtls12-cid", compact = "compact" }

local f = {
    spi = ProtoField.uint32("recsec.spi", "SPI", base.DEC_HEX),
    option = ProtoField.bytes("recsec.option", "Record-Security option (65001)"),
    profile = ProtoField.string("recsec.profile", "Profile"),
    type = ProtoField.uint8("recsec.type", "Content type", base.DEC),
    version = ProtoField.uint16("recsec.version", "Version", base.HEX),
    epoch = ProtoField.uint16("recsec.epoch", "Epoch", base.DEC),
    seq = ProtoField.uint64("recsec.seq", "Sequence number", base.DEC),
    length = ProtoField.uint16("recsec.length", "Length", base.DEC),
    cid = ProtoField.bytes("recsec.cid", "Connection ID"),
    explicit_nonce = ProtoField.bytes("recsec.explicit_nonce", "Explicit nonce"),
    ciphertext = ProtoField.bytes("recsec.ciphertext", "Encrypted record"),
    tag = ProtoField.bytes("recsec.tag", "Authentication tag"),
    header = ProtoField.uint8("recsec.unified_header", "Unified header", base.HEX),
    hdr_fixed = ProtoField.uint8("recsec.unified_header.fixed", "Fixed bits", base.HEX, nil, 0xe0),
    hdr_c = ProtoField.bool("recsec.unified_header.cid", "C: Connection ID present", 8, nil, 0x10),
    hdr_s = ProtoField.bool("recsec.unified_header.seq16", "S: 16-bit sequence number", 8, nil, 0x08),
    hdr_l = ProtoField.bool("recsec.unified_header.length_present", "L: length present", 8, nil, 0x04),
    hdr_e = ProtoField.uint8("recsec.unified_header.epoch_bits", "Epoch (low 2 bits)", base.DEC, nil, 0x03),
    seq_wire = ProtoField.uint16("recsec.seq_wire", "Sequence number as on the wire (encrypted)", base.HEX),
    seq_low = ProtoField.uint16("recsec.seq_low", "Sequence number low bits (decrypted)", base.DEC),
    suite = ProtoField.uint16("recsec.suite", "Suite (from the key file)", base.HEX),
    inner_type = ProtoField.uint8("recsec.inner.type", "Inner content type", base.DEC),
    inner = ProtoField.bytes("recsec.inner", "Inner plaintext"),
    inner_version = ProtoField.uint8("recsec.inner.version", "Inner version", base.DEC, nil, 0x03),
    inner_code = ProtoField.uint8("recsec.inner.code", "Inner code", base.HEX),
    inner_options = ProtoField.bytes("recsec.inner.options", "Inner (Class E) options"),
    request_seq = ProtoField.uint64("recsec.request_seq", "Request-Sequence (65002)", base.HEX),
    request_seq_epoch = ProtoField.uint16("recsec.request_seq.epoch", "Bound request's epoch", base.DEC),
    request_seq_seq = ProtoField.uint64("recsec.request_seq.seq", "Bound request's sequence number", base.DEC),
    inner_payload = ProtoField.bytes("recsec.inner.payload", "Inner payload"),
    inner_text = ProtoField.string("recsec.inner.text", "Inner payload (text)"),
    padding = ProtoField.uint16("recsec.padding", "Zero padding", base.DEC),
}
local field_list = {}
for _, v in pairs(f) do
    field_list[#field_list + 1] = v
end
recsec.fields = field_list

local ef = {
    malformed = ProtoExpert.new("recsec.malformed", "Malformed recsec record", expert.group.MALFORMED,
        expert.severity.ERROR),
    option = ProtoExpert.new("recsec.option.malformed", "Malformed Record-Security option", expert.group.MALFORMED,
        expert.severity.ERROR),
    coap = ProtoExpert.new("recsec.coap.malformed", "CoAP message does not parse", expert.group.MALFORMED,
        expert.severity.ERROR),
    no_key = ProtoExpert.new("recsec.no_key", "No key for this SPI in the key file", expert.group.UNDECODED,
        expert.severity.NOTE),
    decrypted = ProtoExpert.new("recsec.decrypted", "Record decrypted with the key file", expert.group.DECRYPTION,
        expert.severity.CHAT),
    auth_failed = ProtoExpert.new("recsec.auth_failed", "Record does not authenticate under the key file's key",
        expert.group.DECRYPTION, expert.severity.WARN),
    profile_mismatch = ProtoExpert.new("recsec.profile_mismatch", "Record is not of the key file's profile",
        expert.group.PROTOCOL, expert.severity.WARN),
    inner_malformed = ProtoExpert.new("recsec.inner.malformed", "Inner plaintext malformed", expert.group.MALFORMED,
        expert.severity.ERROR),
    keylog = ProtoExpert.new("recsec.keylog_error", "Key file line ignored", expert.group.COMMENTS_GROUP,
        expert.severity.WARN),
    internal = ProtoExpert.new("recsec.internal", "recsec.lua internal error (please report)", expert.group.MALFORMED,
        expert.severity.ERROR),
}
recsec.experts = { ef.malformed, ef.option, ef.coap, ef.no_key, ef.decrypted, ef.auth_failed, ef.profile_mismatch,
                   ef.inner_malformed, ef.keylog, ef.internal }

recsec.prefs.keylog_file = Pref.string("Key file",
    "", "recsec key file (RECSEC_SA lines, see README.md); RECSEC_KEYLOG_FILE in the environment if empty")

local function keylog_path()
    local p = recsec.prefs.keylog_file
    if p == nil or p == "" then
        p = os.getenv("RECSEC_KEYLOG_FILE")
    end
    return p
end

-- Per-SPI highest sequence number seen (compact reconstruction, RFC 9147 §4.2.2), and per-frame results so a
-- second pass or a re-dissection shows the same numbers.
local highest_seq = {}
local frame_seq = {}
-- compact profile: the record number (EE bits, full sequence number) of the request sent with each token, which
-- the response's AAD binds (docs/profiles.md, "Response binding")
local compact_request = {}

function recsec.init()
    load_keylog(keylog_path())
    highest_seq = {}
    frame_seq = {}
    compact_request = {}
end

function recsec.prefs_changed()
    load_keylog(keylog_path())
end

local coap_field = Field.new("coap")
local coap_dissector = nil

---------------------------------------------------------------------------------------------------------------
-- CoAP parsing (RFC 7252 §3): only what is needed to find option 65001 and the payload.
---------------------------------------------------------------------------------------------------------------

-- Returns msg = { type, code, mid, options = { {number, off, len} }, payload_off } or nil, reason.
local function parse_coap(tvb)
    local n = tvb:len()
    if n < 4 then
        return nil, "shorter than the 4-byte header"
    end
    local b0 = tvb(0, 1):uint()
    local tkl = band(b0, 0x0f)
    if tkl > 8 then
        return nil, "token length " .. tkl
    end
    local msg = { version = rshift(b0, 6), type = band(rshift(b0, 4), 3), code = tvb(1, 1):uint(),
                  mid = tvb(2, 2):uint(), options = {}, payload_off = nil }
    local pos = 4 + tkl
    if pos > n then
        return nil, "token runs past the end"
    end
    msg.token = tkl > 0 and tvb(4, tkl):bytes():tohex() or ""
    local number = 0
    while pos < n do
        local ob = tvb(pos, 1):uint()
        if ob == 0xff then
            if pos + 1 >= n then
                return nil, "payload marker with no payload"
            end
            msg.payload_off = pos + 1
            return msg
        end
        local start = pos
        pos = pos + 1
        local delta, len = rshift(ob, 4), band(ob, 0x0f)
        local function ext(v)
            if v == 13 then
                if pos + 1 > n then
                    return nil
                end
                local e = tvb(pos, 1):uint() + 13
                pos = pos + 1
                return e
            elseif v == 14 then
                if pos + 2 > n then
                    return nil
                end
                local e = tvb(pos, 2):uint() + 269
                pos = pos + 2
                return e
            elseif v == 15 then
                return nil
            end
            return v
        end
        delta = ext(delta)
        if delta == nil then
            return nil, "bad option delta at offset " .. start
        end
        len = ext(len)
        if len == nil then
            return nil, "bad option length at offset " .. start
        end
        number = number + delta
        if pos + len > n then
            return nil, "option " .. number .. " runs past the end"
        end
        msg.options[#msg.options + 1] = { number = number, off = pos, len = len, start = start }
        pos = pos + len
    end
    return msg
end

local function tvb_bytes(range)
    return from_string(range:bytes():raw())
end

local function seq_uint64(value)
    -- value < 2^53; UInt64.new(low32, high32)
    local hi = floor(value / 4294967296)
    return UInt64.new(value - hi * 4294967296, hi)
end

---------------------------------------------------------------------------------------------------------------
-- Inner plaintext: 000000VV | code | Class E options | [0xFF payload]; compact: code | Class E options | ...
---------------------------------------------------------------------------------------------------------------

local function dissect_inner(pt, msg, pinfo, tree, label, compact)
    -- h: bytes of the inner header (compact: the code alone, the version is the outer one); d: how far the
    -- synthetic message's offsets (4 header bytes, no token) lie behind the inner plaintext's
    local h = compact and 1 or 2
    local d = 4 - h
    if #pt < h then
        tree:add_proto_expert_info(ef.inner_malformed, sfmt("inner plaintext of %d bytes has no %s", #pt,
            compact and "code" or "000000VV | code"))
        return
    end
    local itvb = ByteArray.new(to_hex(pt)):tvb(label)
    local itree = tree:add(f.inner, itvb())
    local version = msg.version
    if not compact then
        if band(pt[1], 0xfc) ~= 0 then
            itree:add_proto_expert_info(ef.inner_malformed, "inner header is not 000000VV | code")
            return
        end
        itree:add(f.inner_version, itvb(0, 1))
        version = band(pt[1], 3)
    end
    local code = pt[h]
    itree:add(f.inner_code, itvb(h - 1, 1)):append_text(sfmt(" (%d.%02d)", rshift(code, 5), band(code, 0x1f)))
    -- The inner options as a CoAP option list: reuse the outer parser on a synthetic header.
    local synth = concat({ bor(lshift(version, 6), lshift(msg.type, 4)), code },
        uint_be(msg.mid, 2), slice(pt, h + 1, #pt))
    local stvb = ByteArray.new(to_hex(synth)):tvb("Inner CoAP message")
    local inner, reason = parse_coap(stvb)
    if inner == nil then
        itree:add_proto_expert_info(ef.inner_malformed, "inner options: " .. reason)
        return
    end
    local opt_end = (inner.payload_off and inner.payload_off - 1 or #synth) - d
    if opt_end > h then
        itree:add(f.inner_options, itvb(h, opt_end - h))
    end
    for _, o in ipairs(inner.options) do
        if o.number == REQUEST_SEQUENCE then
            local r = itvb(o.off - d, o.len)
            if o.len <= 8 then
                local v = o.len > 0 and r:uint64() or UInt64.new(0, 0)
                local st = itree:add(f.request_seq, r, v)
                local hi16 = floor(v:higher() / 65536)
                st:add(f.request_seq_epoch, r, hi16)
                st:add(f.request_seq_seq, r, UInt64.new(v:lower(), v:higher() % 65536))
            else
                itree:add_proto_expert_info(ef.inner_malformed, "Request-Sequence longer than 8 bytes")
            end
        end
    end
    if inner.payload_off then
        local p = itvb(inner.payload_off - d)
        itree:add(f.inner_payload, p)
        itree:add(f.inner_text, p, p:string())
    end
    -- The inner message through Wireshark's CoAP dissector, under our tree; keep the outer columns.
    if coap_dissector == nil then
        coap_dissector = Dissector.get("coap")
    end
    if coap_dissector ~= nil then
        local info = tostring(pinfo.cols.info)
        local proto = tostring(pinfo.cols.protocol)
        local ok = pcall(function()
            coap_dissector:call(stvb, pinfo, itree)
        end)
        pinfo.cols.info = info
        pinfo.cols.protocol = proto
        if ok then
            pinfo.cols.info:append(sfmt(" [recsec inner %d.%02d]", rshift(code, 5), band(code, 0x1f)))
        end
    end
end

---------------------------------------------------------------------------------------------------------------
-- Records
---------------------------------------------------------------------------------------------------------------

-- dtls12 and dtls12-cid (RFC 6347 §4.1, RFC 9146 §4). rec is the TvbRange of the CoAP payload.
local function dissect_dtls12(rec, spi, sa, msg, pinfo, tree, rtree, cid_profile, opt_len)
    local n = rec:len()
    local cid_len = 0
    if cid_profile then
        -- The CID length is not on the wire (RFC 9146 §4): the key file's cid=, else the SPI's 4 bytes, else the
        -- option's (minimal) length when only that makes the record's length field fit.
        cid_len = (sa and sa.cid) and #sa.cid or 4
        if not (sa and sa.cid) and opt_len ~= nil and opt_len > 0 and opt_len ~= 4 and n >= 13 + opt_len then
            local fits4 = n >= 17 and rec(15, 2):uint() == n - 17
            local fits_opt = rec(11 + opt_len, 2):uint() == n - 13 - opt_len
            if fits_opt and not fits4 then
                cid_len = opt_len
            end
        end
    end
    local hdr = 13 + cid_len
    rtree:add(f.type, rec(0, 1))
    if n < hdr then
        rtree:add_proto_expert_info(ef.malformed, sfmt("record of %d bytes is shorter than its %d-byte header",
            n, hdr))
        return
    end
    local version = rec(1, 2):uint()
    local vi = rtree:add(f.version, rec(1, 2))
    if version ~= 0xfefd then
        vi:add_proto_expert_info(ef.malformed, sfmt("version %04x is not DTLS 1.2 (fefd)", version))
    end
    local epoch = rec(3, 2):uint()
    rtree:add(f.epoch, rec(3, 2))
    local seqr = rec(5, 6)
    local seqv = seqr:uint64()
    rtree:add(f.seq, seqr, seqv)
    if cid_profile then
        local ci = rtree:add(f.cid, rec(11, cid_len))
        if cid_len > 0 and cid_len <= 4 and spi ~= nil and rec(11, cid_len):uint() ~= spi then
            ci:add_proto_expert_info(ef.malformed, sfmt("CID is not the SPI %d", spi))
        end
    end
    local length = rec(11 + cid_len, 2):uint()
    local li = rtree:add(f.length, rec(11 + cid_len, 2))
    if hdr + length ~= n then
        li:add_proto_expert_info(ef.malformed, sfmt("length %d, but %d bytes follow the header", length, n - hdr))
        return
    end
    -- explicit nonce: known from the suite, else recognised as epoch | seq (recsec's choice, RFC 5288 §3)
    local explicit = 0
    if sa ~= nil then
        explicit = sa.info.explicit
    elseif length >= 8 and rec(hdr, 8):bytes() == rec(3, 8):bytes() then
        explicit = 8
    end
    local tag = sa and sa.info.tag or nil
    if length < explicit + (tag or 0) then
        li:add_proto_expert_info(ef.malformed, sfmt("fragment of %d bytes cannot hold the explicit nonce and the tag",
            length))
        return
    end
    if explicit > 0 then
        rtree:add(f.explicit_nonce, rec(hdr, explicit))
    end
    local body = length - explicit
    if tag ~= nil then
        if body - tag > 0 then
            rtree:add(f.ciphertext, rec(hdr + explicit, body - tag))
        end
        rtree:add(f.tag, rec(hdr + explicit + body - tag, tag))
    elseif body > 0 then
        rtree:add(f.ciphertext, rec(hdr + explicit, body)):append_text(" (with the tag; suite unknown)")
    end
    pinfo.cols.info:append(sfmt(" [recsec %s spi=%s epoch=%d seq=%s]", cid_profile and "dtls12-cid" or "dtls12",
        spi and sfmt("0x%08x", spi) or "?", epoch, tostring(seqv)))
    if sa == nil then
        return
    end
    -- Decrypt (RFC 5246 §6.2.3.3; RFC 9146 §5 for the CID AAD)
    local r = tvb_bytes(rec)
    local nonce
    if sa.info.explicit > 0 then
        nonce = concat(sa.iv, slice(r, hdr + 1, hdr + explicit))
    else
        nonce = {}
        for k = 1, 12 do
            nonce[k] = sa.iv[k]
        end
        for k = 1, 8 do
            nonce[4 + k] = bxor(nonce[4 + k], r[3 + k])
        end
    end
    local ct = slice(r, hdr + explicit + 1, n)
    local ptlen = #ct - sa.info.tag
    local aad
    if cid_profile then
        aad = concat({ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 25, cid_len, 25 }, slice(r, 2, 3),
            slice(r, 4, 11), slice(r, 12, 11 + cid_len), uint_be(ptlen, 2))
    else
        aad = concat(slice(r, 4, 11), slice(r, 1, 3), uint_be(ptlen, 2))
    end
    local pt = sa.info.open(sa.key, nonce, aad, ct, sa.info.tag)
    if pt == nil then
        rtree:add_proto_expert_info(ef.auth_failed)
        return
    end
    rtree:add_proto_expert_info(ef.decrypted)
    if cid_profile then
        -- DTLSInnerPlaintext: content | real type | zeros
        local last = #pt
        while last > 0 and pt[last] == 0 do
            last = last - 1
        end
        if last == 0 then
            rtree:add_proto_expert_info(ef.inner_malformed, "no content type in the DTLSInnerPlaintext")
            return
        end
        local ptvb = ByteArray.new(to_hex(pt)):tvb("Decrypted DTLSInnerPlaintext")
        rtree:add(f.inner_type, ptvb(last - 1, 1))
        if last < #pt then
            rtree:add(f.padding, ptvb(last, #pt - last), #pt - last)
        end
        pt = slice(pt, 1, last - 1)
    end
    dissect_inner(pt, msg, pinfo, rtree, "Decrypted inner plaintext", false)
end

-- compact: unmasks the sequence number (RFC 9147 §4.2.3), reconstructs it (§4.2.2) and opens the record under
-- sa. Returns the DTLSInnerPlaintext, the full sequence number and its low bits; or nil, "no_request" (a response
-- whose request this capture did not open: its record number is in the AAD) or "auth", and the low bits.
local function compact_decrypt(rec, sa, msg, pinfo, pos, seq_off, seq_len, n)
    local r = tvb_bytes(rec)
    local mask = sn_mask(sa.info, sa.sn_key, slice(r, pos + 1, pos + 16))
    local low = 0
    for k = 1, seq_len do
        r[seq_off + k] = bxor(r[seq_off + k], mask[k])
        low = low * 256 + r[seq_off + k]
    end
    -- RFC 9147 §4.2.2: the full number closest to one more than the highest seen for this SA
    local full = frame_seq[pinfo.number]
    if full == nil then
        local span = seq_len == 2 and 65536 or 256
        local expected = (highest_seq[sa.spi] or -1) + 1
        local base = expected - expected % span
        full = base + low
        if full - expected > span / 2 and full >= span then
            full = full - span
        elseif expected - full > span / 2 then
            full = full + span
        end
    end
    -- nonce = iv xor 64-bit seq (RFC 8446 §5.3); AAD = the header with the decrypted seq (RFC 9147 §4)
    local nonce = {}
    local seqb = uint_be(full, 8)
    for k = 1, 12 do
        nonce[k] = sa.iv[k]
    end
    for k = 1, 8 do
        nonce[4 + k] = bxor(nonce[4 + k], seqb[k])
    end
    local aad = slice(r, 1, pos)
    if rshift(msg.code, 5) >= 2 then
        -- The binding: the request's record number epoch << 48 | seq appended to the AAD, never sent. The
        -- epoch is the request header's EE bits, exact for the epochs below 4 recsec uses.
        local req = compact_request[msg.token]
        if req == nil then
            return nil, "no_request", low
        end
        aad = concat(aad, uint_be(req.epoch, 2), uint_be(req.seq, 6))
    end
    local pt = sa.info.open(sa.key, nonce, aad, slice(r, pos + 1, n), sa.info.tag)
    if pt == nil then
        return nil, "auth", low
    end
    return pt, full, low
end

-- compact (RFC 9147 §4): 001CSLEE | [CID] | seq (8 or 16 bits, encrypted) | [length] | encrypted record
local function dissect_compact(rec, spi, sa, msg, pinfo, tree, rtree)
    local n = rec:len()
    local h = rec(0, 1):uint()
    local hi = rtree:add(f.header, rec(0, 1))
    hi:add(f.hdr_fixed, rec(0, 1))
    hi:add(f.hdr_c, rec(0, 1))
    hi:add(f.hdr_s, rec(0, 1))
    hi:add(f.hdr_l, rec(0, 1))
    hi:add(f.hdr_e, rec(0, 1))
    local c, s16, l = band(h, 0x10) ~= 0, band(h, 0x08) ~= 0, band(h, 0x04) ~= 0
    local ebits = band(h, 3)
    rtree:add(f.epoch, rec(0, 1), ebits):append_text(" (low 2 bits only)")
    local pos = 1
    local cid_len = 0
    if c then
        cid_len = (sa and sa.cid) and #sa.cid or 4
        if pos + cid_len > n then
            rtree:add_proto_expert_info(ef.malformed, "record ends inside the connection ID")
            return
        end
        rtree:add(f.cid, rec(pos, cid_len)):append_text(" (C set: recsec's compact profile sends no CID)")
        pos = pos + cid_len
    end
    local seq_len = s16 and 2 or 1
    if pos + seq_len > n then
        rtree:add_proto_expert_info(ef.malformed, "record ends inside the sequence number")
        return
    end
    local seq_off = pos
    rtree:add(f.seq_wire, rec(pos, seq_len))
    pos = pos + seq_len
    local body = n - pos
    if l then
        if pos + 2 > n then
            rtree:add_proto_expert_info(ef.malformed, "record ends inside the length")
            return
        end
        local length = rec(pos, 2):uint()
        local li = rtree:add(f.length, rec(pos, 2))
        pos = pos + 2
        if length ~= n - pos then
            li:add_proto_expert_info(ef.malformed, sfmt("length %d, but %d bytes follow the header", length, n - pos))
            return
        end
        body = length
    end
    if body < 16 then
        rtree:add_proto_expert_info(ef.malformed, sfmt(
            "%d bytes of ciphertext: record number encryption needs 16 (RFC 9147 §4.2.3)", body))
        if body > 0 then
            rtree:add(f.ciphertext, rec(pos, body))
        end
        return
    end
    local response = rshift(msg.code, 5) >= 2
    local opened = nil
    if sa == nil and spi == 0 and response then
        -- An empty Record-Security option: the response names its SA by the request it answers (docs/profiles.md,
        -- "Response binding"). Try the key file's s2c compact SAs; the one that authenticates it is the one.
        for _, cand in pairs(sas) do
            local tried = cand.profile == "compact" and cand.dir == "s2c"
                and { compact_decrypt(rec, cand, msg, pinfo, pos, seq_off, seq_len, n) } or {}
            if tried[1] ~= nil then
                sa = cand
                opened = tried
                rtree:add(f.suite, rec(0, 1), sa.suite):append_text(sfmt(" %s, %s: the SA with SPI 0x%08x opens it",
                    sa.info.name, sa.dir, sa.spi))
                break
            end
        end
    end
    if sa ~= nil then
        rtree:add(f.ciphertext, rec(pos, body - sa.info.tag))
        rtree:add(f.tag, rec(n - sa.info.tag, sa.info.tag))
    else
        rtree:add(f.ciphertext, rec(pos, body)):append_text(" (with the tag; suite unknown)")
    end
    local info_seq = "?"
    if sa ~= nil then
        local pt, full, low
        if opened ~= nil then
            pt, full, low = opened[1], opened[2], opened[3]
        else
            pt, full, low = compact_decrypt(rec, sa, msg, pinfo, pos, seq_off, seq_len, n)
        end
        if low ~= nil then
            rtree:add(f.seq_low, rec(seq_off, seq_len), low)
        end
        if pt == nil then
            if full == "no_request" then
                rtree:add_proto_expert_info(ef.no_key, "compact response: the request with this token was not "
                    .. "decrypted in this capture, so its record number (in the AAD) is unknown")
            else
                rtree:add_proto_expert_info(ef.auth_failed)
            end
            return
        end
        if not pinfo.visited then
            frame_seq[pinfo.number] = full
            if full > (highest_seq[sa.spi] or -1) then
                highest_seq[sa.spi] = full
            end
            if not response then
                compact_request[msg.token] = { epoch = band(rec(0, 1):uint(), 3), seq = full }
            end
        end
        rtree:add(f.seq, rec(seq_off, seq_len), seq_uint64(full)):append_text(" (decrypted, reconstructed)")
        info_seq = tostring(full)
        rtree:add_proto_expert_info(ef.decrypted)
        local last = #pt
        while last > 0 and pt[last] == 0 do
            last = last - 1
        end
        local ptvb = ByteArray.new(to_hex(pt)):tvb("Decrypted DTLSInnerPlaintext")
        if last == 0 then
            rtree:add_proto_expert_info(ef.inner_malformed, "no content type in the DTLSInnerPlaintext")
            return
        end
        rtree:add(f.inner_type, ptvb(last - 1, 1))
        if last < #pt then
            rtree:add(f.padding, ptvb(last, #pt - last), #pt - last)
        end
        pinfo.cols.info:append(sfmt(" [recsec compact spi=%s seq=%s]", spi and sfmt("0x%08x", spi) or "?", info_seq))
        dissect_inner(slice(pt, 1, last - 1), msg, pinfo, rtree, "Decrypted inner plaintext", true)
        return
    end
    pinfo.cols.info:append(sfmt(" [recsec compact spi=%s seq=%s]", spi and sfmt("0x%08x", spi) or "?", info_seq))
end

local function dissect_message(ctvb, pinfo, tree)
    local msg, reason = parse_coap(ctvb)
    if msg == nil then
        -- Only our business when option 65001 could be in there; Wireshark's CoAP dissector reports the rest.
        return
    end
    local opt = nil
    local count = 0
    for _, o in ipairs(msg.options) do
        if o.number == RECORD_SECURITY then
            count = count + 1
            opt = opt or o
        end
    end
    if opt == nil then
        return
    end
    local rtree = tree:add(recsec, ctvb(), "CoAP Record Security (recsec)")
    local orange = ctvb(opt.start, opt.off + opt.len - opt.start)
    local oi = rtree:add(f.option, orange)
    oi:set_text(sfmt("Record-Security (65001): %d bytes", opt.len))
    local spi = nil
    if count > 1 then
        oi:add_proto_expert_info(ef.option, "Record-Security option repeated")
    end
    if opt.len > 4 then
        oi:add_proto_expert_info(ef.option, "Record-Security option longer than 4 bytes")
    else
        spi = opt.len == 0 and 0 or ctvb(opt.off, opt.len):uint()
        if opt.len == 0 then
            rtree:add(f.spi, orange, 0)
        else
            rtree:add(f.spi, ctvb(opt.off, opt.len))
        end
    end
    for _, e in ipairs(keylog_errors) do
        rtree:add_proto_expert_info(ef.keylog, e)
    end
    if msg.payload_off == nil then
        rtree:add_proto_expert_info(ef.malformed, "no payload: a protected message carries one record")
        return
    end
    local rec = ctvb(msg.payload_off)
    local first = rec(0, 1):uint()
    local profile
    if first == 23 then
        profile = "dtls12"
    elseif first == 25 then
        profile = "dtls12-cid"
    elseif band(first, 0xe0) == 0x20 then
        profile = "compact"
    end
    if profile == nil then
        rtree:add_proto_expert_info(ef.malformed, sfmt(
            "payload starts with %02x: not a dtls12 (17), dtls12-cid (19) or compact (001CSLEE) record", first))
        return
    end
    -- dtls12-cid with an empty option: the SPI travels in the CID
    if profile == "dtls12-cid" and opt.len == 0 and rec:len() >= 15 then
        spi = rec(11, 4):uint()
    end
    local sa = spi ~= nil and sas[spi] or nil
    local ptree = rtree:add(f.profile, rec(0, 1), profile)
    if sa ~= nil then
        rtree:add(f.suite, orange, sa.suite):append_text(" " .. sa.info.name .. ", " .. sa.dir)
        if sa.profile ~= profile then
            ptree:add_proto_expert_info(ef.profile_mismatch, sfmt("key file says %s for this SPI, the record is %s",
                sa.profile, profile))
            sa = nil
        end
    elseif spi ~= nil and keylog_loaded_from ~= nil and keylog_loaded_from ~= "" and not (spi == 0 and profile ==
            "compact" and rshift(msg.code, 5) >= 2) then -- an empty option: dissect_compact finds the SA
        rtree:add_proto_expert_info(ef.no_key)
    end
    local rec_tree = rtree:add(recsec, rec, "Record (" .. profile .. ")")
    if profile == "compact" then
        dissect_compact(rec, spi, sa, msg, pinfo, tree, rec_tree)
    else
        dissect_dtls12(rec, spi, sa, msg, pinfo, tree, rec_tree, profile == "dtls12-cid", opt.len)
    end
end

function recsec.dissector(tvb, pinfo, tree)
    local infos = { coap_field() }
    if #infos == 0 then
        return
    end
    -- Only the outermost CoAP message of the frame (the inner one we hand to the CoAP dissector is ours).
    local fi = infos[1]
    local ok, err = pcall(function()
        local range = fi.range
        if range == nil or range:len() == 0 then
            return
        end
        dissect_message(range:tvb(), pinfo, tree)
    end)
    if not ok then
        -- under an item of our own: an expert item on the root tree does not print in tshark -V
        tree:add(recsec):add_proto_expert_info(ef.internal, "recsec.lua: " .. tostring(err))
    end
end

register_postdissector(recsec)

-- CoAP on any UDP port: a datagram that parses as CoAP version 1 with the Record-Security option and a payload
-- starting like a record of one of the profiles is handed to Wireshark's CoAP dissector (the postdissector above
-- then finds it). Heuristics only run where no port or Decode As claimed the datagram, so 5683 stays CoAP as usual.
local function heuristic(tvb, pinfo, tree)
    local ok, claim = pcall(function()
        local msg = parse_coap(tvb)
        if msg == nil or msg.version ~= 1 or msg.payload_off == nil then
            return false
        end
        local found = false
        for _, o in ipairs(msg.options) do
            found = found or o.number == RECORD_SECURITY
        end
        if not found then
            return false
        end
        local first = tvb(msg.payload_off, 1):uint()
        return first == 23 or first == 25 or band(first, 0xe0) == 0x20
    end)
    if not ok or not claim then
        return false
    end
    if coap_dissector == nil then
        coap_dissector = Dissector.get("coap")
    end
    coap_dissector:call(tvb, pinfo, tree)
    return true
end
recsec:register_heuristic("udp", heuristic)
