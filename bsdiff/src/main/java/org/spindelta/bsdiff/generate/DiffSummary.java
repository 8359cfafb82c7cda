package org.spindelta.bsdiff.generate;

import java.util.List;
import org.spindelta.bsdiff.format.PatchFormat;
import org.spindelta.core.ByteSize;

/**
 * What a diff did: the memory plan, the windows, and how NEW was covered (diffed against OLD vs
 * shipped as literal extra bytes). Printable.
 */
public record DiffSummary(PatchFormat format, MemoryPlan memoryPlan, List<WindowPlan> windows, long oldSize,
        long newSize, long patchSize, long records, long diffBytes, long extraBytes) {

    @Override
    public String toString() {
        return String.format("%s patch: %s for %s -> %s (%s diffed, %s literal, %d control records); %s",
                format.cliName(), ByteSize.format(patchSize), ByteSize.format(oldSize), ByteSize.format(newSize),
                ByteSize.format(diffBytes), ByteSize.format(extraBytes), records, memoryPlan);
    }
}
