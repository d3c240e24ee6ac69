package io.matrixone.cdc.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.matrixone.cdc.sink.MatrixOneSinkConfig;
import io.matrixone.cdc.source.MatrixOneSourceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

/**
 * docs/connectors.md is generated from the connectors' ConfigDefs, so the settings are written once.
 * This test fails when the file is stale; regenerate it with
 * {@code mvn -pl integration-tests test -Dtest=ConnectorReferenceTest -Dmo.docs.write=true}.
 */
class ConnectorReferenceTest {

    private static final Path DOC = Path.of("..", "docs", "connectors.md");

    @Test
    void connectorReferenceIsGeneratedFromTheConfigDefs() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("mo.docs.write")) {
            Files.writeString(DOC, expected);
        }
        assertThat(Files.exists(DOC) ? Files.readString(DOC) : "")
                .as("docs/connectors.md is stale: run mvn -pl integration-tests test -Dtest=ConnectorReferenceTest -Dmo.docs.write=true")
                .isEqualTo(expected);
    }

    static String render() {
        StringBuilder doc = new StringBuilder("# Connector reference\n\n")
                .append("Generated from the connectors' ConfigDefs by `ConnectorReferenceTest`; do not edit by hand.\n");
        section(doc, "Source: `io.matrixone.cdc.source.MatrixOneSourceConnector`", MatrixOneSourceConfig.CONFIG_DEF);
        section(doc, "Sink: `io.matrixone.cdc.sink.MatrixOneSinkConnector`", MatrixOneSinkConfig.CONFIG_DEF);
        return doc.toString();
    }

    private static void section(StringBuilder doc, String title, ConfigDef def) {
        doc.append("\n## ").append(title).append("\n");
        String group = null;
        List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
                .sorted((a, b) -> a.group.equals(b.group) ? Integer.compare(a.orderInGroup, b.orderInGroup)
                        : Integer.compare(def.groups().indexOf(a.group), def.groups().indexOf(b.group)))
                .toList();
        for (ConfigDef.ConfigKey key : keys) {
            if (!key.group.equals(group)) {
                group = key.group;
                doc.append("\n### ").append(group).append("\n\n| setting | type | default | valid values | importance | description |\n")
                        .append("|---|---|---|---|---|---|\n");
            }
            doc.append("| `").append(key.name).append("` | ").append(key.type.name().toLowerCase())
                    .append(" | ").append(defaultText(key))
                    .append(" | ").append(key.validator == null ? "" : cell(key.validator.toString()))
                    .append(" | ").append(key.importance.name().toLowerCase())
                    .append(" | ").append(cell(key.documentation)).append(" |\n");
        }
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "";
        }
        if (value instanceof Password) {
            return "(hidden)";
        }
        return "`" + cell(ConfigDef.convertToString(value, key.type)) + "`";
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
