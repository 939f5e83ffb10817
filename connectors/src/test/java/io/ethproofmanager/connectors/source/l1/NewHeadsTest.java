package io.ethproofmanager.connectors.source.l1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ethproofmanager.devkit.chain.LocalChain;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ingester's wake-up on new heads: the WebSocket URL beside the RPC URL, and a subscription on anvil. */
class NewHeadsTest {

    private static LocalChain chain;

    @BeforeAll
    static void startChain() {
        chain = LocalChain.start(31_341);
    }

    @AfterAll
    static void stopChain() {
        chain.close();
    }

    @Test
    void theWebSocketUrlIsTheRpcUrlsHostPortAndPathWithWsOrWss() {
        assertThat(NewHeads.webSocketUrl("http://127.0.0.1:8545")).contains(URI.create("ws://127.0.0.1:8545"));
        assertThat(NewHeads.webSocketUrl("https://node.example/v2/key?x=1")).contains(URI.create("wss://node.example/v2/key?x=1"));
        assertThat(NewHeads.webSocketUrl("wss://node.example:8546")).contains(URI.create("wss://node.example:8546"));
        assertThat(NewHeads.webSocketUrl("ipc:///tmp/geth.ipc")).isEmpty();
        assertThat(NewHeads.webSocketUrl("not a url")).isEmpty();
    }

    @Test
    void aNewBlockEndsTheWaitLongBeforeItsTimeout() throws Exception {
        try (NewHeads heads = NewHeads.of(chain.rpcUrl())) {
            await().atMost(Duration.ofSeconds(10)).until(heads::subscribed);
            heads.await(Duration.ZERO); // forget what came before
            final long began = System.nanoTime();
            chain.mine();
            heads.await(Duration.ofSeconds(30));
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void withoutASubscriptionTheWaitLastsItsTimeoutUnlessWoken() throws Exception {
        try (NewHeads heads = NewHeads.of("http://127.0.0.1:1")) {
            final long began = System.nanoTime();
            heads.await(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isGreaterThanOrEqualTo(Duration.ofMillis(290));
            assertThat(heads.subscribed()).isFalse();
            heads.wake();
            heads.await(Duration.ofSeconds(30));
        }
        try (NewHeads none = NewHeads.none()) {
            assertThat(Optional.of(none)).isPresent();
        }
    }
}
