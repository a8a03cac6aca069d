package io.fednode.anonymiser;

import io.fednode.anonymiser.dicom.BufferedSink;
import io.fednode.anonymiser.dicom.DataDictionary;
import io.fednode.anonymiser.dicom.DicomFormatException;
import io.fednode.anonymiser.dicom.DicomInput;
import io.fednode.anonymiser.dicom.DicomOutput;
import io.fednode.anonymiser.profile.ConfidentialityProfile;
import io.fednode.anonymiser.profile.ProfileOption;
import io.fednode.anonymiser.pseudonym.Pseudonymiser;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * De-identifies one DICOM file in two streaming passes. The first ({@link FactScanner}) reads only
 * the top-level values decisions depend on and skips everything else; {@link #plan} decides from
 * them whether and where the file may be written. The second ({@link StreamingRewrite}) rewrites
 * the header attributes and copies pixel data and other kept large values through a bounded buffer.
 * The output keeps the input's transfer syntax.
 *
 * <p>The parts of the rewrite, each with one job: {@link ActionResolver} (which treatment an
 * element gets: a pure function of tag, VR, layout and profile), {@link ValueTransforms} (the value
 * rewritten, pure), {@link SafePrivateRetention} (which private elements Retain Safe Private keeps,
 * and holding them until their creators can be written), {@link InsertedAttributes} (what fednode
 * writes of its own) and {@link StreamingRewrite} (the loop over the elements that ties them
 * together).
 */
public final class FileAnonymiser {
    private final ConfidentialityProfile profile;
    private final Pseudonymiser pseudonymiser;
    private final DataDictionary dictionary;
    private final FactScanner scanner;
    private final ActionResolver resolver;
    private final InsertedAttributes inserted;

    public FileAnonymiser(ConfidentialityProfile profile, Pseudonymiser pseudonymiser) {
        this.profile = profile;
        this.pseudonymiser = pseudonymiser;
        this.dictionary = profile.dictionary();
        this.scanner = new FactScanner(dictionary);
        this.resolver = new ActionResolver(profile);
        this.inserted = new InsertedAttributes(profile);
    }

    /** Result of a successful de-identification: where the output belongs and its UIDs. */
    public record Plan(FileFacts facts, Path relativeOutput) {}

    /** First pass: reads the facts and decides whether and where the file may be written. */
    public Plan plan(Path input) throws IOException, DicomFormatException, QuarantineException {
        try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ)) {
            return plan(in);
        }
    }

    /** First pass over an open file (read from position 0; the position is left anywhere). */
    public Plan plan(FileChannel input)
            throws IOException, DicomFormatException, QuarantineException {
        input.position(0);
        FileFacts facts = scanner.scan(new DicomInput(input));
        if (facts.burnedInAnnotation() != null
                && !facts.burnedInAnnotation().equalsIgnoreCase("NO")) {
            throw new QuarantineException(
                    QuarantineException.BURNED_IN_ANNOTATION,
                    "Burned In Annotation is '" + facts.burnedInAnnotation() + "'");
        }
        if (empty(facts.sopClassUid())
                || empty(facts.sopInstanceUid())
                || empty(facts.studyInstanceUid())
                || empty(facts.seriesInstanceUid())) {
            throw new QuarantineException(
                    QuarantineException.MISSING_UID,
                    "SOP Class, SOP Instance, Study Instance and Series Instance UID are required");
        }
        Path rel =
                Path.of(
                        pathUid("Study Instance UID", facts.studyInstanceUid()),
                        pathUid("Series Instance UID", facts.seriesInstanceUid()),
                        pathUid("SOP Instance UID", facts.sopInstanceUid()) + ".dcm");
        return new Plan(facts, rel);
    }

    /** Second pass: writes the de-identified file to {@code out}. */
    public void write(Path input, Plan plan, OutputStream out)
            throws IOException, DicomFormatException {
        try (InputStream raw = new FileInputStream(input.toFile())) {
            rewrite(plan.facts()).run(new DicomInput(raw, Files.size(input)), new DicomOutput(out));
        }
    }

    /**
     * Second pass into a file: large values (pixel data) are copied file to file inside the kernel.
     */
    public void write(Path input, Plan plan, Path output) throws IOException, DicomFormatException {
        try (FileChannel in = FileChannel.open(input, StandardOpenOption.READ)) {
            write(in, plan, output);
        }
    }

    /** Second pass over an open file (read from position 0) into {@code output}. */
    public void write(FileChannel in, Plan plan, Path output)
            throws IOException, DicomFormatException {
        in.position(0);
        try (FileChannel out =
                        FileChannel.open(
                                output,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING,
                                StandardOpenOption.WRITE);
                OutputStream buffered =
                        new BufferedSink(Channels.newOutputStream(out), 64 * 1024)) {
            rewrite(plan.facts()).run(new DicomInput(in), new DicomOutput(buffered, out));
            // On disk before the caller renames it into place: after a power loss a renamed
            // output is complete, never empty or short.
            buffered.flush();
            out.force(true);
        }
    }

    /**
     * The output UID that names a folder or file. With {@code retain-uids} it is the file's own
     * value, so it must be a UID (PS3.5 9.1: digits and dots, at most 64 characters) before it
     * becomes a path name; a value such as {@code /etc/x} or {@code ../..} quarantines the file.
     */
    private String pathUid(String name, String original) throws QuarantineException {
        String uid = uid(original);
        if (!Uids.valid(uid)) {
            throw new QuarantineException(
                    QuarantineException.INVALID_UID,
                    name + " is not a UID (digits and dots, at most 64 characters)");
        }
        return uid;
    }

    private String uid(String original) {
        return profile.has(ProfileOption.RETAIN_UIDS) ? original : pseudonymiser.uid(original);
    }

    private static boolean empty(String s) {
        return s == null || s.isEmpty();
    }

    /** The rewrite of one file, with the per-file parts bound to its facts. */
    private StreamingRewrite rewrite(FileFacts facts) {
        String patientKey = facts.patientKey();
        ValueTransforms transforms =
                new ValueTransforms(
                        this::uid,
                        profile.has(ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES),
                        pseudonymiser.dateShiftDays(patientKey),
                        facts.identifyingTokens());
        SafePrivateRetention retention =
                profile.safePrivate() == null
                        ? null
                        : new SafePrivateRetention(
                                profile.safePrivate(),
                                transforms,
                                profile.has(ProfileOption.RETAIN_UIDS));
        return new StreamingRewrite(
                dictionary,
                resolver,
                inserted,
                transforms,
                retention,
                facts.sopClassUid(),
                uid(facts.sopInstanceUid()),
                pseudonymiser.patient(patientKey));
    }
}
