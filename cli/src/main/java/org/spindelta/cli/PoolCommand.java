package org.spindelta.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code spindelta pool ...}: a family of images stored as one deduplicated set of chunks. */
@Command(name = "pool", mixinStandardHelpOptions = true,
        description = {"Store many SquashFS images (or ISOs carrying them) as recipes over one deduplicated, "
                + "compressed set of chunks: a directory of static files any HTTP server can publish.",
            "Format: docs/formats/pool.md."})
final class PoolCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
