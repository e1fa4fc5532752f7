package io.escrowstore.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** JsonWriter's output, read back by an independent parser. */
class JsonWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyCharacterThatNeedsEscapingSurvivesARoundTrip() throws IOException {
        StringBuilder all = new StringBuilder("quote \" backslash \\ slash / unicode é € 😀 ");
        for (char c = 0; c < 0x20; c++) {
            all.append(c);
        }
        all.append('\u007f').append('\u2028');
        String text = all.toString();

        String written = JsonWriter.write(Map.of("text", text));

        assertThat(JSON.readTree(written).get("text").asText()).isEqualTo(text);
        assertThat(written).doesNotContain("\n", "\r", "\t");
    }

    @Test
    void nestedValuesKeepTheirTypesAndOrder() throws IOException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("z", 1L);
        row.put("a", true);
        row.put("none", null);
        row.put("list", List.of("x", 2, Map.of()));
        row.put("empty", List.of());

        String written = JsonWriter.write(row);
        JsonNode read = JSON.readTree(written);

        assertThat(written).startsWith("{\"z\":1,\"a\":true,\"none\":null,");
        assertThat(read.get("z").isLong() || read.get("z").isInt()).isTrue();
        assertThat(read.get("a").asBoolean()).isTrue();
        assertThat(read.get("none").isNull()).isTrue();
        assertThat(read.get("list").get(1).asInt()).isEqualTo(2);
        assertThat(read.get("list").get(2).isObject()).isTrue();
        assertThat(read.get("empty").isArray()).isTrue();
        assertThat(JsonWriter.write(Long.MIN_VALUE)).isEqualTo(String.valueOf(Long.MIN_VALUE));
    }

    @Test
    void refusesValuesWithoutAJsonForm() {
        assertThatThrownBy(() -> JsonWriter.write(1.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonWriter.write(Map.of(1, "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonWriter.write(Arrays.asList(new Object())))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
