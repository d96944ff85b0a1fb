/**
 * Not API: byte-level helpers every codec of the project shares (overflow-safe range check, big-endian and
 * minimal-uint encodings, hex). The bottom of record-sec: it depends on nothing.
 */
package org.recsec.record.internal.wire;
