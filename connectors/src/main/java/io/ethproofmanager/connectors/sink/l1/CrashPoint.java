package io.ethproofmanager.connectors.sink.l1;

/** Test hook: a stage of sending at which an armed sender dies as if killed (nothing after it runs). */
enum CrashPoint {
    /** The attempt is persisted as prepared, not broadcast. */
    AFTER_PERSIST,
    /** The node accepted the transaction; the attempt is still recorded as prepared. */
    AFTER_BROADCAST,
    /** The receipt is in hand; neither recorded nor published. */
    AFTER_RECEIPT;

    /** Thrown at an armed crash point: an Error, so that no handler of the sender survives it. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(final CrashPoint point) {
            super("simulated crash " + point);
        }
    }
}
