package io.fednode.anonymiser.profile;

import java.util.Arrays;
import java.util.Optional;

/**
 * Options of the Basic Application Level Confidentiality Profile (PS3.15 E.3), with their CLI names
 * and their codes for the De-identification Method Code Sequence (CID 7050, scheme DCM). The
 * declaration order is the column order of the generated table and the order options are applied
 * in.
 */
public enum ProfileOption {
    RETAIN_SAFE_PRIVATE("retain-safe-private", "113111", "Retain Safe Private Option"),
    RETAIN_UIDS("retain-uids", "113110", "Retain UIDs Option"),
    RETAIN_DEVICE_IDENTITY("retain-device-identity", "113109", "Retain Device Identity Option"),
    RETAIN_INSTITUTION_IDENTITY(
            "retain-institution-identity", "113112", "Retain Institution Identity Option"),
    RETAIN_PATIENT_CHARACTERISTICS(
            "retain-patient-characteristics", "113108", "Retain Patient Characteristics Option"),
    RETAIN_LONGITUDINAL_FULL_DATES(
            "retain-longitudinal-full-dates",
            "113106",
            "Retain Longitudinal Temporal Information Full Dates Option"),
    RETAIN_LONGITUDINAL_MODIFIED_DATES(
            "retain-longitudinal-modified-dates",
            "113107",
            "Retain Longitudinal Temporal Information Modified Dates Option"),
    CLEAN_DESCRIPTORS("clean-descriptors", "113105", "Clean Descriptors Option"),
    CLEAN_STRUCTURED_CONTENT(
            "clean-structured-content", "113104", "Clean Structured Content Option"),
    CLEAN_GRAPHICS("clean-graphics", "113103", "Clean Graphics Option");

    public static final String BASIC_PROFILE_CODE = "113100";
    public static final String BASIC_PROFILE_MEANING = "Basic Application Confidentiality Profile";

    private final String cliName;
    private final String code;
    private final String meaning;

    ProfileOption(String cliName, String code, String meaning) {
        this.cliName = cliName;
        this.code = code;
        this.meaning = meaning;
    }

    public String cliName() {
        return cliName;
    }

    public String code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    public static Optional<ProfileOption> forCliName(String name) {
        return Arrays.stream(values()).filter(o -> o.cliName.equals(name)).findFirst();
    }
}
