package org.spindelta.squashfs.spin;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.spindelta.squashfs.codec.BlockDecompressor;
import org.spindelta.squashfs.read.SquashfsImage;

/**
 * One decompressor and one recompressor per image per pool thread, made on first use and closed
 * together: codecs are not thread-safe and some hold native memory.
 */
public final class ThreadCodecs implements AutoCloseable {
    private final List<SquashfsImage> images;
    private final List<ImageInfo> infos;
    private final Recompressor.Factory factory;
    private final List<AutoCloseable> opened = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Object[]> decoders;
    private final ThreadLocal<Object[]> encoders;

    public ThreadCodecs(List<SquashfsImage> images, List<ImageInfo> infos, Recompressor.Factory factory) {
        this.images = images;
        this.infos = infos;
        this.factory = factory;
        this.decoders = ThreadLocal.withInitial(() -> new Object[images.size()]);
        this.encoders = ThreadLocal.withInitial(() -> new Object[infos.size()]);
    }

    public BlockDecompressor decoder(int image) {
        Object[] d = decoders.get();
        if (d[image] == null) {
            BlockDecompressor b = images.get(image).newDecompressor();
            opened.add(b);
            d[image] = b;
        }
        return (BlockDecompressor) d[image];
    }

    public Recompressor encoder(int image) throws IOException {
        Object[] e = encoders.get();
        if (e[image] == null) {
            Recompressor r = factory.open(infos.get(image));
            opened.add(r);
            e[image] = r;
        }
        return (Recompressor) e[image];
    }

    @Override
    public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception e) {
                // closing codecs only frees memory; nothing to report
            }
        }
    }
}
