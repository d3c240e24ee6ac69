package io.matrixone.cdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadDataCsvTest {

    @Test
    void writesNumbersDatesAndQuotedStringsOneRowPerLine() {
        StringBuilder out = new StringBuilder();
        assertThat(LoadDataCsv.appendRow(out, List.of(7L, 3, new BigDecimal("1E+3"), LocalDate.of(2024, 2, 29),
                LocalDateTime.of(2024, 1, 1, 0, 0, 0, 120_000_000), "plain"))).isTrue();
        assertThat(LoadDataCsv.appendRow(out, List.of((short) 1, (byte) 2, new BigDecimal("-0.05"), "x"))).isTrue();
        assertThat(out).hasToString("7,3,1000,2024-02-29,2024-01-01 00:00:00.120000,\"plain\"\n1,2,-0.05,\"x\"\n");
    }

    @Test
    void nullIsAnUnquotedBackslashNAndAStringThatLooksLikeItIsQuotedAndEscaped() {
        StringBuilder out = new StringBuilder();
        assertThat(LoadDataCsv.appendRow(out, Arrays.asList(null, "\\N", "NULL", ""))).isTrue();
        assertThat(out).hasToString("\\N,\"\\\\N\",\"NULL\",\"\"\n");
    }

    @Test
    void quotesAreDoubledAndBackslashesEscapedWhileLineBreaksStayInsideTheQuotes() {
        StringBuilder out = new StringBuilder();
        assertThat(LoadDataCsv.appendRow(out, List.of("a\"b\\c", "line\nbreak\r,end\u0000"))).isTrue();
        assertThat(out).hasToString("\"a\"\"b\\\\c\",\"line\nbreak\r,end\u0000\"\n");
    }

    @Test
    void aRowWithAValueWithoutExactTextIsRefusedAndLeavesTheOutputAsItWas() {
        StringBuilder out = new StringBuilder("kept\n");
        assertThat(LoadDataCsv.appendRow(out, List.of(1L, 1.5d))).isFalse();
        assertThat(LoadDataCsv.appendRow(out, List.of(1L, 1.5f))).isFalse();
        assertThat(LoadDataCsv.appendRow(out, List.of(1L, new byte[] {1}))).isFalse();
        assertThat(LoadDataCsv.appendRow(out, List.of(1L, ByteBuffer.wrap(new byte[] {1})))).isFalse();
        assertThat(LoadDataCsv.appendRow(out, List.of(1L, true))).isFalse();
        assertThat(LoadDataCsv.appendRow(out, List.of(1L, LocalDateTime.of(10_000, 1, 1, 0, 0)))).isFalse();
        assertThat(out).hasToString("kept\n");
    }
}
