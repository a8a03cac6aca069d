package io.fednode.anonymiser;

/**
 * What the rewrite does with one element, as {@link ActionResolver} decides it from the PS3.15
 * action, the element's VR and layout, and the profile's options. The constants that read the value
 * into memory ({@link #readsValue()}) hand it to {@link ValueTransforms#apply}.
 */
enum Treatment {
    /** Skip the value, write nothing (action X; structural elements; retired and unknown tags). */
    DROP(false),
    /** Skip the value, write the element with a zero-length value (action Z; empty sequence). */
    EMPTY(false),
    /** Skip the value, write a dummy valid for the VR (action D on a plain value). */
    DUMMY(false),
    /** Rewrite the sequence item by item with the same rules (K, C, U on a sequence). */
    SEQUENCE(false),
    /** Copy encapsulated pixel data fragment by fragment. */
    FRAGMENTS(false),
    /** Copy the value as it is, streamed through a bounded buffer. */
    COPY(false),
    /** A private element with Retain Safe Private: decided by {@link SafePrivateRetention}. */
    SAFE_PRIVATE(false),
    /** Every UID replaced by its keyed UID (action U, D or C on a UI value). */
    REPLACE_UIDS(true),
    /** UIDs replaced except standard ones (1.2.840.10008...): kept UI values outside the table. */
    REPLACE_NON_STANDARD_UIDS(true),
    /** Kept SOP/class UIDs outside the table: read (so bounded) and written unchanged. */
    KEEP_CLASS_UIDS(true),
    /** Action C on DA/DT: dates shifted with retain-longitudinal-modified-dates, else emptied. */
    CLEAN_DATES(true),
    /** Action C on text, and free text outside the table: emptied when it holds a file's word. */
    CLEAN_TEXT(true);

    private final boolean readsValue;

    Treatment(boolean readsValue) {
        this.readsValue = readsValue;
    }

    /** Whether the value is read into memory (at most 1 MiB) and transformed. */
    boolean readsValue() {
        return readsValue;
    }
}
