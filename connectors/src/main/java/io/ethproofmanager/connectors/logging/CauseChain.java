package io.ethproofmanager.connectors.logging;

/** A failure and its causes on one log line, for warnings that do not print a stack trace. */
public final class CauseChain {

    private CauseChain() {
    }

    /** {@code failure} and each of its causes, outermost first: {@code "a <- b <- c"}. */
    public static String describe(final Throwable failure) {
        final StringBuilder text = new StringBuilder(failure.toString());
        for (Throwable inner = failure.getCause(); inner != null && inner != inner.getCause(); inner = inner.getCause()) {
            text.append(" <- ").append(inner);
        }
        return text.toString();
    }
}
