# Generates files with safe and unsafe private attributes with pydicom (independent of fednode's
# writer), for the Retain Safe Private tests: one file per transfer syntax (explicit VR little
# endian, implicit VR little endian, explicit VR big endian).
# argv[1]: output folder; argv[2]: manifest JSON (identifying strings, original UIDs, files).
import json
import os
import struct
import sys

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRBigEndian, ExplicitVRLittleEndian, ImplicitVRLittleEndian

out_dir, manifest_path = sys.argv[1], sys.argv[2]
os.makedirs(out_dir, exist_ok=True)
ROOT = "1.2.826.0.1.3680043.8.498.5353."
STUDY = ROOT + "1"
SERIES = ROOT + "1.1"
NESTED_REF = ROOT + "1.1.77"
# Identifying strings: none may appear in any output. Unsafe private values all contain SECRET;
# creators of blocks that keep nothing must not appear either.
phi = ["Privatus^Paula", "Privatus", "Paula", "PRIV-ID-8080", "SECRET", "ACME OTHER VENDOR",
       "SECRET NESTED CREATOR"]
uids = [STUDY, SERIES, NESTED_REF]
files = []
syntaxes = [("explicit-le", ExplicitVRLittleEndian), ("implicit-le", ImplicitVRLittleEndian),
            ("explicit-be", ExplicitVRBigEndian)]
for n, (label, ts) in enumerate(syntaxes, start=1):
    little = ts != ExplicitVRBigEndian
    implicit = ts == ImplicitVRLittleEndian
    sop = SERIES + ".%d" % n
    uids.append(sop)
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.4"
    ds.SOPInstanceUID = sop
    ds.StudyInstanceUID = STUDY
    ds.SeriesInstanceUID = SERIES
    ds.Modality = "MR"
    ds.PatientName = "Privatus^Paula"
    ds.PatientID = "PRIV-ID-8080"
    ds.BurnedInAnnotation = "NO"

    # GE: block 10 holds two safe attributes and an unsafe one.
    ge = ds.private_block(0x0019, "GEMS_ACQU_01", create=True)  # (0019,0010)
    ge.add_new(0x23, "DS", "12.5")  # Table Speed: safe
    ge.add_new(0x25, "LO", "SECRET-GE-OPERATOR Privatus")  # not on the list
    if not implicit:
        ge.add_new(0x24, "LO", "SECRET-MISMATCH")  # listed as DS, file says LO: removed
        ge.add_new(0x27, "UN", b"SECRET-UN-TEXT")  # listed as DS, not a number: removed
    # Siemens: block 11, safe IS and FD (VM 3), unsafe LO.
    sm = ds.private_block(0x0019, "SIEMENS MR HEADER", create=True)  # (0019,0011)
    sm.add_new(0x0C, "IS", "1000")  # B Value: safe
    sm.add_new(0x0E, "FD", [0.0, 0.70710678, -0.70710678])  # Diffusion Gradient Direction
    sm.add_new(0x10, "LO", "SECRET-SIEMENS-NAME")
    # Another vendor uses the same element bytes: nothing of it is safe.
    other = ds.private_block(0x0019, "ACME OTHER VENDOR", create=True)  # (0019,0012)
    other.add_new(0x23, "DS", "99.5")
    other.add_new(0x0C, "IS", "77")
    # A block that keeps nothing: its creator goes too.
    secret = ds.private_block(0x0009, "SECRET VENDOR X", create=True)
    secret.add_new(0x01, "LO", "SECRET-BLOCK-ONLY")
    # NQHeader: a private UID holding the original Series Instance UID, a return message
    # that holds the patient's name (safe by the table, removed by fednode's word check).
    nq = ds.private_block(0x0099, "NQHeader", create=True)
    nq.add_new(0x02, "UI", SERIES)  # Analyzed Series UID: kept, UID replaced
    nq.add_new(0x04, "SS", -3)  # Return Code: safe
    nq.add_new(0x05, "LT", "SECRET for Privatus")  # safe by the table, holds the name
    # Philips: safe FL, unsafe LO; Scale Intercept stored as UN (VR unknown to the writer).
    ph = ds.private_block(0x2005, "Philips MR Imaging DD 001", create=True)
    ph.add_new(0x0E, "FL", 0.75)  # Scale Slope: safe
    ph.add_new(0x10, "LO", "SECRET-PHILIPS")
    if not implicit:
        ph.add_new(0x0D, "UN", struct.pack("<f" if little else ">f", 1.5))  # FL as UN: kept
    # A standard sequence whose item carries private blocks of its own.
    item = Dataset()
    item.CodeValue = "T-A0100"
    item.CodingSchemeDesignator = "SRT"
    item.CodeMeaning = "Brain"
    nested_ge = item.private_block(0x0019, "GEMS_ACQU_01", create=True)
    nested_ge.add_new(0x27, "DS", "0.8")  # Rotation Speed: safe
    nested_ge.add_new(0x30, "LO", "SECRET-NESTED")
    nested_other = item.private_block(0x0029, "SECRET NESTED CREATOR", create=True)
    nested_other.add_new(0x01, "LO", "SECRET-NESTED-BLOCK")
    ds.AnatomicRegionSequence = Sequence([item])
    # A safe private sequence: its items are processed with the same rules.
    holo_item = Dataset()
    holo_item.ReferencedSOPInstanceUID = NESTED_REF
    holo_inner = holo_item.private_block(0x7E01, "HOLOGIC, Inc.", create=True)
    holo_inner.add_new(0x01, "LO", "Codec 2.1")  # Codec Version: safe
    holo_inner.add_new(0x03, "LO", "SECRET-HOLOGIC-INNER")
    holo = ds.private_block(0x7E01, "HOLOGIC, Inc.", create=True)
    holo.add_new(0x10, "SQ", Sequence([holo_item]))  # High Resolution Data Sequence
    low_item = Dataset()
    low_item.CodeMeaning = "low"
    holo.add_new(0x11, "SQ", Sequence([low_item]))  # Low Resolution Data Sequence
    # Undefined length: a private sequence in an implicit VR file can then be parsed (UN of
    # undefined length); the defined-length one there cannot and must be removed.
    ds[holo.get_tag(0x10)].is_undefined_length = True

    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ts
    meta.ImplementationClassUID = ROOT + "99"
    uids.append(ROOT + "99")
    ds.file_meta = meta
    ds.is_little_endian = little
    ds.is_implicit_VR = implicit
    path = os.path.join(out_dir, "%s.dcm" % label)
    ds.save_as(path, write_like_original=False)
    files.append(dict(path=path, label=label, sop=sop))
json.dump(dict(phi=phi, uids=uids, files=files), open(manifest_path, "w"), indent=1)
