package org.spindelta.squashfs.extract;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.spindelta.core.CorruptInputException;
import org.spindelta.core.Progress;
import org.spindelta.core.SpindeltaException;
import org.spindelta.squashfs.format.Inode;
import org.spindelta.squashfs.format.InodeType;
import org.spindelta.squashfs.read.SquashfsImage;
import org.spindelta.squashfs.read.SquashfsTree;

/**
 * Extracts an image (or the subtrees named by {@link ExtractOptions#paths()}) into a new directory, as
 * {@code unsquashfs -d DIR IMAGE [PATH...]} does, safely and on all cores.
 *
 * <p>Safety (reference doc §6 item 11; CVE-2021-40153, CVE-2021-41072): every name is checked to be one
 * plain component; every entry is created relative to its directory's descriptor, opened component by
 * component without following symlinks ({@link DirectoryChain}); creation fails if the name exists in any
 * form (a duplicate entry, or a symlink planted by an earlier one); attributes are set through
 * descriptors or without following. Nothing is written outside the temporary directory beside DIR,
 * which becomes DIR only when everything succeeded ({@link StagedDirectory}); on any error it is deleted.
 *
 * <p>Order: the walk runs on the calling thread (the tree is not thread-safe), creating directories,
 * symlinks, device nodes, fifos and sockets and creating each regular file, whose blocks
 * {@link DataWriters} decode and write on {@code threads} threads. Then hard links (same inode number
 * seen again: a link to the first path), then each directory's mode and times, children before parents,
 * so that a read-only directory can still be filled and every directory keeps its mtime.
 *
 * <p>Memory: a few blocks per thread plus the walk's per-directory state; never the file contents.
 */
public final class TreeExtractor {
    private TreeExtractor() {}

    /**
     * Extracts {@code image} into {@code dir}, which must not exist or be an empty directory.
     *
     * @param progress told the total size of the selected regular files, then the bytes written
     * @return what was created and what was left out
     * @throws SpindeltaException if DIR exists and is not an empty directory, its parent does not exist, a
     *     PATH is missing, or extraction cannot run on this platform (before anything is written)
     * @throws CorruptInputException if the image is corrupt, or a name is not one plain component
     * @throws PosixCallException if creating a file or setting an attribute fails (names the path)
     */
    public static ExtractSummary extract(Path image, Path dir, ExtractOptions options, Progress progress)
            throws IOException {
        PosixCalls.requireSupported();
        StagedDirectory.check(dir);
        try (SquashfsImage img = SquashfsImage.open(image)) {
            return extract(img, dir, options, progress);
        }
    }

    /** As {@link #extract(Path, Path, ExtractOptions, Progress)}, from an open image (which stays open). */
    public static ExtractSummary extract(SquashfsImage image, Path dir, ExtractOptions options, Progress progress)
            throws IOException {
        PosixCalls.requireSupported();
        StagedDirectory.check(dir);
        boolean privileged = options.privileged().orElseGet(PosixCalls::isRoot);
        try (SquashfsTree tree = SquashfsTree.open(image)) {
            Selection selection = Selection.of(tree, options.paths());
            if (progress != Progress.NONE) {
                progress.start("extract", totalBytes(tree, selection));
            }
            try (StagedDirectory staged = StagedDirectory.create(dir)) {
                ExtractSummary summary = new Extraction(tree, staged, new AttributeWriter(privileged), options.threads(),
                        progress).run(selection);
                staged.commit();
                return summary;
            }
        }
    }

    /** The size of the selected regular files (hard links once), for the progress bar. */
    private static long totalBytes(SquashfsTree tree, Selection selection) throws IOException {
        long[] total = {0};
        Map<Long, Boolean> linked = new HashMap<>();
        TreeWalk.walk(tree, selection, new TreeWalk.Visitor<Void>() {
            @Override
            public Void directory(Void parent, byte[] name, String path, Inode.Directory dir) {
                return null;
            }

            @Override
            public void entry(Void parent, byte[] name, String path, Inode inode) {
                if (inode instanceof Inode.File f && f.size() > 0
                        && (f.nlink() <= 1 || linked.put(f.header().inodeNumber(), Boolean.TRUE) == null)) {
                    total[0] = total[0] + f.size() < 0 ? Long.MAX_VALUE : total[0] + f.size();
                }
            }
        });
        return total[0];
    }

    /** The first path extracted for an inode with more than one link. */
    private record LinkSource(OutputDirectory dir, byte[] name, boolean created) {
    }

    /** A hard link to make once every file is complete. */
    private record PendingLink(LinkSource source, OutputDirectory dir, byte[] name, String path) {
    }

    /** One extraction: the walk's visitor, then the links and directory attributes. */
    private static final class Extraction implements TreeWalk.Visitor<OutputDirectory> {
        private final SquashfsTree tree;
        private final StagedDirectory staged;
        private final AttributeWriter attributes;
        private final int threads;
        private final Progress progress;
        private final List<OutputDirectory> directories = new ArrayList<>();
        private final Map<Long, LinkSource> linkSources = new HashMap<>();
        private final List<PendingLink> links = new ArrayList<>();
        private DataWriters writers;
        private DirectoryChain chain;
        private long files;
        private long bytes;
        private long symlinks;
        private long devices;
        private long fifos;
        private long sockets;
        private long devicesSkipped;
        private long linksSkipped;

        Extraction(SquashfsTree tree, StagedDirectory staged, AttributeWriter attributes, int threads,
                Progress progress) {
            this.tree = tree;
            this.staged = staged;
            this.attributes = attributes;
            this.threads = threads;
            this.progress = progress;
        }

        ExtractSummary run(Selection selection) throws IOException {
            try (DataWriters w = new DataWriters(tree.image(), threads, attributes, progress);
                    DirectoryChain c = new DirectoryChain(staged.rootFd());
                    DirectoryChain sources = new DirectoryChain(staged.rootFd())) {
                writers = w;
                chain = c;
                TreeWalk.walk(tree, selection, this);
                writers.finish();
                for (PendingLink l : links) {
                    int from = sources.fd(l.source().dir());
                    PosixCalls.link(from, l.source().name(), chain.fd(l.dir()), l.name(), l.path());
                }
                // reverse walk order: every directory after everything below it
                for (int i = directories.size() - 1; i >= 0; i--) {
                    OutputDirectory d = directories.get(i);
                    attributes.directoryFilled(chain.fd(d), d.attributes(), d.path().isEmpty() ? "/" : d.path());
                }
            }
            List<String> notes = new ArrayList<>();
            if (devicesSkipped > 0) {
                notes.add("skipped " + devicesSkipped + " device nodes (not running as root)");
            }
            if (linksSkipped > 0) {
                notes.add("skipped " + linksSkipped + " hard links to skipped device nodes");
            }
            notes.addAll(attributes.notes());
            return new ExtractSummary(files, bytes, directories.size() - 1, symlinks, links.size(), devices, fifos,
                    sockets, notes);
        }

        @Override
        public OutputDirectory directory(OutputDirectory parent, byte[] name, String path, Inode.Directory dir)
                throws IOException {
            writers.checkFailure();
            Attributes a = Attributes.of(tree, dir);
            OutputDirectory d;
            int fd;
            if (parent == null) {
                d = OutputDirectory.root(a);
                fd = staged.rootFd();
            } else {
                PosixCalls.makeDirectory(chain.fd(parent), name, path);
                d = parent.child(name, path, a);
                fd = chain.fd(d);
            }
            attributes.directoryCreated(fd, a, path.isEmpty() ? "/" : path);
            directories.add(d);
            return d;
        }

        @Override
        public void entry(OutputDirectory parent, byte[] name, String path, Inode inode) throws IOException {
            writers.checkFailure();
            Long inodeNumber = null;
            if (inode.nlink() > 1) {
                inodeNumber = inode.header().inodeNumber();
                LinkSource first = linkSources.get(inodeNumber);
                if (first != null) {
                    if (first.created()) {
                        links.add(new PendingLink(first, parent, name, path));
                    } else {
                        linksSkipped++;
                    }
                    return;
                }
            }
            int dirfd = chain.fd(parent);
            Attributes a = Attributes.of(tree, inode);
            boolean created = true;
            if (inode instanceof Inode.File f) {
                writers.add(dirfd, name, path, f, a);
                files++;
                bytes += f.size();
            } else if (inode instanceof Inode.Symlink s) {
                for (byte b : s.target()) {
                    if (b == 0) {
                        throw new CorruptInputException("symlink \"" + path + "\" (inode " + inode.header().inodeNumber()
                                + "): its target contains NUL");
                    }
                }
                PosixCalls.symlink(s.target(), dirfd, name, path);
                attributes.symlink(dirfd, name, a, path);
                symlinks++;
            } else if (inode instanceof Inode.Device d) {
                if (attributes.privileged()) {
                    boolean chr = d.type() == InodeType.CHAR_DEVICE || d.type() == InodeType.EXT_CHAR_DEVICE;
                    makeNode(dirfd, name, path, chr ? Libc.S_IFCHR : Libc.S_IFBLK, deviceNumber(d.rdev()), a);
                    devices++;
                } else {
                    devicesSkipped++;
                    created = false;
                }
            } else if (inode instanceof Inode.Ipc) {
                boolean fifo = inode.type() == InodeType.FIFO || inode.type() == InodeType.EXT_FIFO;
                makeNode(dirfd, name, path, fifo ? Libc.S_IFIFO : Libc.S_IFSOCK, 0, a);
                if (fifo) {
                    fifos++;
                } else {
                    sockets++;
                }
            } else {
                throw new IllegalStateException("the walk hands directories to directory(): " + path);
            }
            if (inodeNumber != null) {
                linkSources.put(inodeNumber, new LinkSource(parent, name, created));
            }
        }

        private void makeNode(int dirfd, byte[] name, String path, int type, long dev, Attributes a)
                throws IOException {
            PosixCalls.makeNode(dirfd, name, type | PosixCalls.PRIVATE_FILE_MODE, dev, path);
            attributes.node(dirfd, name, a, path);
        }
    }

    /**
     * glibc's dev_t for SquashFS's device number, which the kernel's new_encode_dev packs as minor bits
     * 0-7, major bits 8-19, minor bits 8-19 at 20-31 (unsquashfs decodes it the same way).
     */
    static long deviceNumber(long rdev) {
        long major = (rdev & 0xFFF00L) >>> 8;
        long minor = (rdev & 0xFFL) | ((rdev >>> 12) & 0xFFF00L);
        return (major & 0xFFFFF000L) << 32 | (major & 0xFFFL) << 8 | (minor & 0xFFFFFF00L) << 12 | (minor & 0xFFL);
    }
}
