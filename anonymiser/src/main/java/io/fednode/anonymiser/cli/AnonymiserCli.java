package io.fednode.anonymiser.cli;

import io.fednode.anonymiser.AnonymisationRun;
import io.fednode.anonymiser.RunReport;
import io.fednode.anonymiser.profile.ProfileOption;
import io.fednode.anonymiser.pseudonym.PseudonymKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code java -jar fednode-anonymiser.jar --input DIR --output DIR --quarantine DIR --key-file FILE
 * [--option NAME]... [--threads N] [--report FILE]}. Exit codes: 0 the run completed (quarantined
 * files included), 1 fatal I/O error, 2 usage error.
 */
public final class AnonymiserCli {
    public static final int OK = 0;
    public static final int FATAL = 1;
    public static final int USAGE = 2;

    private static final String USAGE_TEXT =
            "Usage: java -jar fednode-anonymiser.jar --input DIR --output DIR --quarantine DIR\n"
                    + "         --key-file FILE [--option NAME]... [--threads N] [--report FILE]\n"
                    + "\n"
                    + "De-identifies every regular file under --input with the DICOM PS3.15 Basic\n"
                    + "Application Level Confidentiality Profile and keyed pseudonyms.\n"
                    + "\n"
                    + "  --input DIR        folder read recursively (never modified)\n"
                    + "  --output DIR       de-identified files: <StudyUID>/<SeriesUID>/<SOPUID>.dcm\n"
                    + "  --quarantine DIR   files that cannot be de-identified safely, by reason\n"
                    + "  --key-file FILE    secret key (the file's bytes, at least 32)\n"
                    + "  --option NAME      profile option, repeatable; one of:\n"
                    + "                       %s\n"
                    + "  --threads N        worker threads (default: number of processors)\n"
                    + "  --report FILE      JSON report (counts, bytes, quarantine reasons)\n"
                    + "  --help             this text\n"
                    + "\n"
                    + "Exit status: 0 run completed (quarantined files included), 1 fatal I/O\n"
                    + "error, 2 usage error.\n";

    /** A usage error: message says what is wrong. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private AnonymiserCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static String usage() {
        String names =
                Arrays.stream(ProfileOption.values())
                        .map(ProfileOption::cliName)
                        .collect(Collectors.joining("\n                       "));
        return String.format(USAGE_TEXT, names);
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            out.print(usage());
            return OK;
        }
        AnonymisationRun.Settings settings;
        Path report;
        try {
            Parsed p = parse(args, err);
            settings = p.settings;
            report = p.report;
        } catch (UsageException e) {
            err.println("fednode-anonymiser: " + e.getMessage());
            err.println("Run with --help for usage.");
            return USAGE;
        }
        try {
            RunReport result = new AnonymisationRun(settings).run();
            if (report != null) {
                Path parent = report.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(report, result.toJson() + "\n", StandardCharsets.UTF_8);
            }
            out.println(result.summaryLine());
            return OK;
        } catch (IOException | RuntimeException e) {
            err.println("fednode-anonymiser: fatal: " + e);
            return FATAL;
        }
    }

    private record Parsed(AnonymisationRun.Settings settings, Path report) {}

    private static Parsed parse(String[] args, PrintStream progress) throws UsageException {
        Path input = null;
        Path output = null;
        Path quarantine = null;
        Path keyFile = null;
        Path report = null;
        Integer threads = null;
        Set<ProfileOption> options = EnumSet.noneOf(ProfileOption.class);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--input",
                        "--output",
                        "--quarantine",
                        "--key-file",
                        "--report",
                        "--option",
                        "--threads" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                }
                default -> throw new UsageException("unknown argument '" + a + "'");
            }
            switch (name) {
                case "--input" -> input = Path.of(value);
                case "--output" -> output = Path.of(value);
                case "--quarantine" -> quarantine = Path.of(value);
                case "--key-file" -> keyFile = Path.of(value);
                case "--report" -> report = Path.of(value);
                case "--option" -> {
                    String v = value;
                    ProfileOption o =
                            ProfileOption.forCliName(v)
                                    .orElseThrow(
                                            () ->
                                                    new UsageException(
                                                            "unknown --option '"
                                                                    + v
                                                                    + "'; valid: "
                                                                    + Arrays.stream(
                                                                                    ProfileOption
                                                                                            .values())
                                                                            .map(
                                                                                    ProfileOption
                                                                                            ::cliName)
                                                                            .collect(
                                                                                    Collectors
                                                                                            .joining(
                                                                                                    ", "))));
                    options.add(o);
                }
                case "--threads" -> {
                    try {
                        threads = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        threads = -1;
                    }
                    if (threads < 1 || threads > 1024) {
                        throw new UsageException(
                                "--threads must be a number from 1 to 1024, got '" + value + "'");
                    }
                }
                default -> throw new IllegalStateException(name);
            }
        }
        if (input == null) {
            throw new UsageException("--input is required");
        }
        if (output == null) {
            throw new UsageException("--output is required");
        }
        if (quarantine == null) {
            throw new UsageException("--quarantine is required");
        }
        if (keyFile == null) {
            throw new UsageException("--key-file is required");
        }
        if (!Files.isDirectory(input)) {
            throw new UsageException("--input " + input + " is not a directory");
        }
        Path in = input.toAbsolutePath().normalize();
        for (Path p : new Path[] {output, quarantine}) {
            Path abs = p.toAbsolutePath().normalize();
            if (abs.startsWith(in) || in.startsWith(abs)) {
                throw new UsageException(
                        p + " must not be inside --input " + input + " or contain it");
            }
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new UsageException(p + " exists and is not a directory");
            }
        }
        if (output.toAbsolutePath().normalize().equals(quarantine.toAbsolutePath().normalize())) {
            throw new UsageException("--output and --quarantine must be different folders");
        }
        if (options.contains(ProfileOption.RETAIN_LONGITUDINAL_FULL_DATES)
                && options.contains(ProfileOption.RETAIN_LONGITUDINAL_MODIFIED_DATES)) {
            throw new UsageException(
                    "--option retain-longitudinal-full-dates and retain-longitudinal-modified-dates"
                            + " exclude each other");
        }
        PseudonymKey key;
        try {
            key = PseudonymKey.read(keyFile);
        } catch (IOException e) {
            throw new UsageException(
                    "--key-file " + keyFile + " cannot be read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--key-file " + keyFile + ": " + e.getMessage());
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        return new Parsed(
                new AnonymisationRun.Settings(
                        input,
                        output.toAbsolutePath(),
                        quarantine.toAbsolutePath(),
                        key,
                        options,
                        n,
                        progress),
                report);
    }
}
