/**
 * The CoAP message model record-sec protects: the RFC 7252 §3 codec, options and their OSCORE classes (RFC 8613
 * §4.1), and the inner plaintext of draft-garcia-core-app-layer-sec-with-dtls-record §3 (Figure 1).
 */
package org.recsec.record.coap;
