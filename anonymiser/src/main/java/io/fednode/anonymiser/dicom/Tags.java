package io.fednode.anonymiser.dicom;

/** Tags the anonymiser handles by name; a tag is {@code group << 16 | element}. */
public final class Tags {
    private Tags() {}

    public static final int ITEM = 0xFFFEE000;
    public static final int ITEM_DELIMITATION = 0xFFFEE00D;
    public static final int SEQUENCE_DELIMITATION = 0xFFFEE0DD;

    public static final int FILE_META_GROUP_LENGTH = 0x00020000;
    public static final int FILE_META_VERSION = 0x00020001;
    public static final int MEDIA_STORAGE_SOP_CLASS_UID = 0x00020002;
    public static final int MEDIA_STORAGE_SOP_INSTANCE_UID = 0x00020003;
    public static final int TRANSFER_SYNTAX_UID = 0x00020010;
    public static final int IMPLEMENTATION_CLASS_UID = 0x00020012;
    public static final int IMPLEMENTATION_VERSION_NAME = 0x00020013;

    public static final int SOP_CLASS_UID = 0x00080016;
    public static final int SOP_INSTANCE_UID = 0x00080018;
    public static final int ACCESSION_NUMBER = 0x00080050;
    public static final int INSTITUTION_NAME = 0x00080080;
    public static final int INSTITUTION_ADDRESS = 0x00080081;
    public static final int CODE_VALUE = 0x00080100;
    public static final int CODING_SCHEME_DESIGNATOR = 0x00080102;
    public static final int CODE_MEANING = 0x00080104;
    public static final int PATIENT_NAME = 0x00100010;
    public static final int PATIENT_ID = 0x00100020;
    public static final int PATIENT_BIRTH_DATE = 0x00100030;
    public static final int OTHER_PATIENT_IDS = 0x00101000;
    public static final int PATIENT_ADDRESS = 0x00101040;
    public static final int PATIENT_IDENTITY_REMOVED = 0x00120062;
    public static final int DEIDENTIFICATION_METHOD = 0x00120063;
    public static final int DEIDENTIFICATION_METHOD_CODE_SEQUENCE = 0x00120064;
    public static final int STUDY_INSTANCE_UID = 0x0020000D;
    public static final int SERIES_INSTANCE_UID = 0x0020000E;
    public static final int STUDY_ID = 0x00200010;
    public static final int BURNED_IN_ANNOTATION = 0x00280301;
    public static final int LONGITUDINAL_TEMPORAL_INFORMATION_MODIFIED = 0x00280303;
    public static final int PIXEL_DATA = 0x7FE00010;

    public static int group(int tag) {
        return tag >>> 16;
    }

    public static int element(int tag) {
        return tag & 0xFFFF;
    }

    public static boolean isPrivate(int tag) {
        return (group(tag) & 1) == 1;
    }

    public static String toString(int tag) {
        return String.format("(%04X,%04X)", group(tag), element(tag));
    }
}
