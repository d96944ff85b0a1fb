package org.recsec.record.spi;

/** Which way an SA protects traffic, seen from the endpoint that holds it. */
public enum Direction {
    /** Records this endpoint opens; the SPI is the one this endpoint chose and peers put in Record-Security. */
    INBOUND,
    /** Records this endpoint seals; the SPI is the one the peer chose for its inbound SA. */
    OUTBOUND
}
