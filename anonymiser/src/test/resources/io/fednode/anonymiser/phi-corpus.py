# Generates a corpus full of identifying values with pydicom (independent of fednode's writer):
# 2 patients x 2 studies x 2 series x 2 instances, in four transfer syntaxes, with PHI in names,
# IDs, dates, addresses, institution, descriptions, comments, nested sequences with
# undefined-length items, and private attributes (also a private sequence).
# argv[1]: output folder; argv[2]: manifest JSON (PHI strings, original UIDs, per-file facts).
import hashlib
import json
import os
import sys

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import (
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    ExplicitVRBigEndian,
    DeflatedExplicitVRLittleEndian,
)

out_dir, manifest_path = sys.argv[1], sys.argv[2]
os.makedirs(out_dir, exist_ok=True)
ROOT = "1.2.826.0.1.3680043.8.498.4242."
patients = [
    dict(name="Smithereens^Johanna^Q", id="PID-7731-XQ", birth="19570312",
         address="42 Wallaby Way, Sydney", phone="555-0199-321", other_id="MRN88812731"),
    dict(name="Quagmire^Bartholomew", id="PID-5150-ZZ", birth="19640229",
         address="1313 Mockingbird Lane", phone="555-0123-777", other_id="MRN55501919"),
]
phi = []
for p in patients:
    phi += [p["name"], p["id"], p["address"], p["phone"], p["other_id"], p["birth"],
            "Smithereens", "Johanna", "Quagmire", "Bartholomew", "Wallaby", "Mockingbird"]
phi += ["St Elsewhere Hospital", "Elsewhere Street 9", "Ramoray^Drake", "Ramoray",
        "ACC-99812", "ACC-99813", "ACC-99814", "ACC-99815", "PRIVATE-SECRET-Johanna",
        "Operator^Olga", "Olga", "STUDY-DESC-Johanna", "SERIES-DESC-Johanna",
        "COMMENT-Johanna", "REQPROC-4711", "20190704", "20200115", "20210301", "20220412"]
syntaxes = [ExplicitVRLittleEndian, ImplicitVRLittleEndian, ExplicitVRBigEndian,
            DeflatedExplicitVRLittleEndian]
study_dates = ["20190704", "20200115", "20210301", "20220412"]
uids = []
files = []
n = 0
for pi, p in enumerate(patients):
    for si in range(2):
        study_uid = ROOT + "%d.%d" % (pi + 1, si + 1)
        uids.append(study_uid)
        study_no = pi * 2 + si
        accession = "ACC-%d" % (99812 + study_no)
        for ri in range(2):
            series_uid = study_uid + ".%d" % (ri + 1)
            uids.append(series_uid)
            for ii in range(2):
                n += 1
                sop_uid = series_uid + ".%d" % (ii + 1)
                uids.append(sop_uid)
                ds = Dataset()
                ds.SpecificCharacterSet = "ISO_IR 100"
                ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
                ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
                ds.SOPInstanceUID = sop_uid
                ds.StudyDate = study_dates[study_no]
                ds.SeriesDate = study_dates[study_no]
                ds.StudyTime = "101500"
                ds.AccessionNumber = accession
                ds.Modality = "CT"
                ds.InstitutionName = "St Elsewhere Hospital"
                ds.InstitutionAddress = "Elsewhere Street 9"
                ds.ReferringPhysicianName = "Ramoray^Drake"
                ds.StudyDescription = "STUDY-DESC-Johanna"
                ds.SeriesDescription = "SERIES-DESC-Johanna"
                ds.OperatorsName = "Operator^Olga"
                ds.PatientName = p["name"]
                ds.PatientID = p["id"]
                ds.PatientBirthDate = p["birth"]
                ds.PatientSex = "F"
                ds.PatientAddress = p["address"]
                ds.PatientTelephoneNumbers = p["phone"]
                other = Dataset()
                other.PatientID = p["other_id"]
                other.TypeOfPatientID = "TEXT"
                ds.OtherPatientIDsSequence = Sequence([other])
                ref = Dataset()
                ref.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.1"
                ref.ReferencedSOPInstanceUID = study_uid
                ds.ReferencedStudySequence = Sequence([ref])
                req = Dataset()
                req.RequestedProcedureID = "REQPROC-4711"
                req.AccessionNumber = accession
                inner = Dataset()
                inner.CodeValue = "T-D0050"
                inner.CodingSchemeDesignator = "SRT"
                inner.CodeMeaning = "COMMENT-Johanna"
                req.RequestedProcedureCodeSequence = Sequence([inner])
                ds.RequestAttributesSequence = Sequence([req])
                src = Dataset()
                src.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
                src.ReferencedSOPInstanceUID = series_uid + ".99"
                uids.append(series_uid + ".99")
                ds.SourceImageSequence = Sequence([src])
                ds.ImageComments = "COMMENT-Johanna"
                ds.StudyInstanceUID = study_uid
                ds.SeriesInstanceUID = series_uid
                ds.FrameOfReferenceUID = study_uid + ".0"
                uids.append(study_uid + ".0")
                ds.StudyID = "STUDY-77"
                ds.SeriesNumber = ri + 1
                ds.InstanceNumber = n
                ds.BurnedInAnnotation = "NO"
                ds.SamplesPerPixel = 1
                ds.PhotometricInterpretation = "MONOCHROME2"
                ds.Rows = 16
                ds.Columns = 16
                ds.BitsAllocated = 16
                ds.BitsStored = 12
                ds.HighBit = 11
                ds.PixelRepresentation = 0
                ds.PixelData = hashlib.sha256(sop_uid.encode()).digest() * 16
                block = ds.private_block(0x0009, "ACME PHI 1.1", create=True)
                block.add_new(0x01, "LO", "PRIVATE-SECRET-Johanna")
                priv_item = Dataset()
                priv_item.add_new(0x00100010, "PN", p["name"])
                block.add_new(0x02, "SQ", Sequence([priv_item]))
                ts = syntaxes[(n - 1) % len(syntaxes)]
                meta = FileMetaDataset()
                meta.MediaStorageSOPClassUID = ds.SOPClassUID
                meta.MediaStorageSOPInstanceUID = sop_uid
                meta.TransferSyntaxUID = ts
                meta.ImplementationClassUID = ROOT + "99"
                uids.append(ROOT + "99")
                ds.file_meta = meta
                ds.is_little_endian = ts != ExplicitVRBigEndian
                ds.is_implicit_VR = ts == ImplicitVRLittleEndian
                # Undefined-length sequences and items where the encoding allows them.
                for kw in ("OtherPatientIDsSequence", "RequestAttributesSequence", "ReferencedStudySequence"):
                    ds[kw].is_undefined_length = True
                    for item in ds[kw].value:
                        item.is_undefined_length_sequence_item = True
                # The file name carries PHI, as hospital exports often do.
                name = "%s_%s_%d.dcm" % (p["name"].split("^")[0], p["id"], n)
                path = os.path.join(out_dir, name)
                ds.save_as(path, write_like_original=False)
                files.append(dict(path=path, instance=n, patient=pi, study=study_uid,
                                  series=series_uid, studyDate=study_dates[study_no],
                                  transferSyntax=str(ts)))
json.dump(dict(phi=phi, uids=uids, files=files), open(manifest_path, "w"), indent=1)
