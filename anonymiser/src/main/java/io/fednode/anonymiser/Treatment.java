package io.fednode.anonymiser;

/**
 * What the rewrite does with one element, as {@link ActionResolver} decides it from the PS3.15
 * action, the element's VR and layout, and the profile's options. The constants after {@link
 * #SAFE_PRIVATE} read the value into memory (at most 1 MiB) and write what {@link
 * ValueTransforms#apply} makes of it.
 */
enum Treatment {
    /** Skip the value, write nothing (action X; structural elements; retired and unknown tags). */
    DROP,
    /** Skip the value, write the element with a zero-length value (action Z; empty sequence). */
    EMPTY,
    /** Skip the value, write a dummy valid for the VR (action D on a plain value). */
    DUMMY,
    /** Rewrite the sequence item by item with the same rules (K, C, U on a sequence). */
    SEQUENCE,
    /** Copy encapsulated pixel data fragment by fragment. */
    FRAGMENTS,
    /** Copy the value as it is, streamed through a bounded buffer. */
    COPY,
    /** A private element with Retain Safe Private: decided by {@link SafePrivateRetention}. */
    SAFE_PRIVATE,
    /** Every UID replaced by its keyed UID (action U, D or C on a UI value). */
    REPLACE_UIDS,
    /** UIDs replaced except standard ones (1.2.840.10008...): kept UI values outside the table. */
    REPLACE_NON_STANDARD_UIDS,
    /** Kept SOP/class UIDs outside the table: read (so bounded) and written unchanged. */
    KEEP_CLASS_UIDS,
    /** Action C on DA/DT: dates shifted with retain-longitudinal-modified-dates, else emptied. */
    CLEAN_DATES,
    /** Action C on text, and free text outside the table: emptied when it holds a file's word. */
    CLEAN_TEXT
}
