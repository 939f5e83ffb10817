package io.ethproofmanager.connectors.source.l1;

import io.ethproofmanager.schemas.L1Event;
import io.ethproofmanager.schemas.NetworkEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The ingester's committed progress, one JSON record per deployment on the compacted checkpoint topic: the next block to
 * read and the window of processed blocks (number, hash and the events published from each) that a reorg may undo.
 *
 * @param contractAddress the contract read
 * @param chainIds the deployment's rollup chain ids, sorted
 * @param nextBlock first block not read yet
 * @param window processed blocks, oldest first: the last block of every step and every block that had events
 */
public record L1Checkpoint(String contractAddress, List<Long> chainIds, long nextBlock, List<ProcessedBlock> window) {

    public L1Checkpoint {
        Objects.requireNonNull(contractAddress, "contractAddress");
        chainIds = List.copyOf(Objects.requireNonNull(chainIds, "chainIds"));
        window = List.copyOf(Objects.requireNonNull(window, "window"));
        if (nextBlock < 0) {
            throw new IllegalArgumentException("nextBlock must not be negative, was " + nextBlock);
        }
    }

    /** The checkpoint of a deployment that has read nothing yet. */
    static L1Checkpoint initial(final L1IngesterSettings settings) {
        return new L1Checkpoint(settings.contractAddress(), settings.chainIds().stream().sorted().toList(), settings.startBlock(), List.of());
    }

    /** The newest processed block, if any. */
    Optional<ProcessedBlock> lastProcessed() {
        return window.isEmpty() ? Optional.empty() : Optional.of(window.getLast());
    }

    /** Progress after reading up to {@code lastBlock}: {@code added} joins the window, which keeps {@code depth} blocks. */
    L1Checkpoint advancedTo(final long lastBlock, final List<ProcessedBlock> added, final int depth) {
        final List<ProcessedBlock> blocks = new ArrayList<>(window);
        blocks.addAll(added);
        final long oldestKept = lastBlock - depth + 1;
        return new L1Checkpoint(contractAddress, chainIds, lastBlock + 1,
                blocks.stream().filter(block -> block.number() >= oldestKept).toList());
    }

    /** Progress after a reorg whose common ancestor is {@code ancestor}: the blocks above it are forgotten. */
    L1Checkpoint rewoundTo(final long ancestor) {
        return new L1Checkpoint(contractAddress, chainIds, ancestor + 1, window.stream().filter(block -> block.number() <= ancestor).toList());
    }

    /** The blocks above {@code ancestor}, newest first. */
    List<ProcessedBlock> abandonedAbove(final long ancestor) {
        return window.stream().filter(block -> block.number() > ancestor)
                .sorted(Comparator.comparingLong(ProcessedBlock::number).reversed()).toList();
    }

    /**
     * A block the ingester read: its hash and the events it published from it.
     *
     * @param number block number
     * @param hash block hash when it was read
     * @param l1Events batch events published from the block
     * @param networkEvents network events published from the block
     */
    public record ProcessedBlock(long number, String hash, List<L1Event> l1Events, List<NetworkEvent> networkEvents) {

        public ProcessedBlock {
            Objects.requireNonNull(hash, "hash");
            l1Events = List.copyOf(Objects.requireNonNull(l1Events, "l1Events"));
            networkEvents = List.copyOf(Objects.requireNonNull(networkEvents, "networkEvents"));
        }

        /** Every event of the block as retraction order wants it: highest log index first. */
        List<Object> eventsNewestFirst() {
            return Stream.concat(l1Events.stream().map(e -> new Indexed(e.log().logIndex(), e)),
                            networkEvents.stream().map(e -> new Indexed(e.log().logIndex(), e)))
                    .sorted(Comparator.comparingLong(Indexed::logIndex).reversed())
                    .map(Indexed::event)
                    .toList();
        }

        private record Indexed(long logIndex, Object event) {
        }
    }
}
