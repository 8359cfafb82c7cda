package org.spindelta.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.spindelta.core.ByteSize;
import org.spindelta.jigdo.format.ChecksumKind;
import org.spindelta.jigdo.make.BaseTemplate;
import org.spindelta.jigdo.make.MakeTemplate;
import org.spindelta.jigdo.make.ScanTemplate;
import org.spindelta.jigdo.match.ChecksumList;
import org.spindelta.jigdo.match.LabelDirectory;
import org.spindelta.jigdo.template.TemplateOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code spindelta jigdo make-template IMAGE --label NAME=DIR ... --jigdo OUT --template OUT}: the options
 * jigdo-file and JTE users know, wired to {@link MakeTemplate}.
 */
@Command(name = "make-template", mixinStandardHelpOptions = true,
        description = {"Make a .jigdo and .template for an image whose files are found below the --label "
                + "directories. For an ISO 9660 image the image's own directory tree says where each file lies, so "
                + "nothing is scanned byte by byte; any other image (or with --scan) is scanned at every offset "
                + "with jigdo's rolling rsync64 sum, on all cores, keeping the longest verified matches. With --base, for a SquashFS spin "
                + "whose parts are byte ranges of its base image.",
            "Files are matched by size and checksum (MD5, or SHA-256 with --checksum sha256); --checksum-list "
                    + "files (md5sum/sha256sum or JTE style) spare reading them."})
final class JigdoMakeTemplateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "IMAGE")
    Path image;

    @Option(names = "--label", paramLabel = "NAME=DIR",
            description = "Files below DIR are candidates, named NAME:path in the .jigdo (repeatable; needed "
                    + "unless --base).")
    List<String> labels = new ArrayList<>();

    @Option(names = "--base", paramLabel = "BASE_IMAGE",
            description = "IMAGE is a SquashFS spin (or a file carrying one) of BASE_IMAGE: its parts are byte "
                    + "ranges of BASE_IMAGE, labelled " + BaseTemplate.LABEL + " (default server: BASE_IMAGE's "
                    + "directory), which make-image reads straight from it.")
    Path base;

    @Option(names = "--uri", paramLabel = "NAME=URI",
            description = "Where clients fetch NAME's files, written to [Servers] (repeatable; default: DIR as a "
                    + "file: URI).")
    List<String> uris = new ArrayList<>();

    @Option(names = "--jigdo", paramLabel = "FILE", required = true, description = "The .jigdo file to write.")
    Path jigdo;

    @Option(names = "--template", paramLabel = "FILE", required = true, description = "The .template to write.")
    Path template;

    @Option(names = "--checksum", paramLabel = "md5|sha256", defaultValue = "md5",
            description = "md5 (format 1.2, what Debian publishes; default) or sha256 (format 2.0).")
    String checksum;

    @Option(names = {"--min-length", "--min-size"}, paramLabel = "BYTES", defaultValue = "1024",
            description = "Smallest file matched (default: ${DEFAULT-VALUE}).")
    long minSize;

    @Option(names = "--exclude", paramLabel = "GLOB",
            description = "Never match candidates whose path below their DIR matches GLOB (repeatable).")
    List<String> excludes = new ArrayList<>();

    @Option(names = {"--checksum-list", "--md5-list"}, paramLabel = "FILE",
            description = "Known checksums: md5sum/sha256sum output or JTE's \"hex  size  path\" (repeatable).")
    List<Path> lists = new ArrayList<>();

    @Option(names = "--gzip", description = "Write the .jigdo gzip-compressed, as Debian publishes it.")
    boolean gzip;

    @Option(names = "--short-info", paramLabel = "TEXT", description = "The .jigdo's ShortInfo.")
    String shortInfo;

    @Option(names = "--info", paramLabel = "TEXT", description = "The .jigdo's Info.")
    String info;

    @Option(names = "--scan", description = "Scan every offset with jigdo's rolling rsync64 sum, as jigdo-file does, "
            + "even for an ISO 9660 image (the default for any other image).")
    boolean scan;

    @Option(names = "--threads", paramLabel = "N", description = "Threads scanning the image and checksumming "
            + "candidates (default: all cores).")
    Integer threads;

    /** "spindelta/VERSION" as the template header's creator, like "jigdo-file/0.8.0". */
    static String creator() {
        String v = JigdoMakeTemplateCommand.class.getPackage().getImplementationVersion();
        return "spindelta" + (v == null ? "" : "/" + v);
    }

    /** The template checksum {@code --checksum} names: md5 (format 1.2) or sha256 (format 2.0). */
    static ChecksumKind checksumKind(CommandSpec spec, String checksum) {
        return switch (checksum.toLowerCase(Locale.ROOT)) {
            case "md5" -> ChecksumKind.MD5;
            case "sha256" -> ChecksumKind.SHA256;
            default -> throw new ParameterException(spec.commandLine(), "--checksum is md5 or sha256, not " + checksum);
        };
    }

    @Override
    public Integer call() throws Exception {
        if (labels.isEmpty() && base == null) {
            throw new ParameterException(spec.commandLine(), "give candidate directories with --label NAME=DIR, "
                    + "or a base image with --base");
        }
        List<LabelDirectory> dirs = new ArrayList<>();
        try {
            for (String l : labels) {
                dirs.add(LabelDirectory.parse(l));
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Map<String, List<String>> servers = new LinkedHashMap<>();
        for (String u : uris) {
            int eq = u.indexOf('=');
            if (eq <= 0 || eq == u.length() - 1) {
                throw new ParameterException(spec.commandLine(), "--uri wants NAME=URI, got \"" + u + "\"");
            }
            servers.computeIfAbsent(u.substring(0, eq), k -> new ArrayList<>()).add(u.substring(eq + 1));
        }
        ChecksumKind kind = checksumKind(spec, checksum);
        if (minSize < 1) {
            throw new ParameterException(spec.commandLine(), "--min-length must be at least 1");
        }
        MakeTemplate.Options o = new MakeTemplate.Options(dirs, servers, minSize, excludes,
                lists.isEmpty() ? ChecksumList.empty() : ChecksumList.read(lists),
                TemplateOptions.of(kind).withCreator(creator()), gzip,
                Optional.ofNullable(shortInfo), Optional.ofNullable(info),
                threads != null ? threads : Runtime.getRuntime().availableProcessors());
        long t0 = System.nanoTime();
        if (base != null) {
            BaseTemplate.Result r = common.withProgress(p -> BaseTemplate.make(image, base, jigdo, template, o, p));
            if (!common.quiet) {
                spec.commandLine().getOut().printf(Locale.ROOT,
                        "template: %s (%d bytes) for a %s image; %s of it in %d parts from the base image (%d of %d "
                                + "chunks), %s kept in the template, in %.1f s%n",
                        ByteSize.format(r.summary().templateLength()), r.summary().templateLength(),
                        ByteSize.format(r.summary().imageLength()), ByteSize.format(r.baseBytes()), r.parts(),
                        r.fromBase(), r.chunks(), ByteSize.format(r.summary().unmatchedBytes()),
                        (System.nanoTime() - t0) / 1e9);
            }
            return 0;
        }
        if (scan) {
            ScanTemplate.Result r = common.withProgress(p -> ScanTemplate.make(image, jigdo, template, o, p));
            if (!common.quiet) {
                spec.commandLine().getOut().printf(Locale.ROOT,
                        "template: %s (%d bytes) for a %s image scanned at every offset; %d matches of %d of %d "
                                + "candidates (%d verified places, %d comparisons), %s kept in the template, in %.1f s%n",
                        ByteSize.format(r.summary().templateLength()), r.summary().templateLength(),
                        ByteSize.format(r.summary().imageLength()), r.matches(), r.files(), r.candidates(), r.found(),
                        r.verifications(), ByteSize.format(r.summary().unmatchedBytes()), (System.nanoTime() - t0) / 1e9);
            }
            return 0;
        }
        MakeTemplate.Result r = common.withProgress(p -> MakeTemplate.make(image, jigdo, template, o, p));
        if (!common.quiet && r.files() < 0) {
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "template: %s (%d bytes) for a %s image (not ISO 9660) scanned at every offset; %d matches "
                            + "(%d candidates), %s kept in the template, in %.1f s%n",
                    ByteSize.format(r.summary().templateLength()), r.summary().templateLength(),
                    ByteSize.format(r.summary().imageLength()), r.matched(), r.candidates(),
                    ByteSize.format(r.summary().unmatchedBytes()), (System.nanoTime() - t0) / 1e9);
        } else if (!common.quiet) {
            spec.commandLine().getOut().printf(Locale.ROOT,
                    "template: %s (%d bytes) for a %s image; %d of %d files matched (%d candidates%s), %s kept "
                            + "in the template, in %.1f s%n",
                    ByteSize.format(r.summary().templateLength()), r.summary().templateLength(),
                    ByteSize.format(r.summary().imageLength()), r.matched(), r.files(), r.candidates(),
                    r.changed() > 0 ? ", " + r.changed() + " whose bytes differ from every candidate" : "",
                    ByteSize.format(r.summary().unmatchedBytes()), (System.nanoTime() - t0) / 1e9);
        }
        return 0;
    }
}
