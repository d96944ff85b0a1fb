/**
 * What a security-association provider implements so that {@link org.recsec.record.RecordProtector} can use its
 * SAs: {@link org.recsec.record.spi.OutboundSa} (reserve a sequence number, report a sealed record),
 * {@link org.recsec.record.spi.InboundSa} (the RFC 6347 §4.1.2.6 anti-replay decisions) and the
 * {@link org.recsec.record.spi.RecordCipher} an SA hands out, so an SA whose keys stay on a secure element plugs in
 * without changing protect/unprotect. Implemented by {@link org.recsec.record.ManualSa} and by km-interface's SA
 * database; applications use {@link org.recsec.record} instead.
 */
package org.recsec.record.spi;
