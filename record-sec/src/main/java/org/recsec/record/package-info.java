/**
 * record-sec's API for applications: {@link org.recsec.record.RecordProtector} protects and unprotects CoAP messages
 * with one DTLS record (draft-garcia-core-app-layer-sec-with-dtls-record §3), keyed by the SAs of a
 * {@link org.recsec.record.SaRegistry}; {@link org.recsec.record.ManualSa} builds an SA from manual keys; the
 * request and response types say who is calling. The values the API speaks (suites, profiles, keys, identities, the
 * exception) are in {@link org.recsec.record.base}; what an SA provider implements is in
 * {@link org.recsec.record.spi}; the CoAP message model is in {@link org.recsec.record.coap}.
 *
 * <p>Packages depend one way: {@code internal.wire} &lt; {@code base} &lt; {@code spi} &lt; {@code internal.crypto}
 * &lt; {@code coap} &lt; {@code internal} &lt; this package (docs/DESIGN.md, "Modules"). Packages named
 * {@code internal} are not API.
 */
package org.recsec.record;
