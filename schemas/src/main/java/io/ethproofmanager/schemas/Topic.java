package io.ethproofmanager.schemas;

/** A topic of the system: its name and the serdes (and so the schemas) of its keys and values. */
public record Topic<K, V>(String name, JsonSerde<K> keySerde, JsonSerde<V> valueSerde, boolean compacted) {
}
