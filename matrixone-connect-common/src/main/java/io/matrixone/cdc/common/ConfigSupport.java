package io.matrixone.cdc.common;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/** What both connectors' configs and validate() need beyond Kafka's ConfigDef. */
public final class ConfigSupport {

    private ConfigSupport() {
    }

    /** A case-insensitive validator accepting the lower-case names of an enum's constants. */
    public static ConfigDef.Validator oneOf(Enum<?>[] values) {
        String[] names = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            names[i] = values[i].name().toLowerCase(Locale.ROOT);
        }
        return ConfigDef.CaseInsensitiveValidString.in(names);
    }

    /** The result's values by name, for adding errors to the field they concern. */
    public static Map<String, ConfigValue> byName(Config result) {
        return result.configValues().stream().collect(Collectors.toMap(ConfigValue::name, Function.identity()));
    }

    public static boolean hasErrors(Config result) {
        return result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty());
    }

    /**
     * Attaches a ConfigException to the field it names (Kafka writes "... for configuration NAME: ..."),
     * so Connect's validate endpoint reports it there; an exception naming no known field goes to
     * {@code fallbackField}.
     */
    public static void attach(Map<String, ConfigValue> values, ConfigException e, String fallbackField) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (String name : List.copyOf(values.keySet())) {
            if (message.contains("configuration " + name + " ") || message.contains("configuration " + name + ":")) {
                values.get(name).addErrorMessage(message);
                return;
            }
        }
        values.get(fallbackField).addErrorMessage(message);
    }
}
