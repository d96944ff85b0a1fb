/**
 * The CoAP flight transport: the secure element's DTLS handshake carried in CoAP messages, so that a client that
 * reaches its server only through a forward proxy (RFC 7252 §5.7.2) still sets up its SA pair end to end
 * (draft-garcia-core-app-layer-sec-with-dtls-record §1: CoDTLS, a RESTful DTLS handshake; the socket agent of
 * draft-urien-core-identity-module-coap §3).
 *
 * <h2>The exchange</h2>
 * Each flight the card produces is the payload of one CoAP POST (Confirmable); the response carries the server's
 * next flight. The payload is the flight's DTLS records, concatenated, byte for byte as they go in UDP datagrams
 * (RFC 6347 §4.1), with Content-Format {@value org.recsec.kmp.se.coap.FlightCoap#CONTENT_FORMAT} (experimental
 * range, RFC 7252 §12.3: "application/x.recsec-dtls-flight").
 * <ol>
 *   <li>{@code POST /.well-known/recsec-hs} with the ClientHello. Without a valid cookie the server answers 2.04
 *   with its HelloVerifyRequest and keeps no state (RFC 6347 §4.2.1). With a valid cookie it creates a handshake,
 *   names it with a random id and answers 2.01 Created, {@code Location-Path: .well-known/recsec-hs/<id>}, with
 *   its flight (ServerHello ... ServerHelloDone).</li>
 *   <li>{@code POST /.well-known/recsec-hs/<id>} with each later flight; 2.04 with the server's answer (for PSK:
 *   ChangeCipherSpec, Finished). Two clients behind one proxy have two ids, hence two server handshakes.</li>
 * </ol>
 * Through a proxy the request carries Proxy-Scheme, Uri-Host, Uri-Port and Uri-Path (as record-sec's protected
 * requests do), or one Proxy-Uri. Flights longer than the block size go block-wise (RFC 7959: Block1 on the
 * request, Block2 on the response).
 *
 * <h2>Timers</h2>
 * Retransmission is CoAP's (RFC 7252 §4.2: CON, ACK_TIMEOUT, doubled, MAX_RETRANSMIT). The DTLS flight timer of
 * the host bridge (RFC 6347 §4.2.4) is aligned above it ({@link org.recsec.kmp.se.coap.CoapTransmission#dtlsTimer()}):
 * a flight is sent again in a new exchange only after CoAP gave up on the previous one; the server's own resend
 * timer is disabled (a server cannot push over CoAP), and a repeated flight is answered with the server's repeated
 * flight.
 */
package org.recsec.kmp.se.coap;
