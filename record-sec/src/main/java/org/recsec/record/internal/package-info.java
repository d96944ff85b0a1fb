/**
 * Not API: the anti-replay window (RFC 6347 §4.1.2.6) and the Proxy-Uri split (RFC 8613 §4.1.3.3). Other modules of
 * this project may use it, users must not.
 */
package org.recsec.record.internal;
