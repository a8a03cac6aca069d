#!/usr/bin/env python3
"""Generates the anonymiser benchmark corpus with pydicom: CT-sized images (512x512, 16 bit,
about 0.5 MB each) with identifying values, a nested sequence and private attributes, laid out
the way hospital exports often are (patient names in folder and file names); optionally one
large multi-frame image whose pixel data is streamed to disk.

  make-corpus.py corpus DIR --megabytes 2100
  make-corpus.py big FILE --megabytes 1024
"""
import argparse
import io
import os
import random

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

ROWS = COLS = 512
FRAME_BYTES = ROWS * COLS * 2
ROOT = "1.2.826.0.1.3680043.8.498."


def header(rng, patient, study_uid, series_uid, sop_uid, instance, frames=1):
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = sop_uid
    ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = "20240117"
    ds.StudyTime = ds.SeriesTime = ds.AcquisitionTime = ds.ContentTime = "093512.123"
    ds.AccessionNumber = "A%08d" % rng.randrange(10**8)
    ds.Modality = "CT"
    ds.Manufacturer = "Benchmark Medical"
    ds.InstitutionName = "General Hospital of Benchmarking"
    ds.InstitutionAddress = "1 Hospital Road, Benchtown"
    ds.ReferringPhysicianName = "House^Gregory"
    ds.StationName = "CT01"
    ds.StudyDescription = "CT THORAX for %s" % patient[0]
    ds.SeriesDescription = "Axial 1.0 B30f"
    ds.OperatorsName = "Tech^Tina"
    ds.ManufacturerModelName = "Bench CT 64"
    ds.PatientName = patient[0]
    ds.PatientID = patient[1]
    ds.PatientBirthDate = patient[2]
    ds.PatientSex = "O"
    ds.PatientAge = "050Y"
    ds.PatientAddress = "%d Example Street" % rng.randrange(1, 999)
    ref = Dataset()
    ref.ReferencedSOPClassUID = "1.2.840.10008.3.1.2.3.1"
    ref.ReferencedSOPInstanceUID = study_uid + ".7"
    ds.ReferencedStudySequence = Sequence([ref])
    ds.SliceThickness = "1.0"
    ds.KVP = "120"
    ds.DeviceSerialNumber = "SN-4711"
    ds.SoftwareVersions = "VB42"
    ds.ProtocolName = "Thorax routine"
    ds.ConvolutionKernel = "B30f"
    ds.PatientPosition = "HFS"
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = series_uid
    ds.StudyID = "S1"
    ds.SeriesNumber = 2
    ds.InstanceNumber = instance
    ds.ImagePositionPatient = [-250.0, -250.0, -1.0 * instance]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.FrameOfReferenceUID = study_uid + ".1"
    ds.SliceLocation = str(-1.0 * instance)
    ds.BurnedInAnnotation = "NO"
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    if frames > 1:
        ds.NumberOfFrames = frames
    ds.Rows = ROWS
    ds.Columns = COLS
    ds.PixelSpacing = [0.7, 0.7]
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.WindowCenter = "40"
    ds.WindowWidth = "400"
    ds.RescaleIntercept = "-1024"
    ds.RescaleSlope = "1"
    block = ds.private_block(0x0029, "BENCH PRIVATE", create=True)
    block.add_new(0x10, "LO", "private note about %s" % patient[0])
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = sop_uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    return ds


def corpus(out, megabytes, seed):
    rng = random.Random(seed)
    files = max(1, int(megabytes * 1024 * 1024 // (FRAME_BYTES + 2048)))
    per_series = 100
    n = 0
    while n < files:
        p = n // (per_series * 4)
        patient = ("Patient%03d^Bench" % p, "PID%06d" % p, "19%02d0101" % (40 + p % 50))
        study_uid = ROOT + "%d.%d" % (p, (n // (per_series * 2)) % 2)
        series_uid = study_uid + ".%d" % ((n // per_series) % 2 + 2)
        folder = os.path.join(out, patient[0].replace("^", "_"), study_uid[-3:], series_uid[-1:])
        os.makedirs(folder, exist_ok=True)
        ds = header(rng, patient, study_uid, series_uid, series_uid + ".%d" % n, n % per_series + 1)
        ds.PixelData = os.urandom(FRAME_BYTES)
        ds.save_as(os.path.join(folder, "%s_%05d.dcm" % (patient[1], n)), write_like_original=False)
        n += 1
    print("%d files" % files)


def big(path, megabytes, seed):
    rng = random.Random(seed)
    frames = max(1, int(megabytes * 1024 * 1024 // FRAME_BYTES))
    patient = ("Bigfile^Patient", "PIDBIG", "19500101")
    study_uid = ROOT + "999.1"
    ds = header(rng, patient, study_uid, study_uid + ".2", study_uid + ".2.1", 1, frames)
    buf = io.BytesIO()
    ds.save_as(buf, write_like_original=False)  # everything but the pixel data
    length = frames * FRAME_BYTES
    with open(path, "wb") as f:
        f.write(buf.getvalue())
        f.write(b"\xe0\x7f\x10\x00OW\x00\x00" + length.to_bytes(4, "little"))
        chunk = os.urandom(FRAME_BYTES)
        for _ in range(frames):
            f.write(chunk)
    print("%d frames, %d bytes of pixel data" % (frames, length))


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("kind", choices=["corpus", "big"])
    ap.add_argument("path")
    ap.add_argument("--megabytes", type=float, required=True)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    (corpus if a.kind == "corpus" else big)(a.path, a.megabytes, a.seed)
