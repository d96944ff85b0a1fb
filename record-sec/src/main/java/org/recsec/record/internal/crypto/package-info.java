/**
 * Not API: the AEADs (RFC 3610, RFC 5116, RFC 8439), the record ciphers of each record profile (RFC 6347 §4.1,
 * RFC 9146, RFC 9147) with their record header parser, and the DTLS 1.3 key schedule (RFC 9147 §5.9). Other modules
 * of this project may use it, users must not.
 */
package org.recsec.record.internal.crypto;
