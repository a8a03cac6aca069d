# Describes every DICOM file under argv[1] as read by pydicom: one JSON object per file.
import glob
import json
import os
import sys

import pydicom

rows = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.dcm"), recursive=True)):
    ds = pydicom.dcmread(path)
    rows.append(dict(
        path=os.path.relpath(path, sys.argv[1]),
        instance=int(ds.InstanceNumber),
        study=str(ds.StudyInstanceUID),
        series=str(ds.SeriesInstanceUID),
        sop=str(ds.SOPInstanceUID),
        patientId=str(ds.PatientID),
        patientName=str(ds.PatientName),
        studyDate=str(ds.get("StudyDate", "")),
        pixels=bytes(ds.PixelData).hex(),
        privateTags=sum(1 for e in ds.iterall() if e.tag.is_private),
    ))
print(json.dumps(rows))
