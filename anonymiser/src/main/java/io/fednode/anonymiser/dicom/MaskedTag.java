package io.fednode.anonymiser.dicom;

/**
 * A tag pattern with 'x' digits, as the standard writes repeating groups, e.g. {@code 60xx3000}.
 */
public record MaskedTag<T>(int mask, int value, T payload) {
    public static <T> MaskedTag<T> parse(String pattern, T payload) {
        if (pattern.length() != 8) {
            throw new IllegalArgumentException("tag pattern must have 8 digits: " + pattern);
        }
        int mask = 0;
        int value = 0;
        for (char c : pattern.toCharArray()) {
            mask <<= 4;
            value <<= 4;
            if (c != 'x' && c != 'X') {
                mask |= 0xF;
                value |= Character.digit(c, 16);
            }
        }
        return new MaskedTag<>(mask, value, payload);
    }

    public boolean matches(int tag) {
        return (tag & mask) == value;
    }
}
