package io.ethproofmanager.connectors.sink.l1;

import java.util.Objects;
import org.web3j.crypto.Credentials;

/**
 * A lane of the L1 sender: one submitter account, the single writer of its nonces. Commands of partition {@code p} of the
 * commands topic go to lane {@code p mod lanes}; both transactions of a batch share its partition, hence its lane.
 */
record Lane(int index, Credentials signer) {

    Lane {
        Objects.requireNonNull(signer, "signer");
        if (index < 0) {
            throw new IllegalArgumentException("a lane's index is 0 or more, was " + index);
        }
    }

    /** The lane of partition {@code partition} of the commands topic when there are {@code lanes} lanes. */
    static int ofPartition(final int partition, final int lanes) {
        return partition % lanes;
    }

    /** The submitter account's address, lower case. */
    String address() {
        return signer.getAddress().toLowerCase();
    }

    @Override
    public String toString() {
        return "lane " + index + " (" + signer.getAddress() + ")";
    }
}
