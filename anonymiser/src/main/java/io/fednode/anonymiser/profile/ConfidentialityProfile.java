package io.fednode.anonymiser.profile;

import io.fednode.anonymiser.dicom.DataDictionary;
import io.fednode.anonymiser.dicom.Tags;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The Basic Application Level Confidentiality Profile with a set of options: decides the action for
 * every attribute.
 *
 * <ul>
 *   <li>Attributes listed in Table E.1-1: the table's action, with the options applied.
 *   <li>Private attributes: removed ({@link #actionFor} says so). With {@code retain-safe-private}
 *       the de-identifier keeps those the standard lists as safe (PS3.15 Table E.3.10-1, see {@link
 *       #safePrivate()}): an element of an odd group whose block's Private Creator and element byte
 *       match a row, plus the creators of the blocks it keeps.
 *   <li>Other attributes: kept when they are current (non-retired) attributes of the data
 *       dictionary, i.e. belong to the standard's modules; retired and unknown attributes are
 *       removed.
 * </ul>
 */
public final class ConfidentialityProfile {
    private final AnnexETable table;
    private final DataDictionary dictionary;
    private final Set<ProfileOption> options;
    private final SafePrivateTable safePrivate;

    /**
     * The action of each standard tag met so far: the options are fixed for the profile's life, so
     * the table row, masks and dictionary are consulted once per tag, not once per element. Bounded
     * (the standard has about 5,000 attributes; a file full of unknown tags cannot grow it
     * further).
     */
    private static final int MAX_CACHED_ACTIONS = 16_384;

    private final java.util.concurrent.ConcurrentHashMap<Integer, Action> actions =
            new java.util.concurrent.ConcurrentHashMap<>();

    public ConfidentialityProfile(
            AnnexETable table, DataDictionary dictionary, Set<ProfileOption> options) {
        this(table, SafePrivateTable.standard(), dictionary, options);
    }

    public ConfidentialityProfile(
            AnnexETable table,
            SafePrivateTable safePrivate,
            DataDictionary dictionary,
            Set<ProfileOption> options) {
        if (options.contains(ProfileOption.RETAIN_LONGITUDINAL_FULL_DATES)
                && options.contains(ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
            throw new IllegalArgumentException(
                    "retain-longitudinal-full-dates and retain-longitudinal-modified-dates"
                            + " exclude each other");
        }
        this.table = table;
        this.dictionary = dictionary;
        this.safePrivate = options.contains(ProfileOption.RETAIN_SAFE_PRIVATE) ? safePrivate : null;
        this.options =
                options.isEmpty()
                        ? Collections.unmodifiableSet(EnumSet.noneOf(ProfileOption.class))
                        : Collections.unmodifiableSet(EnumSet.copyOf(options));
    }

    public static ConfidentialityProfile basic(Set<ProfileOption> options) {
        return new ConfidentialityProfile(
                AnnexETable.standard(), DataDictionary.standard(), options);
    }

    public Set<ProfileOption> options() {
        return options;
    }

    public boolean has(ProfileOption option) {
        return options.contains(option);
    }

    public AnnexETable table() {
        return table;
    }

    /**
     * The safe private attributes to keep, or null when the Retain Safe Private option is not used
     * (then every private attribute is removed).
     */
    public SafePrivateTable safePrivate() {
        return safePrivate;
    }

    public DataDictionary dictionary() {
        return dictionary;
    }

    public Action actionFor(int tag) {
        if (Tags.isPrivate(tag)) {
            // Safe private attributes depend on their block's creator, which a tag alone does not
            // tell: the de-identifier decides them with safePrivate() before asking here.
            return Action.REMOVE;
        }
        Action cached = actions.get(tag);
        if (cached != null) {
            return cached;
        }
        Action action = resolve(tag);
        if (actions.size() < MAX_CACHED_ACTIONS) {
            actions.put(tag, action);
        }
        return action;
    }

    private Action resolve(int tag) {
        AnnexETable.Row row = table.lookup(tag);
        if (row != null) {
            return row.resolve(options);
        }
        DataDictionary.Entry e = dictionary.lookup(tag);
        return e == null || e.retired() ? Action.REMOVE : Action.KEEP;
    }
}
