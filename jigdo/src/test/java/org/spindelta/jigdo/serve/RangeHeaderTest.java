package org.spindelta.jigdo.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.spindelta.jigdo.rebuild.ByteRange;

/** RFC 9110 section 14 ranges against a 10,000-byte representation. */
class RangeHeaderTest {
    private static final long LEN = 10_000;

    private static List<ByteRange> ranges(String field) {
        return assertInstanceOf(RangeHeader.Ranges.class, RangeHeader.parse(field, LEN), field).ranges();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "bytes=0-499|0-499",
        "bytes=500-999|500-999",
        "bytes=9500-|9500-9999",
        "bytes=-500|9500-9999",
        "bytes=-20000|0-9999",
        "bytes=0-0|0-0",
        "bytes=9999-99999999999999999999999|9999-9999",
        "BYTES=100-200|100-200",
        "bytes= 100-200 ,|100-200",
        "bytes=0-99, 5000-5099, -10|0-99 5000-5099 9990-9999",
        "bytes=5000-5099,0-99|5000-5099 0-99",
        "bytes=0-999,500-1999|0-1999",
        "bytes=0-,0-,0-|0-9999",
        "bytes=200-299,100-199|100-299",
        "bytes=0-99,181-199|0-99 181-199",
        "bytes=0-99,180-199|0-199",
        "bytes=0-99,150-199|0-199",
        "bytes=20000-,0-9|0-9",
    })
    void satisfiable(String field, String expected) {
        List<String> got = new ArrayList<>();
        for (ByteRange r : ranges(field)) {
            got.add(r.first() + "-" + r.last());
        }
        assertEquals(expected, String.join(" ", got));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=10000-", "bytes=10000-10001", "bytes=-0", "bytes=99999999999999999999999-",
        "bytes=10000-,-0"})
    void unsatisfiableIs416(String field) {
        assertInstanceOf(RangeHeader.Unsatisfiable.class, RangeHeader.parse(field, LEN));
    }

    @ParameterizedTest
    @ValueSource(strings = {"items=0-9", "bytes", "bytes=", "bytes=,", "bytes=a-b", "bytes=5-4", "bytes=1-2-3",
        "bytes=0-9,x", "bytes=--5", "bytes=+1-2", "bytes=1 -2", "0-9", "bytes=0x10-20"})
    void invalidIsIgnored(String field) {
        assertInstanceOf(RangeHeader.Whole.class, RangeHeader.parse(field, LEN));
    }

    @Test
    void absentIsWhole() {
        assertInstanceOf(RangeHeader.Whole.class, RangeHeader.parse(null, LEN));
    }

    @Test
    void anEmptyRepresentationHasNoSatisfiableRange() {
        assertInstanceOf(RangeHeader.Unsatisfiable.class, RangeHeader.parse("bytes=0-", 0));
        assertInstanceOf(RangeHeader.Unsatisfiable.class, RangeHeader.parse("bytes=-5", 0));
    }

    @Test
    void tooManySpecsAreIgnoredAsAbuse() {
        StringBuilder ok = new StringBuilder("bytes=");
        for (int i = 0; i < RangeHeader.MAX_SPECS; i++) {
            ok.append(i == 0 ? "" : ",").append(i * 100).append('-').append(i * 100);
        }
        assertEquals(RangeHeader.MAX_SPECS, ranges(ok.toString()).size());
        assertInstanceOf(RangeHeader.Whole.class, RangeHeader.parse(ok + ",9999-9999", LEN));
    }
}
