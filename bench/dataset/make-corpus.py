# Writes N CT-like DICOM files (512 x 512, 16 bit: ~0.5 MB each) with identifying values, in
# series of 50, for bench/dataset.sh. pydicom (Debian's python3-pydicom), independent of fednode.
# argv[1]: output folder; argv[2]: number of files.
import os
import sys

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian

out, n = sys.argv[1], int(sys.argv[2])
root = "1.2.826.0.1.3680043.8.498.777."
pixels = bytes(range(256)) * (512 * 512 * 2 // 256)
for i in range(n):
    series = i // 50
    folder = os.path.join(out, "series-%03d" % series)
    os.makedirs(folder, exist_ok=True)
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = root + "%d.%d" % (series + 1, i + 1)
    ds.StudyInstanceUID = root + "1"
    ds.SeriesInstanceUID = root + "%d" % (series + 1)
    ds.PatientName = "Benchmark^Patient^%d" % (series % 3)
    ds.PatientID = "BENCH-%04d" % (series % 3)
    ds.PatientBirthDate = "19600101"
    ds.StudyDate = "20260101"
    ds.AccessionNumber = "ACC-%d" % series
    ds.InstitutionName = "Benchmark Hospital"
    ds.Modality = "CT"
    ds.StudyDescription = "CT thorax"
    other = Dataset()
    other.PatientID = "MRN-%d" % series
    ds.OtherPatientIDsSequence = Sequence([other])
    ds.InstanceNumber = i + 1
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = 512
    ds.Columns = 512
    ds.BitsAllocated = 16
    ds.BitsStored = 12
    ds.HighBit = 11
    ds.PixelRepresentation = 0
    ds.PixelData = pixels
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta = meta
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(os.path.join(folder, "im-%05d.dcm" % i), write_like_original=False)
