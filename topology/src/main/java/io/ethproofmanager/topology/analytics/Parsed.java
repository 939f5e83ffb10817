package io.ethproofmanager.topology.analytics;

import io.ethproofmanager.schemas.DeadLetter;
import java.util.Objects;

/** The result of checking one raw input record: its decoded value, or the dead letter that says why it was rejected. */
sealed interface Parsed<V> {

    /** A record that passed every check. */
    record Valid<V>(V value) implements Parsed<V> {

        public Valid {
            Objects.requireNonNull(value, "value");
        }
    }

    /** A record that failed a check. */
    record Rejected<V>(DeadLetter letter) implements Parsed<V> {

        public Rejected {
            Objects.requireNonNull(letter, "letter");
        }
    }
}
