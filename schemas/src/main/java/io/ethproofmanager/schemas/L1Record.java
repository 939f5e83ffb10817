package io.ethproofmanager.schemas;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A record of topic {@link Topics#L1_EVENTS}, schema {@code v1/l1-event.schema.json}: a contract event about one batch
 * ({@link L1Event}, keyed by its {@link BatchId}) or a chain-time tick ({@link ChainTime}, without a key). The log
 * ingester writes a tick to every partition after the events of each step, in the same transaction, so that a reader of a
 * partition has seen every event of that partition up to the tick's block when it reads the tick.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = L1Event.ProofRequestSubmitted.class, name = "ProofRequestSubmitted"),
    @JsonSubTypes.Type(value = L1Event.ProofRequestAcknowledged.class, name = "ProofRequestAcknowledged"),
    @JsonSubTypes.Type(value = L1Event.ProofRequestProven.class, name = "ProofRequestProven"),
    @JsonSubTypes.Type(value = L1Event.ProofValidationResult.class, name = "ProofValidationResult"),
    @JsonSubTypes.Type(value = ChainTime.class, name = "ChainTime")
})
public sealed interface L1Record permits L1Event, ChainTime {
}
