package org.spindelta.jigdo.match;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Choosing among overlapping verified matches: most bytes, then fewest matches, then earliest; order-free. */
class MatchResolverTest {
    private static int order;

    private static RollingScanner.Match m(long offset, long length) {
        Candidate c = new Candidate("T", "f" + length + "-" + order, Path.of("/nonexistent"), length);
        return new RollingScanner.Match(offset, length, new HeadIndex.Head(c, order++, null, -1, 0, 0));
    }

    private static List<String> resolve(List<RollingScanner.Match> in) {
        return MatchResolver.resolve(in).stream().map(x -> x.offset() + "+" + x.length()).toList();
    }

    @Test
    void aLargeFileWinsOverTheSmallFilesInsideIt() {
        // jigdo-file's greedy case: two small files inside a large one, found first
        assertEquals(List.of("100+146000"), resolve(List.of(m(200, 19274), m(50000, 8841), m(100, 146000))));
        // small files tiling the large one exactly cover as many bytes: the single entry wins
        assertEquals(List.of("0+3000"), resolve(List.of(m(0, 1000), m(1000, 2000), m(0, 3000))));
    }

    @Test
    void overlapsWithoutContainmentAreSettledByBytes() {
        // longest-first would keep 50+110 alone; 0+100 and 100+100 cover more
        assertEquals(List.of("0+100", "100+100"), resolve(List.of(m(50, 110), m(0, 100), m(100, 100))));
        // equal bytes and counts: the earliest
        assertEquals(List.of("0+100"), resolve(List.of(m(50, 100), m(0, 100))));
        // a file appearing twice, side by side and overlapping a third
        assertEquals(List.of("0+500", "500+500"), resolve(List.of(m(0, 500), m(500, 500), m(250, 500))));
    }

    @Test
    void theResultDoesNotDependOnTheInputOrder() {
        Random r = new Random(7);
        List<RollingScanner.Match> in = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            in.add(m(r.nextInt(100_000), 1 + r.nextInt(5000)));
        }
        List<String> first = resolve(in);
        for (int k = 0; k < 5; k++) {
            Collections.shuffle(in, r);
            assertEquals(first, resolve(in));
        }
        // and is a set of non-overlapping matches in order
        long end = 0;
        for (RollingScanner.Match x : MatchResolver.resolve(in)) {
            assertEquals(true, x.offset() >= end, x.toString());
            end = x.end();
        }
    }
}
