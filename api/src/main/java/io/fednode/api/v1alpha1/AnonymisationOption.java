package io.fednode.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;

/** Options of the PS3.15 Annex E Basic Application Level Confidentiality Profile. */
public enum AnonymisationOption {
    @JsonProperty("retain-safe-private")
    RETAIN_SAFE_PRIVATE("retain-safe-private"),
    @JsonProperty("retain-uids")
    RETAIN_UIDS("retain-uids"),
    @JsonProperty("retain-device-identity")
    RETAIN_DEVICE_IDENTITY("retain-device-identity"),
    @JsonProperty("retain-institution-identity")
    RETAIN_INSTITUTION_IDENTITY("retain-institution-identity"),
    @JsonProperty("retain-patient-characteristics")
    RETAIN_PATIENT_CHARACTERISTICS("retain-patient-characteristics"),
    @JsonProperty("retain-longitudinal-full-dates")
    RETAIN_LONGITUDINAL_FULL_DATES("retain-longitudinal-full-dates"),
    @JsonProperty("retain-longitudinal-modified-dates")
    RETAIN_LONGITUDINAL_MODIFIED_DATES("retain-longitudinal-modified-dates"),
    @JsonProperty("clean-descriptors")
    CLEAN_DESCRIPTORS("clean-descriptors"),
    @JsonProperty("clean-structured-content")
    CLEAN_STRUCTURED_CONTENT("clean-structured-content"),
    @JsonProperty("clean-graphics")
    CLEAN_GRAPHICS("clean-graphics");

    private final String cliName;

    AnonymisationOption(String cliName) {
        this.cliName = cliName;
    }

    /** The name the anonymiser CLI takes after {@code --option}. */
    @JsonValue
    public String cliName() {
        return cliName;
    }
}
