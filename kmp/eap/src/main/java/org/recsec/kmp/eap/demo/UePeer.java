package org.recsec.kmp.eap.demo;

/** Where the UE's EAP-TLS peer runs in {@link EapWorld}. */
public enum UePeer {
    /**
     * The secure element (the recsec applet under jcardsim, or any card link) in TLS certificate mode; MSK and EMSK
     * stay on the card, which hands out the Session-Id and USRKs (applet/README.md, EAP-KEYS).
     */
    CARD,
    /** Bouncy Castle's TLS client on the host; MSK and EMSK are in the host's memory. */
    HOST
}
