package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where each chunk is: the union of some packs' indexes. A chunk stored in several packs (two adds that
 * raced before the lock existed, or a gc that copied it) is found in the first pack loaded.
 */
public final class PoolIndex {
    /** A chunk's place: its pack's index and its entry there. */
    public record Location(PackIndex pack, PackIndex.Entry entry) {
    }

    private final Map<String, PackIndex> packs = new LinkedHashMap<>();
    private final Map<ChunkId, Location> chunks = new HashMap<>();

    /** Loads the indexes of {@code packNames} (each once) from {@code files}. */
    public static PoolIndex load(PoolFiles files, Collection<String> packNames) throws IOException {
        PoolIndex index = new PoolIndex();
        for (String p : packNames) {
            if (!index.packs.containsKey(p)) {
                String path = PoolFormat.PACKS_DIR + "/" + p + PoolFormat.INDEX_SUFFIX;
                index.add(PackIndex.decode(files.read(path, PoolFormat.MAX_METADATA_FILE), path, p));
            }
        }
        return index;
    }

    void add(PackIndex pack) {
        packs.put(pack.pack(), pack);
        for (PackIndex.Entry e : pack.entries()) {
            chunks.putIfAbsent(e.id(), new Location(pack, e));
        }
    }

    public Location find(ChunkId id) {
        return chunks.get(id);
    }

    public boolean contains(ChunkId id) {
        return chunks.containsKey(id);
    }

    public Collection<PackIndex> packs() {
        return packs.values();
    }

    public int size() {
        return chunks.size();
    }
}
