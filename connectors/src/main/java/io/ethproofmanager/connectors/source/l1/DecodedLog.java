package io.ethproofmanager.connectors.source.l1;

import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.NetworkEvent;
import io.ethproofmanager.schemas.ProvingNetwork;
import java.util.Objects;

/** What the {@link ContractLogDecoder} made of one log: a batch event, a network event, or a reason to skip it. */
public sealed interface DecodedLog {

    /** A contract event about a batch, for {@code Topics.L1_EVENTS}. */
    record Batch(L1Event event) implements DecodedLog {
        public Batch {
            Objects.requireNonNull(event, "event");
        }
    }

    /** A contract event about a proving network, for {@code Topics.NETWORK_EVENTS} under {@code key}. */
    record Network(ProvingNetwork key, NetworkEvent event) implements DecodedLog {
        public Network {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(event, "event");
        }
    }

    /** A log that is not believed: why, and what was wrong with it. */
    record Skipped(SkipReason reason, String detail) implements DecodedLog {
        public Skipped {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }

}
