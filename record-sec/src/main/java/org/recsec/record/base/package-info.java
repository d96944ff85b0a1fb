/**
 * The vocabulary that record-sec's API, its service-provider interface and every other package share: the one
 * checked exception ({@link org.recsec.record.base.RecSecException}), key material
 * ({@link org.recsec.record.base.SecretBytes}), the AEAD suites by TLS code point (RFC 6655, RFC 5288, RFC 7905,
 * RFC 8446 §B.4), the record profiles (RFC 6347 §4.1, RFC 9146, RFC 9147) and the identities of the two ends of an
 * SA (RFC 2367 §2.3.5). Value types only: nothing here protects a record or holds an SA.
 */
package org.recsec.record.base;
