package io.fednode.operator.training;

import java.util.Arrays;
import java.util.List;

/**
 * Whether an image reference lies inside an entry of a node's {@code compute.allowedImages}, on
 * registry and repository boundaries, never as a string prefix.
 *
 * <p>An image {@code [registry/]path[:tag][@digest]} is compared by its name (tag and digest
 * removed) split at {@code /}: an entry admits it when the entry's components are the first
 * components of the name, each equal. So {@code registry.example.org} admits {@code
 * registry.example.org/x/y:tag} and {@code registry.example.org/x@sha256:…}, but neither {@code
 * registry.example.org.evil.com/x} nor {@code registry.example.orgx/x} nor {@code
 * registry.example.org:5000/x} (another registry); {@code registry.example.org/team} admits {@code
 * registry.example.org/team/x}, not {@code registry.example.org/teamx}. A trailing {@code /} of an
 * entry is ignored. An entry naming a tag or digest itself ({@code repo:1}, {@code repo@sha256:…})
 * admits exactly that reference (and, for a tag, that tag pinned by a digest).
 */
public final class AllowedImages {
    private AllowedImages() {}

    /** Whether any entry admits {@code image}. */
    public static boolean admits(List<String> entries, String image) {
        return entries.stream().anyMatch(e -> admits(e, image));
    }

    /** Whether {@code entry} admits {@code image}. */
    public static boolean admits(String entry, String image) {
        if (entry == null || image == null || entry.isBlank() || !wellFormed(image)) {
            return false;
        }
        String e = entry.strip();
        while (e.endsWith("/")) {
            e = e.substring(0, e.length() - 1);
        }
        if (e.isEmpty()) {
            return false;
        }
        if (e.contains("/") && !name(e).equals(e)) {
            // The entry pins a tag or digest: that reference only (a tag may add its digest).
            return image.equals(e) || (!e.contains("@") && image.startsWith(e + "@"));
        }
        List<String> want = components(e);
        List<String> have = components(name(image));
        return have.size() >= want.size() && have.subList(0, want.size()).equals(want);
    }

    /** The reference without its tag and digest. */
    static String name(String image) {
        int at = image.indexOf('@');
        String withoutDigest = at < 0 ? image : image.substring(0, at);
        int slash = withoutDigest.lastIndexOf('/');
        int colon = withoutDigest.lastIndexOf(':');
        // A colon after the last slash starts the tag; one before it is a registry's port.
        return colon > slash ? withoutDigest.substring(0, colon) : withoutDigest;
    }

    private static List<String> components(String name) {
        return Arrays.asList(name.split("/", -1));
    }

    /**
     * No empty, {@code .} or {@code ..} path component, so that component equality means what it
     * says (the CRD already restricts the characters).
     */
    static boolean wellFormed(String image) {
        String name = name(image);
        if (name.isEmpty()) {
            return false;
        }
        return components(name).stream()
                .noneMatch(c -> c.isEmpty() || c.equals(".") || c.equals(".."));
    }
}
