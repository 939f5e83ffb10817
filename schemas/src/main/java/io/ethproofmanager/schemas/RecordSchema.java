package io.ethproofmanager.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One versioned JSON Schema of {@code schemas/json}, loaded from the classpath ({@code /schemas/v1/...}), that checks a
 * record's JSON tree. Inputs are checked before they are believed; produced records are checked by the tests.
 */
public final class RecordSchema {

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(
            SpecVersion.VersionFlag.V202012,
            builder -> builder.schemaMappers(mappers -> mappers.mapPrefix("https://ethproofmanager.io/schemas/", "classpath:schemas/")));

    private final String path;
    private final JsonSchema schema;

    private RecordSchema(final String path) {
        this.path = path;
        this.schema = FACTORY.getSchema(SchemaLocation.of("classpath:schemas/" + path));
        this.schema.initializeValidators();
    }

    /** Loads {@code schemas/json/<path>}, for example {@code v1/batch-status.schema.json}. */
    public static RecordSchema load(final String path) {
        return new RecordSchema(path);
    }

    public String path() {
        return path;
    }

    /** The violations of this schema by {@code tree}; empty when it conforms. */
    public List<String> violations(final JsonNode tree) {
        final Set<ValidationMessage> messages = schema.validate(tree);
        return messages.stream().map(ValidationMessage::getMessage).sorted().collect(Collectors.toList());
    }

    /** Throws a {@link MalformedRecordException} naming every violation when {@code tree} does not conform. */
    public void check(final JsonNode tree) {
        final List<String> violations = violations(tree);
        if (!violations.isEmpty()) {
            throw new MalformedRecordException("violates " + path + ": " + String.join("; ", violations));
        }
    }
}
