package io.ethproofmanager.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.schemas.BatchId;
import io.ethproofmanager.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalBatchKeyTest {

    @Test
    void readsExactlyTheBytesTheKeySerdeWrites() {
        for (final BatchId batch : List.of(new BatchId(1, 0), new BatchId(271, 7), new BatchId(271, 123_456_789_012L),
                new BatchId(999_999_999_999_999_999L, 999_999_999_999_999_999L))) {
            assertThat(CanonicalBatchKey.read(Topics.BATCH_STATUS.keySerde().encode(batch))).as("%s", batch).contains(batch);
        }
    }

    @Test
    void leavesEveryOtherFormToTheFullCheck() {
        for (final String other : List.of(
                "{\"batchNumber\":7,\"chainId\":271}", "{ \"chainId\":271,\"batchNumber\":7}", "{\"chainId\":271,\"batchNumber\":7} ",
                "{\"chainId\":0271,\"batchNumber\":7}", "{\"chainId\":271,\"batchNumber\":07}", "{\"chainId\":271,\"batchNumber\":7.0}",
                "{\"chainId\":0,\"batchNumber\":7}", "{\"chainId\":-1,\"batchNumber\":7}", "{\"chainId\":271,\"batchNumber\":-7}",
                "{\"chainId\":271,\"batchNumber\":7,\"x\":1}", "{\"chainId\":271,\"batchNumber\":}", "{\"chainId\":271}",
                "{\"chainId\":271,\"batchNumber\":9999999999999999999}", "", "{")) {
            assertThat(CanonicalBatchKey.read(other.getBytes(StandardCharsets.UTF_8))).as(other).isEmpty();
        }
        assertThat(CanonicalBatchKey.read(null)).isEmpty();
    }
}
