package org.spindelta.squashfs.extract;

/**
 * Consecutive data blocks of one file, {@code [first, end)}, plus its fragment tail when {@code tail}:
 * the unit of work of the writer threads. A large file is cut into several, so that one big file also
 * keeps every core busy; an empty file is one range with no blocks.
 *
 * @param bytes the file bytes the range covers, holes included
 */
record BlockRange(OutputFile file, int first, int end, boolean tail, long bytes) {
}
