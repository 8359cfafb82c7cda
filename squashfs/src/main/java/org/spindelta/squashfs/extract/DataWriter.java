package org.spindelta.squashfs.extract;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import org.spindelta.core.CorruptInputException;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.read.FileReader;

/**
 * One writer thread: takes tasks from the queue, decodes their blocks with its own {@link FileReader}
 * and writes them with pwrite at their offsets. Consecutive blocks are gathered into one native buffer
 * of {@link DataWriters#TASK_BYTES} so that the file system sees large sequential writes; a sparse block
 * is skipped, leaving a hole. The thread that writes a file's last range sets its size (holes at the end)
 * and attributes and closes it.
 *
 * <p>It allocates nothing per block: one block buffer, the reader's own buffers and the native write
 * buffer, about 3 × block_size + 1 MiB in all. It never stops before the END task, so that the walk's
 * queue puts always complete; after a failure it only skips.
 */
final class DataWriter implements Runnable {
    private final DataWriters pool;

    DataWriter(DataWriters pool) {
        this.pool = pool;
    }

    @Override
    public void run() {
        int blockSize = pool.image().superBlock().blockSize();
        int capacity = Math.max(blockSize, DataWriters.TASK_BYTES);
        try (FileReader reader = FileReader.open(pool.image()); Memory out = new Memory(capacity)) {
            Chunk chunk = new Chunk(reader, new byte[blockSize], out, capacity);
            while (true) {
                List<BlockRange> task = take();
                if (task == DataWriters.END) {
                    return;
                }
                for (BlockRange r : task) {
                    if (pool.failed()) {
                        break;
                    }
                    try {
                        write(chunk, r, blockSize);
                    } catch (Throwable t) {
                        chunk.discard();
                        pool.fail(t);
                    }
                }
            }
        } catch (Throwable t) {
            pool.fail(t);
            drain();
        }
    }

    private List<BlockRange> take() {
        while (true) {
            try {
                return pool.queue().take();
            } catch (InterruptedException e) {
                pool.fail(new InterruptedIOException("extraction interrupted"));
            }
        }
    }

    /** After a failure outside a task: keep taking until END so the walk never blocks on a full queue. */
    private void drain() {
        while (take() != DataWriters.END) {
            // skip
        }
    }

    private void write(Chunk chunk, BlockRange r, int blockSize) throws IOException {
        OutputFile f = r.file();
        Inode.File inode = f.inode();
        long size = inode.size();
        int[] stored = inode.blockSizes();
        for (int i = r.first(); i < r.end(); i++) {
            if (pool.failed()) {
                return;
            }
            long pos = (long) i * blockSize;
            int len = (int) Math.min(blockSize, size - pos);
            if (stored[i] == 0) {
                chunk.flush(f);
            } else {
                chunk.append(f, pos, len);
            }
        }
        if (r.tail()) {
            long pos = (long) r.end() * blockSize;
            int len = (int) (size - pos);
            if (len > 0) {
                chunk.append(f, pos, len);
            }
        }
        chunk.flush(f);
        pool.progress().advance(r.bytes());
        if (f.rangeWritten()) {
            if (f.sparse()) {
                PosixCalls.truncate(f.fd(), size, f.path());
            }
            pool.attributes().file(f.fd(), f.attributes(), f.path());
            pool.closed(f);
        }
    }

    /** Decoded bytes gathered for one write: {@code length} bytes for file offset {@code start}. */
    private static final class Chunk {
        private final FileReader reader;
        private final byte[] block;
        private final Memory out;
        private final int capacity;
        private long start;
        private int length;

        Chunk(FileReader reader, byte[] block, Memory out, int capacity) {
            this.reader = reader;
            this.block = block;
            this.out = out;
            this.capacity = capacity;
        }

        /** Decodes {@code len} bytes of the file at {@code pos} (one block or the tail) onto the chunk. */
        void append(OutputFile f, long pos, int len) throws IOException {
            if (length > 0 && (start + length != pos || length + len > capacity)) {
                flush(f);
            }
            int n = reader.read(f.inode(), f.path(), pos, block, 0, len);
            if (n != len) {
                throw new CorruptInputException("\"" + f.path() + "\": read " + n + " bytes at byte " + pos + ", expected "
                        + len);
            }
            if (length == 0) {
                start = pos;
            }
            out.write(length, block, 0, len);
            length += len;
        }

        /** Forgets gathered bytes (after a failure), so they can never reach another file. */
        void discard() {
            length = 0;
        }

        void flush(OutputFile f) throws IOException {
            if (length > 0) {
                PosixCalls.writeFully(f.fd(), out, length, start, f.path());
                length = 0;
            }
        }
    }
}
