package org.spindelta.cli;

import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The subcommands of {@code spindelta}, and the command line built from them for one invocation.
 *
 * <p>picocli builds a command's model by reflection when the command is added, and on a cold JVM that
 * costs about 13 ms per command beyond a fixed ~0.3 s (measured: the whole tree of 21 commands 0.60 s,
 * {@code sqfs extract} alone 0.34 s). Short commands such as {@code sqfs extract} of a small image
 * are dominated by it, so only the command an invocation names is added: {@code spindelta sqfs extract
 * ...} builds the root, {@code sqfs} and {@code extract}. Whenever the words do not name one command
 * (no words, an option first, {@code help}, a mistyped name) the whole tree is built, so usage help,
 * the command list and picocli's "did you mean" suggestions are exactly what they would be otherwise.
 */
final class CommandTree {
    /** Top-level subcommands, in the order usage help lists them ({@code help} comes last). */
    static final List<Class<?>> TOP = List.of(DiffCommand.class, ApplyCommand.class, ExplainCommand.class,
            BsdiffCommand.class, BspatchCommand.class, SqfsCommand.class, JigdoCommand.class, PoolCommand.class);

    /** The subcommands of each group in {@link #TOP}, in usage order. */
    static final Map<Class<?>, List<Class<?>>> GROUPS = Map.of(
            SqfsCommand.class, List.of(SqfsInfoCommand.class, SqfsLsCommand.class, SqfsCatCommand.class,
                    SqfsChunksCommand.class, SqfsExtractCommand.class),
            JigdoCommand.class, List.of(JigdoMakeTemplateCommand.class, JigdoMakeImageCommand.class,
                    JigdoVerifyCommand.class, JigdoLsCommand.class, JigdoServeCommand.class, JigdoGetCommand.class),
            PoolCommand.class, List.of(PoolAddCommand.class, PoolGetCommand.class, PoolLsCommand.class,
                    PoolStatsCommand.class, PoolRmCommand.class, PoolGcCommand.class, PoolVerifyCommand.class,
                    PoolExportCommand.class));

    private CommandTree() {}

    /** The command line for {@code args}: the root with the named command only, or everything. */
    static CommandLine forArgs(String[] args) {
        CommandLine root = new CommandLine(new SpindeltaCommand());
        Class<?> top = named(TOP, args, 0);
        for (Class<?> c : top == null ? TOP : List.of(top)) {
            root.addSubcommand(group(c, top == null ? null : args));
        }
        root.addSubcommand(new HelpCommand());
        return root;
    }

    /** {@code c}, with its own subcommands if it is a group: only the one {@code args[1]} names, if any. */
    private static Object group(Class<?> c, String[] args) {
        List<Class<?>> children = GROUPS.get(c);
        if (children == null) {
            return c;
        }
        CommandLine group = new CommandLine(c);
        Class<?> child = args == null ? null : named(children, args, 1);
        for (Class<?> k : child == null ? children : List.of(child)) {
            group.addSubcommand(k);
        }
        return group;
    }

    /** The class among {@code candidates} whose command name is {@code args[i]}, or null. */
    private static Class<?> named(List<Class<?>> candidates, String[] args, int i) {
        if (args.length <= i) {
            return null;
        }
        for (Class<?> c : candidates) {
            if (name(c).equals(args[i])) {
                return c;
            }
        }
        return null;
    }

    static String name(Class<?> c) {
        return c.getAnnotation(Command.class).name();
    }
}
