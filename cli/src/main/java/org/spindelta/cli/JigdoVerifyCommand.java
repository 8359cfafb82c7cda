package org.spindelta.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.spindelta.core.Sha256;
import org.spindelta.jigdo.rebuild.MakeImage;
import org.spindelta.jigdo.rebuild.RebuildInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code spindelta jigdo verify IMAGE TEMPLATE}: the image's length and checksum against the template's. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check that IMAGE has the length and checksum (MD5 or SHA-256) the template records; exit 1 if not.")
final class JigdoVerifyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(index = "0", paramLabel = "IMAGE")
    Path image;

    @Parameters(index = "1", paramLabel = "TEMPLATE", description = "A .template file, or a .jigdo file naming one.")
    Path template;

    @Override
    public Integer call() throws Exception {
        try (RebuildInput in = RebuildInput.open(template, Optional.empty())) {
            byte[] sum = common.withProgress(p -> MakeImage.verify(image, in.template(), p));
            if (!common.quiet) {
                spec.commandLine().getOut().println("OK: " + image + " matches the template ("
                        + in.template().checksumKind().label() + " " + Sha256.hex(sum) + ")");
                spec.commandLine().getOut().flush();
            }
        }
        return 0;
    }
}
