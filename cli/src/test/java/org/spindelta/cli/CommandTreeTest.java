package org.spindelta.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Building only the named command changes nothing a user sees: help, lists, errors. */
class CommandTreeTest {
    /** The whole tree, as every invocation built it before {@link CommandTree}. */
    private static CommandLine whole() {
        return Main.commandLine(new String[0]);
    }

    @Test
    void topLevelHelpListsEveryCommandInOrder() {
        CliTest.Run r = CliTest.run("--help");
        assertEquals(0, r.code(), r::toString);
        int at = -1;
        List<String> names = new ArrayList<>();
        for (Class<?> c : CommandTree.TOP) {
            names.add(CommandTree.name(c));
        }
        names.add("help");
        for (String name : names) {
            int i = r.out().indexOf("\n  " + name + " ");
            assertTrue(i > at, () -> name + " missing or out of order in:\n" + r.out());
            at = i;
        }
    }

    @ParameterizedTest(name = "{0} --help lists all its subcommands")
    @ValueSource(strings = {"sqfs", "jigdo", "pool"})
    void groupHelpListsAllItsCommands(String group) {
        CliTest.Run r = CliTest.run(group, "--help");
        assertEquals(0, r.code(), r::toString);
        Map<String, CommandLine> subs = whole().getSubcommands().get(group).getSubcommands();
        assertTrue(subs.size() >= 5, subs::toString);
        for (String name : subs.keySet()) {
            assertTrue(r.out().contains("\n  " + name + " "), () -> name + " missing in:\n" + r.out());
        }
    }

    @Test
    void aNamedCommandAloneIsBuiltAndItsHelpIsTheSame() {
        CommandLine partial = Main.commandLine(new String[] {"sqfs", "extract", "a", "b"});
        assertEquals(List.of("sqfs", "help"), List.copyOf(partial.getSubcommands().keySet()));
        CommandLine sqfs = partial.getSubcommands().get("sqfs");
        assertEquals(List.of("extract"), List.copyOf(sqfs.getSubcommands().keySet()));
        String alone = sqfs.getSubcommands().get("extract").getUsageMessage();
        String inWhole = whole().getSubcommands().get("sqfs").getSubcommands().get("extract").getUsageMessage();
        assertEquals(inWhole, alone);
    }

    @Test
    void everyLeafHasTheSameUsageAloneAsInTheWholeTree() {
        CommandLine w = whole();
        for (Map.Entry<String, CommandLine> top : w.getSubcommands().entrySet()) {
            if (top.getKey().equals("help")) {
                continue;
            }
            if (top.getValue().getSubcommands().isEmpty()) {
                CommandLine alone = Main.commandLine(new String[] {top.getKey()}).getSubcommands().get(top.getKey());
                assertEquals(top.getValue().getUsageMessage(), alone.getUsageMessage(), top.getKey());
                continue;
            }
            for (Map.Entry<String, CommandLine> leaf : top.getValue().getSubcommands().entrySet()) {
                CommandLine alone = Main.commandLine(new String[] {top.getKey(), leaf.getKey()}).getSubcommands()
                        .get(top.getKey()).getSubcommands().get(leaf.getKey());
                assertEquals(leaf.getValue().getUsageMessage(), alone.getUsageMessage(),
                        top.getKey() + " " + leaf.getKey());
            }
        }
    }

    @Test
    void aMistypedSubcommandGetsTheUsualUsageError() {
        CliTest.Run r = CliTest.run("sqfs", "extrakt", "a", "b");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("extrakt"), r::toString);
        assertTrue(r.err().contains("extract"), () -> "the suggestion names the real command:\n" + r);
    }

    @Test
    void helpForANestedCommandWorks() {
        CliTest.Run r = CliTest.run("help", "sqfs");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("extract"), r::toString);
    }
}
