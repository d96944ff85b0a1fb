package org.recsec.californium;

import org.recsec.record.base.RecordProfile;

/**
 * Every test of {@link RecSecCaliforniumTest} again with compact-profile SAs (RFC 9147 records; responses carry an
 * empty Record-Security option and are opened under the SA the request's route names): block-wise, Observe,
 * refusals, replays and the transport guard through real Californium endpoints on UDP loopback.
 */
class RecSecCaliforniumCompactTest extends RecSecCaliforniumTest {
    @Override
    RecordProfile profile() {
        return RecordProfile.COMPACT;
    }
}
