package io.ethproofmanager.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.ethproofmanager.connectors.settings.ReferenceSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's settings table against the merged reference.conf of every module (the sandbox's class path holds them
 * all), so that the two cannot drift: every row names one key of reference.conf with its environment variable (or none)
 * and its default (in backticks, or {@code empty}), and every key of reference.conf has its row.
 */
class ReadmeSettingsTableTest {

    private static final String HEADER = "| key | environment variable | default | meaning |";
    private static final Pattern CODE = Pattern.compile("^`([^`]*)`");

    /** A row of the table: its key, variable and default cell. */
    private record Row(String key, Optional<String> variable, String defaultCell) {
    }

    private static Map<String, Row> rows;
    private static Map<String, ReferenceSettings.Key> reference;

    @BeforeAll
    static void readTheTableAndTheReference() throws IOException {
        rows = table(Files.readAllLines(repositoryRoot().resolve("README.md"), StandardCharsets.UTF_8));
        reference = new LinkedHashMap<>();
        ReferenceSettings.keys().forEach((path, key) -> {
            if (path.startsWith("epm.")) {
                reference.put(path, key);
            }
        });
        assertThat(rows).as("rows of the README's settings table").hasSizeGreaterThan(10);
        assertThat(reference).as("keys of the merged reference.conf").containsKeys("epm.chain-id", "epm.readiness.batch-limit",
                "epm.l1.confirmations", "epm.sandbox.anvil-port");
    }

    @Test
    void everyKeyOfReferenceConfHasItsRow() {
        assertThat(reference.keySet().stream().filter(key -> !rows.containsKey(key)).toList())
                .as("keys of reference.conf missing from the README's table").isEmpty();
    }

    @Test
    void everyRowIsAKeyOfReferenceConfWithItsVariableAndDefault() {
        final List<String> problems = new ArrayList<>();
        rows.values().forEach(row -> {
            final ReferenceSettings.Key key = reference.get(row.key());
            if (key == null) {
                problems.add(row.key() + ": no such key in reference.conf");
                return;
            }
            if (!row.variable().equals(key.environmentVariable())) {
                problems.add(row.key() + ": variable " + row.variable().orElse("none") + " in the README, "
                        + key.environmentVariable().orElse("none") + " in reference.conf");
            }
            final Optional<String> documented = documentedDefault(row.defaultCell());
            if (!documented.equals(Optional.of(key.defaultValue()))) {
                problems.add(row.key() + ": default '" + row.defaultCell() + "' in the README, '" + key.defaultValue()
                        + "' in reference.conf (write it as `" + key.defaultValue() + "`, or as empty when it is empty)");
            }
        });
        assertThat(problems).as("rows that disagree with reference.conf").isEmpty();
    }

    /** The default a cell documents: its first code span, or the empty string when it begins with "empty". */
    private static Optional<String> documentedDefault(final String cell) {
        if (cell.equals("empty") || cell.startsWith("empty ") || cell.startsWith("empty:") || cell.startsWith("empty (")) {
            return Optional.of("");
        }
        final Matcher code = CODE.matcher(cell);
        return code.find() ? Optional.of(code.group(1)) : Optional.empty();
    }

    private static Map<String, Row> table(final List<String> lines) {
        final int header = lines.indexOf(HEADER);
        assertThat(header).as("the README's settings table, headed %s", HEADER).isNotNegative();
        final Map<String, Row> found = new LinkedHashMap<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            final String[] cells = lines.get(i).split("\\|", -1);
            assertThat(cells).as("cells of line %d: %s", i + 1, lines.get(i)).hasSizeGreaterThanOrEqualTo(5);
            final String key = unquoted(cells[1].trim(), lines.get(i));
            final String variable = cells[2].trim();
            final Row row = new Row(key, variable.isEmpty() ? Optional.empty() : Optional.of(unquoted(variable, lines.get(i))),
                    cells[3].trim());
            assertThat(found.put(key, row)).as("a second row of %s", key).isNull();
        }
        return found;
    }

    private static String unquoted(final String cell, final String line) {
        assertThat(cell).as("a cell of one name in backticks: %s", line).matches("`[^`]+`");
        return cell.substring(1, cell.length() - 1);
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no README.md beside a docker-compose.yml in " + Path.of("").toAbsolutePath() + " or above");
    }
}
