package io.fednode.anonymiser.cli;

import io.fednode.anonymiser.AnonymisationRun;
import io.fednode.anonymiser.Durable;
import io.fednode.anonymiser.RunFailure;
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
 * [--option NAME]... [--threads N] [--max-file-size BYTES] [--report FILE]}. Exit codes: 0 the run
 * completed (quarantined files included), 1 fatal I/O error (its message names no path), 2 usage
 * error.
 */
public final class AnonymiserCli {
    public static final int OK = 0;
    public static final int FATAL = 1;
    public static final int USAGE = 2;

    private static final String USAGE_TEXT =
            "Usage: java -jar fednode-anonymiser.jar --input DIR --output DIR --quarantine DIR\n"
                    + "         --key-file FILE [--option NAME]... [--threads N]\n"
                    + "         [--max-file-size BYTES] [--report FILE]\n"
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
                    + "  --max-file-size B  larger input files are refused, not read (default 2G;\n"
                    + "                     suffixes K, M, G, T: powers of 1024)\n"
                    + "  --report FILE      JSON report (counts, bytes, quarantine reasons)\n"
                    + "  --help             this text\n"
                    + "\n"
                    + "Exit status: 0 run completed (quarantined files included), 1 fatal I/O\n"
                    + "error (the message names the option, not the file), 2 usage error.\n";

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
                try {
                    Path parent = report.toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                    Durable.write(
                            report, (result.toJson() + "\n").getBytes(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    throw new RunFailure("writing --report", e);
                }
            }
            out.println(result.summaryLine());
            return OK;
        } catch (RunFailure e) {
            // Path-free by construction: input paths can hold patient names.
            err.println("fednode-anonymiser: fatal: " + e.getMessage());
            return FATAL;
        } catch (IOException | RuntimeException e) {
            err.println("fednode-anonymiser: fatal: internal error (" + RunFailure.reason(e) + ")");
            return FATAL;
        }
    }

    /** A size in bytes: digits, optionally K, M, G or T (powers of 1024). */
    static long bytes(String value) throws UsageException {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("([0-9]{1,15})(?:([KMGT])I?B?|B?)")
                        .matcher(value.toUpperCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new UsageException(
                    "--max-file-size must be a number of bytes, optionally with K, M, G or T, got '"
                            + value
                            + "'");
        }
        int shift = m.group(2) == null ? 0 : 10 * "_KMGT".indexOf(m.group(2));
        long n = Long.parseLong(m.group(1));
        if (n < 1 || n > (Long.MAX_VALUE >> shift)) {
            throw new UsageException(
                    "--max-file-size must be from 1 byte to 8E, got '" + value + "'");
        }
        return n << shift;
    }

    private record Parsed(AnonymisationRun.Settings settings, Path report) {}

    private static Parsed parse(String[] args, PrintStream progress) throws UsageException {
        Path input = null;
        Path output = null;
        Path quarantine = null;
        Path keyFile = null;
        Path report = null;
        Integer threads = null;
        long maxFileSize = AnonymisationRun.DEFAULT_MAX_FILE_SIZE;
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
                        "--threads",
                        "--max-file-size" -> {
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
                case "--max-file-size" -> maxFileSize = bytes(value);
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
                        progress,
                        maxFileSize),
                report);
    }
}
