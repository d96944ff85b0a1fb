package org.recsec.californium;

import org.eclipse.californium.core.coap.option.MapBasedOptionRegistry;
import org.eclipse.californium.core.coap.option.OpaqueOptionDefinition;
import org.eclipse.californium.core.coap.option.OptionDefinition;
import org.eclipse.californium.core.coap.option.OptionRegistry;
import org.eclipse.californium.core.coap.option.StandardOptionRegistry;
import org.recsec.record.coap.OptionNumbers;

/**
 * Californium definitions of the two record-sec options (docs/DESIGN.md "Message protection"), so that Californium's
 * parser accepts them: both numbers are odd, i.e. critical (RFC 7252 §5.4.6), and an endpoint that does not know
 * them rejects the message.
 */
public final class RecSecOptions {
    /** Record-Security (65001): the SPI of the receiving SA, minimal big-endian uint, 0-4 bytes. */
    public static final OptionDefinition RECORD_SECURITY =
            new OpaqueOptionDefinition(OptionNumbers.RECORD_SECURITY, "Record-Security", true, 0, 4);
    /** Request-Sequence (65002): inner only; defined so a misplaced outer one is parsed and then refused by us. */
    public static final OptionDefinition REQUEST_SEQUENCE =
            new OpaqueOptionDefinition(OptionNumbers.REQUEST_SEQUENCE, "Request-Sequence", true, 0, 8);

    private static final OptionRegistry REGISTRY = new MapBasedOptionRegistry(
            StandardOptionRegistry.getDefaultOptionRegistry(), RECORD_SECURITY, REQUEST_SEQUENCE);

    private RecSecOptions() {
    }

    /**
     * Californium's standard options plus the two record-sec options; give it to
     * {@code CoapEndpoint.Builder#setOptionRegistry} (done by {@link RecSec#endpointBuilder}).
     */
    public static OptionRegistry registry() {
        return REGISTRY;
    }

    /** The definition Californium uses for {@code number}; an opaque one for numbers the registry does not know. */
    static OptionDefinition definition(int number) {
        OptionDefinition def = REGISTRY.getDefinitionByNumber(number);
        return def != null ? def : new OpaqueOptionDefinition(number, "Option-" + number);
    }
}
