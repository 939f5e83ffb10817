package io.ethproofmanager.connectors.proof;

import io.ethproofmanager.connectors.blob.BlobStore;
import io.ethproofmanager.connectors.blob.BlobStoreException;
import io.ethproofmanager.connectors.kafka.ConsumerService;
import io.ethproofmanager.connectors.kafka.RetryingConsumerLoop;
import io.ethproofmanager.connectors.logging.CauseChain;
import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.MalformedRecordException;
import io.ethproofmanager.schemas.ProofVerdict;
import io.ethproofmanager.schemas.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.utils.Numeric;

/**
 * Handles the proofs networks submit: consumes the L1 events (read_committed, manual commits, one at a time), and for
 * each {@code ProofRequestProven} stores the proof in the deployment's blob store, validates it, publishes a
 * {@link ProofVerdict} (idempotent producer, acknowledged) and only then commits. A failing blob store, validator or
 * broker is retried with backoff, the offset uncommitted: a proof is never lost and never judged on an error. A verdict
 * already on the verdicts topic for the same batch and proof transaction is not published again. With a
 * {@link RollupHandoff}, a valid proof is handed back to the rollup (its blob store and {@code proof_generation_details})
 * before its verdict is published, retried like the other steps.
 *
 * <p>Metrics: {@code epm_proofs_received_total}, {@code epm_proof_verdicts_total{valid}},
 * {@code epm_proof_handler_retries_total{cause}} (cause {@code blob_store}, {@code validator}, {@code broker},
 * {@code rollup_handoff}, {@code unexpected}).
 */
public final class ProofHandler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProofHandler.class);
    static final String THREAD_NAME = "epm-proof-handler";
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(40);

    private final ProofHandlerSettings settings;
    private final ProofDestinations destinations;
    private final ProofValidator validator;
    private final MeterRegistry meters;
    private final Counter received;
    private final ConsumerService service;
    private Optional<InHand> inHand = Optional.empty();

    /** The proof being handled: its identity and, once written, where it is stored (kept across retries). */
    private record InHand(PublishedVerdicts.Key key, Optional<String> storedAt) {
    }

    /** A step that must be retried, with the cause named in the retries metric. */
    private static final class RetryException extends RuntimeException {

        private static final long serialVersionUID = 1L;
        private final String metricCause;

        RetryException(final String cause, final RuntimeException failure) {
            super(failure.getMessage(), failure);
            this.metricCause = cause;
        }
    }

    public ProofHandler(final ProofHandlerSettings settings, final BlobStore blobStore, final ProofValidator validator,
            final MeterRegistry meters) {
        this(settings, blobStore, validator, Optional.empty(), meters);
    }

    /** A handler that hands valid proofs back to the rollup with {@code handoff}, when present. */
    public ProofHandler(final ProofHandlerSettings settings, final BlobStore blobStore, final ProofValidator validator,
            final Optional<RollupHandoff> handoff, final MeterRegistry meters) {
        this(settings, ProofDestinations.everyChain(blobStore, handoff), validator, meters);
    }

    /** A handler that keeps each chain's proofs in its public store and hands them to its rollup as {@code destinations} say. */
    public ProofHandler(final ProofHandlerSettings settings, final ProofDestinations destinations, final ProofValidator validator,
            final MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.destinations = Objects.requireNonNull(destinations, "destinations");
        this.validator = Objects.requireNonNull(validator, "validator");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.received = Counter.builder("epm_proofs_received_total")
                .description("proofs submitted by networks taken in hand (each proof once)").register(meters);
        this.service = new ConsumerService("proof handler", THREAD_NAME, settings.bootstrapServers(), settings.groupId(), settings.groupInstanceId(),
                settings.eventsTopic(), CLOSE_TIMEOUT, LOG);
    }

    /** The deterministic blob key of a batch's proof: {@code proofs/<chainId>/<batchNumber>.proof}. */
    public static String blobKey(final BatchId batch) {
        return "proofs/" + batch.chainId() + "/" + batch.batchNumber() + ".proof";
    }

    /** Starts the handling loop on thread {@value #THREAD_NAME}; a handler starts once. */
    public void start() {
        service.start(() -> published().ifPresent(this::consume));
    }

    /** True while the loop runs; false before start, after close and after it died. */
    public boolean isHealthy() {
        return service.isRunning();
    }

    /** Stops after the proof in hand (a proof not yet judged is redelivered to the next start). */
    @Override
    public void close() {
        service.close();
    }

    /** The verdicts already published, once the broker answers; empty when closed first. */
    private Optional<PublishedVerdicts> published() {
        while (!service.isClosing()) {
            try {
                return Optional.of(PublishedVerdicts.read(settings.bootstrapServers(), settings.verdictsTopic()));
            } catch (final KafkaException | IllegalStateException e) {
                LOG.warn("proof handler cannot read {} yet, retrying in {} ms: {}", settings.verdictsTopic(),
                        settings.retryBackoffMax().toMillis(), CauseChain.describe(e));
                service.awaitClosing(settings.retryBackoffMax());
            }
        }
        return Optional.empty();
    }

    private void consume(final PublishedVerdicts published) {
        try (RetryingConsumerLoop<byte[], byte[]> kafka = service.consumer(settings.pollTimeout(), 1, Map.of());
                KafkaProducer<byte[], byte[]> producer = service.producer("verdicts")) {
            LOG.info("proof handler consuming {} as group {}, verdicts to {}", settings.eventsTopic(), settings.groupId(),
                    settings.verdictsTopic());
            final Proofs proofs = new Proofs(producer, published);
            while (!service.isClosing()) {
                kafka.pollOnce(proofs);
            }
        }
    }

    /** Each event (polls return one record): handle, commit; or rewind and back off. */
    private final class Proofs implements RetryingConsumerLoop.Handler<byte[], byte[]> {

        private final KafkaProducer<byte[], byte[]> producer;
        private final PublishedVerdicts published;

        Proofs(final KafkaProducer<byte[], byte[]> producer, final PublishedVerdicts published) {
            this.producer = producer;
            this.published = published;
        }

        @Override
        public void handle(final ConsumerRecords<byte[], byte[]> polled) {
            for (final ConsumerRecord<byte[], byte[]> record : polled) {
                proven(record).ifPresent(proven -> ProofHandler.this.handle(proven, producer, published));
            }
        }

        @Override
        public Duration failed(final ConsumerRecords<byte[], byte[]> polled, final RuntimeException failure,
                final int failures) {
            final ConsumerRecord<byte[], byte[]> record = polled.iterator().next();
            final String cause = failure instanceof RetryException retry ? retry.metricCause : "unexpected";
            Counter.builder("epm_proof_handler_retries_total").tag("cause", cause)
                    .description("proofs retried after a failure, by cause").register(meters).increment();
            final Duration backoff = settings.retryBackoff(failures);
            LOG.warn("handling {}-{}@{} failed ({}, attempt {}), retrying in {} ms: {}", record.topic(), record.partition(),
                    record.offset(), cause, failures, backoff.toMillis(), CauseChain.describe(
                            failure instanceof RetryException && failure.getCause() instanceof Exception inner ? inner : failure));
            return backoff;
        }

        @Override
        public void commitFailed(final Map<TopicPartition, OffsetAndMetadata> offsets, final KafkaException failure) {
            offsets.forEach((partition, next) -> LOG.warn("committing offset {} of {}-{} failed within {} s; the event may"
                    + " come again and is deduplicated: {}", next.offset(), partition.topic(), partition.partition(),
                    RetryingConsumerLoop.COMMIT_TIMEOUT.toSeconds(), failure.toString()));
        }
    }

    /** The record's event when it is a proof to handle: a {@code ProofRequestProven} not retracted by a reorg. */
    private Optional<L1Event.ProofRequestProven> proven(final ConsumerRecord<byte[], byte[]> record) {
        try {
            return Optional.of(Topics.L1_EVENTS.valueSerde().decode(record.value()))
                    .filter(L1Event.ProofRequestProven.class::isInstance).map(L1Event.ProofRequestProven.class::cast)
                    .filter(proven -> !proven.removed());
        } catch (final MalformedRecordException | IllegalArgumentException | NullPointerException e) {
            LOG.error("skipping malformed L1 event {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Stores, validates and publishes the verdict of one proof, unless it already has one. */
    private void handle(final L1Event.ProofRequestProven proven, final KafkaProducer<byte[], byte[]> producer,
            final PublishedVerdicts published) {
        if (destinations.forChain(proven.chainId()).isEmpty()) {
            LOG.error("proof of batch {} is of chain {}, which is not configured ({}); not handled", proven.batchId(),
                    proven.chainId(), destinations);
            return;
        }
        final PublishedVerdicts.Key key = PublishedVerdicts.Key.of(proven);
        if (published.contains(key)) {
            LOG.info("proof of batch {} from {} already has a verdict; not judged again", key.batch(), key.proofTransactionHash());
            return;
        }
        if (inHand.filter(held -> held.key().equals(key)).isEmpty()) {
            inHand = Optional.of(new InHand(key, Optional.empty()));
            received.increment();
        }
        // the ingester leaves proofs over its limit out of the event: their size is all there is to judge
        final ProofVerdict verdict = proven.proofOmitted() || proven.proofSize() > settings.maxProofBytes()
                ? oversized(proven, proven.proofSize())
                : judgedProof(proven, Numeric.hexStringToByteArray(proven.proofHex()));
        publish(producer, verdict);
        published.add(key);
        inHand = Optional.empty();
    }

    /** The URL of the stored proof: written once per proof in hand, the key deterministic so a rewrite is harmless. */
    private String stored(final L1Event.ProofRequestProven proven, final byte[] proof) {
        final InHand held = inHand.orElseThrow();
        if (held.storedAt().isPresent()) {
            return held.storedAt().get();
        }
        final String url;
        try {
            url = destinations.forChain(proven.chainId()).orElseThrow().publicStore().write(blobKey(proven.batchId()), proof);
        } catch (final BlobStoreException e) {
            throw new RetryException("blob_store", e);
        }
        inHand = Optional.of(new InHand(held.key(), Optional.of(url)));
        LOG.info("stored the {}-byte proof of batch {} at {}", proof.length, proven.batchId(), url);
        return url;
    }

    private ProofVerdict judgedProof(final L1Event.ProofRequestProven proven, final byte[] proof) {
        return judged(proven, proof, stored(proven, proof));
    }

    private ProofVerdict judged(final L1Event.ProofRequestProven proven, final byte[] proof, final String url) {
        final Validation validation;
        try {
            validation = validator.validate(proven.batchId(), proof);
        } catch (final ProofValidatorUnavailableException e) {
            throw new RetryException("validator", e);
        }
        final Optional<RollupHandoff> handoff = destinations.forChain(proven.chainId()).flatMap(ProofDestinations.Chain::handoff);
        if (validation.valid() && handoff.isPresent()) {
            try {
                handoff.get().handBackValidProof(proven.batchId(), proof);
            } catch (final RollupHandoff.HandoffException e) {
                throw new RetryException("rollup_handoff", e);
            }
        }
        return verdict(proven, url, validation);
    }

    /** A proof over the size limit: judged invalid without being stored or validated; its URL names its L1 log. */
    private ProofVerdict oversized(final L1Event.ProofRequestProven proven, final long bytes) {
        final String location = "l1-log:" + proven.log().transactionHash() + "#" + proven.log().logIndex();
        return verdict(proven, location, Validation.refused("proof of " + bytes + " bytes is over the limit of "
                + settings.maxProofBytes() + " bytes; not stored, not validated"));
    }

    private static ProofVerdict verdict(final L1Event.ProofRequestProven proven, final String url, final Validation validation) {
        return new ProofVerdict(proven.chainId(), proven.batchNumber(), proven.assignedTo(), url, validation.valid(),
                validation.reason(), proven.log().transactionHash(), proven.log().blockTimestamp());
    }

    private void publish(final KafkaProducer<byte[], byte[]> producer, final ProofVerdict verdict) {
        final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(settings.verdictsTopic(),
                Topics.PROOF_VERDICTS.keySerde().encode(verdict.batchId()), Topics.PROOF_VERDICTS.valueSerde().encode(verdict));
        try {
            ConsumerService.send(producer, record, "the verdict on batch " + verdict.batchId());
        } catch (final InterruptException | WakeupException e) {
            throw e;
        } catch (final KafkaException e) {
            throw new RetryException("broker", e);
        }
        Counter.builder("epm_proof_verdicts_total").tag("valid", String.valueOf(verdict.valid()))
                .description("proof verdicts published, valid or not").register(meters).increment();
        LOG.info("published verdict on the proof of batch {} by {}: {} ({})", verdict.batchId(), verdict.provedBy(),
                verdict.valid() ? "valid" : "invalid", verdict.reason());
    }
}
