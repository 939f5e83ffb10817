package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.FallbackReason;
import java.util.Objects;

/** Why a batch falls back, before it is stamped with the batch's facts and a time into a fallback record. */
record FallbackCause(FallbackReason reason, String detail) {

    FallbackCause {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
    }
}
