package org.spindelta.squashfs.pool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.spindelta.core.FormatException;
import org.spindelta.core.SpindeltaException;
import org.spindelta.core.StagedOutput;

/**
 * A pool in a local directory (docs/formats/pool.md): {@code pool} (the marker), {@code images/*.recipe},
 * {@code packs/*.pack} and {@code *.idx}, and {@code lock}. Every file but the lock is immutable once
 * renamed into place; writers ({@code add}, {@code rm}, {@code gc}) hold the lock, readers need none.
 */
public final class Pool {
    /**
     * File locks belong to the process, so two threads of one JVM would both get one; writers in one JVM
     * also take this lock per pool directory.
     */
    private static final Map<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path root;
    private final LocalPoolFiles files;

    private Pool(Path root) {
        this.root = root;
        this.files = new LocalPoolFiles(root);
    }

    /** Opens a pool, or makes one in {@code root} (which must be missing or empty) when {@code create}. */
    public static Pool open(Path root, boolean create) throws IOException {
        Path marker = root.resolve(PoolFormat.MARKER_FILE);
        if (Files.exists(marker) && !Files.isRegularFile(marker)) {
            throw new FormatException(root + " is not a pool (its " + PoolFormat.MARKER_FILE + " is not a file)");
        }
        if (!Files.exists(marker)) {
            if (!create) {
                throw new FormatException(root + " is not a pool (no " + PoolFormat.MARKER_FILE + " file)");
            }
            Files.createDirectories(root);
            try (Stream<Path> s = Files.list(root)) {
                if (s.findAny().isPresent()) {
                    throw new SpindeltaException("cannot make a pool in " + root + ": the directory is not empty");
                }
            }
            Files.createDirectories(root.resolve(PoolFormat.PACKS_DIR));
            Files.createDirectories(root.resolve(PoolFormat.IMAGES_DIR));
            try (StagedOutput o = StagedOutput.create(marker)) {
                o.channel().write(ByteBuffer.wrap(PoolFormat.MARKER_TEXT.getBytes(StandardCharsets.US_ASCII)));
                o.commit();
            }
        }
        String text = new String(Files.readAllBytes(marker), StandardCharsets.US_ASCII);
        if (!text.equals(PoolFormat.MARKER_TEXT)) {
            throw new FormatException(root + " is not a pool this spindelta reads: " + PoolFormat.MARKER_FILE
                    + " says \"" + PoolFormat.printable(text.strip()) + "\", expected \""
                    + PoolFormat.MARKER_TEXT.strip() + "\"");
        }
        return new Pool(root);
    }

    public Path root() {
        return root;
    }

    public PoolFiles files() {
        return files;
    }

    Path packsDir() {
        return root.resolve(PoolFormat.PACKS_DIR);
    }

    Path recipePath(String name) {
        return root.resolve(PoolFormat.IMAGES_DIR).resolve(name + PoolFormat.RECIPE_SUFFIX);
    }

    /** The writer's lock: held until closed; blocks while another process or thread holds it. */
    public AutoCloseable lock() throws IOException {
        Path key = root.toAbsolutePath().normalize();
        ReentrantLock local = IN_PROCESS.computeIfAbsent(key, k -> new ReentrantLock());
        local.lock();
        FileChannel ch = null;
        try {
            ch = FileChannel.open(root.resolve(PoolFormat.LOCK_FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock l = ch.lock();
            FileChannel held = ch;
            return () -> {
                try {
                    l.release();
                    held.close();
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                ch.close();
            }
            local.unlock();
            throw e;
        }
    }

    /** Names of the images in the pool, sorted. */
    public List<String> names() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root.resolve(PoolFormat.IMAGES_DIR))) {
            s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(PoolFormat.RECIPE_SUFFIX) && !n.startsWith("."))
                    .map(n -> n.substring(0, n.length() - PoolFormat.RECIPE_SUFFIX.length()))
                    .sorted().forEach(out::add);
        }
        return out;
    }

    public boolean has(String name) {
        return Files.exists(recipePath(name));
    }

    public Recipe recipe(String name) throws IOException {
        return read(files, PoolFormat.checkName(name));
    }

    /** Reads {@code images/NAME.recipe} from any pool's files; the recipe must carry that name. */
    public static Recipe read(PoolFiles files, String name) throws IOException {
        String path = PoolFormat.IMAGES_DIR + "/" + name + PoolFormat.RECIPE_SUFFIX;
        byte[] b;
        try {
            b = files.read(path, PoolFormat.MAX_METADATA_FILE);
        } catch (SpindeltaException e) {
            if (e.getMessage() != null && e.getMessage().endsWith("does not exist")) {
                throw new SpindeltaException("pool " + files.location() + " has no image \"" + name + "\"");
            }
            throw e;
        }
        Recipe r = RecipeCodec.decode(b, path);
        if (!r.name().equals(name)) {
            throw new org.spindelta.core.CorruptInputException(path + " is the recipe of \""
                    + PoolFormat.printable(r.name()) + "\"");
        }
        return r;
    }

    /** Every recipe in the pool, by name order. */
    public List<Recipe> recipes() throws IOException {
        List<Recipe> out = new ArrayList<>();
        for (String n : names()) {
            try {
                out.add(recipe(n));
            } catch (NoSuchFileException e) {
                // removed since the listing: not part of the pool any more
            }
        }
        return out;
    }

    /** The packs the recipes name: the live ones. */
    static Set<String> packsOf(List<Recipe> recipes) {
        Set<String> out = new LinkedHashSet<>();
        recipes.forEach(r -> out.addAll(r.packs()));
        return out;
    }

    /** Writes a recipe under its name: the commit point of an add (temporary file, then rename). */
    void commit(Recipe r) throws IOException {
        try (StagedOutput o = StagedOutput.create(recipePath(r.name()))) {
            o.channel().write(ByteBuffer.wrap(RecipeCodec.encode(r)));
            o.commit();
        }
        syncDirectory(root.resolve(PoolFormat.IMAGES_DIR));
    }

    /** Makes renames in a directory durable (where the file system allows opening a directory). */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // not supported here: the rename is still atomic, only its durability is the system's
        }
    }
}
