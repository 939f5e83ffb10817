package io.ethproofmanager.topology;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.L1TransactionResult;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.ReadinessEvent;
import java.util.Objects;

/** One input of the batch state machine: a readiness event, a contract event, an L1 transaction result or a proof verdict. */
public sealed interface BatchEvent {

    BatchId batchId();

    /** The batch's proof generation data is public: the batch can be offered to proving networks. */
    record Ready(ReadinessEvent event) implements BatchEvent {

        public Ready {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public BatchId batchId() {
            return event.batchId();
        }
    }

    /** The proof manager contract emitted an event about the batch (or retracted one after a reorg). */
    record OnChain(L1Event event) implements BatchEvent {

        public OnChain {
            Objects.requireNonNull(event, "event");
        }

        @Override
        public BatchId batchId() {
            return event.batchId();
        }
    }

    /** The L1 sender reports what became of one of the batch's commands. */
    record TxResult(L1TransactionResult result) implements BatchEvent {

        public TxResult {
            Objects.requireNonNull(result, "result");
        }

        @Override
        public BatchId batchId() {
            return result.batchId();
        }
    }

    /** The proof handler stored a network's proof in the manager's blob store and validated it. */
    record Verdict(ProofVerdict verdict) implements BatchEvent {

        public Verdict {
            Objects.requireNonNull(verdict, "verdict");
        }

        @Override
        public BatchId batchId() {
            return verdict.batchId();
        }
    }
}
