package io.fednode.anonymiser;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.regex.Pattern;

/**
 * A fatal error of a run, with a message that names no path: input paths can hold patient names,
 * and this message ends up in the Dataset's status. It says where (which option's folder) and the
 * operating system's reason; the cause (kept for a stack trace in a debugger) is never printed.
 */
public final class RunFailure extends IOException {
    private static final long serialVersionUID = 1L;

    /** strerror-like texts (letters, spaces, a few signs): no file name can look like this. */
    private static final Pattern PLAIN_REASON = Pattern.compile("[A-Za-z][A-Za-z ,'()-]{0,79}");

    public RunFailure(String where, Throwable cause) {
        super(where + ": " + reason(cause), cause);
    }

    private RunFailure(RunFailure failure, String counts) {
        super(failure.getMessage() + " (" + counts + ")", failure.getCause());
    }

    /** The same failure with the run's counts appended (numbers only). */
    RunFailure withCounts(long seen, long written, long quarantined) {
        return new RunFailure(
                this,
                seen + " files seen, " + written + " written, " + quarantined + " quarantined");
    }

    /** The cause's reason without any path or file name it may carry. */
    public static String reason(Throwable cause) {
        if (cause instanceof RunFailure f) {
            return f.getMessage();
        }
        if (cause instanceof NoSuchFileException) {
            return "a file or folder disappeared";
        }
        if (cause instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (cause instanceof FileAlreadyExistsException) {
            return "a file is in the way";
        }
        if (cause instanceof NotDirectoryException) {
            return "not a directory";
        }
        String text =
                cause instanceof FileSystemException fse ? fse.getReason() : cause.getMessage();
        if (text != null && PLAIN_REASON.matcher(text).matches()) {
            return text;
        }
        return cause.getClass().getSimpleName();
    }
}
