package org.veriflow.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReaderTest {

    private static byte[] csv(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void read_quotedFieldsCrlfAndBom_parsesRequestedColumns() {
        Table t = CsvReader.read(csv("\uFEFFdate,mote,\"temp\",humidity\r\n\"2004-02-28, 00:59\",1,19.98,37.09\r\n"
                + "x,\"2\",-1.5e1,40\r\n\r\n"), List.of("temp", "humidity"), "mote");
        assertThat(t.rowCount()).isEqualTo(2);
        assertThat(t.column("temp")).containsExactly(19.98, -15.0);
        assertThat(t.column("humidity")).containsExactly(37.09, 40.0);
        assertThat(t.labels()).containsExactly("1", "2");
    }

    @Test
    void read_escapedQuoteInIgnoredColumn_accepted() {
        Table t = CsvReader.read(csv("note,v\n\"say \"\"hi\"\", then go\",1\n"), List.of("v"), null);
        assertThat(t.column("v")).containsExactly(1.0);
    }

    @Test
    void read_emptyInput_rejected() {
        assertThatThrownBy(() -> CsvReader.read(csv(""), List.of("a"), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CSV is empty");
        assertThatThrownBy(() -> CsvReader.read(csv("a,b\n"), List.of("a"), null))
                .hasMessageContaining("no data rows");
    }

    @Test
    void read_nanOrInfinity_rejectedNamingLineAndColumn() {
        assertThatThrownBy(() -> CsvReader.read(csv("a,b\n1,2\n3,NaN\n"), List.of("a", "b"), null))
                .hasMessageContaining("line 3").hasMessageContaining("column 'b'").hasMessageContaining("'NaN'");
        assertThatThrownBy(() -> CsvReader.read(csv("a\nInfinity\n"), List.of("a"), null))
                .hasMessageContaining("line 2").hasMessageContaining("not a finite number");
        assertThatThrownBy(() -> CsvReader.read(csv("a\n1e999\n"), List.of("a"), null))
                .hasMessageContaining("overflows");
        assertThatThrownBy(() -> CsvReader.read(csv("a\n12abc\n"), List.of("a"), null))
                .hasMessageContaining("'12abc' is not a finite number");
        assertThatThrownBy(() -> CsvReader.read(csv("a,b\n,2\n"), List.of("a"), null))
                .hasMessageContaining("the value is empty");
    }

    @Test
    void read_missingColumns_rejectedNamingThem() {
        assertThatThrownBy(() -> CsvReader.read(csv("a,b\n1,2\n"), List.of("a", "c"), null))
                .hasMessageContaining("column 'c' not found").hasMessageContaining("[a, b]");
        assertThatThrownBy(() -> CsvReader.read(csv("a,b\n1,2\n"), List.of("a"), "device"))
                .hasMessageContaining("column 'device' not found");
        assertThatThrownBy(() -> CsvReader.read(csv("a,device\n1,\n"), List.of("a"), "device"))
                .hasMessageContaining("line 2").hasMessageContaining("label is missing");
    }

    @Test
    void read_raggedLine_rejected() {
        assertThatThrownBy(() -> CsvReader.read(csv("a,b\n1,2\n3\n"), List.of("a"), null))
                .hasMessageContaining("line 3 has 1 fields, the header has 2");
        assertThatThrownBy(() -> CsvReader.read(csv("a,b\n\"1,2\n"), List.of("a"), null))
                .hasMessageContaining("unterminated quoted field");
    }

    @Test
    void read_invalidUtf8_rejected() {
        assertThatThrownBy(() -> CsvReader.read(new byte[] {'a', '\n', (byte) 0xC3, '\n'}, List.of("a"), null))
                .hasMessageContaining("not valid UTF-8");
    }
}
