package org.spindelta.squashfs.format;

import org.spindelta.core.CorruptInputException;

/**
 * The u16 inode type (format.adoc "Inode Table"): 1..7 basic, 8..14 extended (basic + 7). Directory
 * entries store the basic type of the inode they name.
 */
public enum InodeType {
    DIRECTORY(1, 'd', 0040000),
    FILE(2, '-', 0100000),
    SYMLINK(3, 'l', 0120000),
    BLOCK_DEVICE(4, 'b', 0060000),
    CHAR_DEVICE(5, 'c', 0020000),
    FIFO(6, 'p', 0010000),
    SOCKET(7, 's', 0140000),
    EXT_DIRECTORY(8, 'd', 0040000),
    EXT_FILE(9, '-', 0100000),
    EXT_SYMLINK(10, 'l', 0120000),
    EXT_BLOCK_DEVICE(11, 'b', 0060000),
    EXT_CHAR_DEVICE(12, 'c', 0020000),
    EXT_FIFO(13, 'p', 0010000),
    EXT_SOCKET(14, 's', 0140000);

    /** Basic types are 1..7; extended ones add this. */
    public static final int EXTENDED_OFFSET = 7;

    private static final InodeType[] BY_VALUE = values();

    private final int value;
    private final char lsChar;
    private final int modeBits;

    InodeType(int value, char lsChar, int modeBits) {
        this.value = value;
        this.lsChar = lsChar;
        this.modeBits = modeBits;
    }

    /** The on-disk value, 1..14. */
    public int value() {
        return value;
    }

    /** The basic type's value, 1..7, as directory entries store it. */
    public int basicValue() {
        return value > EXTENDED_OFFSET ? value - EXTENDED_OFFSET : value;
    }

    public boolean extended() {
        return value > EXTENDED_OFFSET;
    }

    /** The character {@code ls -l} shows for this kind of file. */
    public char lsChar() {
        return lsChar;
    }

    /** The S_IFMT bits of this kind of file. */
    public int modeBits() {
        return modeBits;
    }

    /**
     * The type with on-disk value {@code v}.
     *
     * @param where names the field and its position, for the message
     * @throws CorruptInputException if {@code v} is outside 1..14
     */
    public static InodeType of(int v, String where) throws CorruptInputException {
        if (v < 1 || v > BY_VALUE.length) {
            throw new CorruptInputException(where + ": inode type " + v + " outside [1, " + BY_VALUE.length + "]");
        }
        return BY_VALUE[v - 1];
    }
}
