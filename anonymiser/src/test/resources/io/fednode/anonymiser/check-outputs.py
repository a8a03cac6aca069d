# Independent check of fednode's output with pydicom: reads every output strictly (no force),
# touches every element (nested ones too), and compares pixel data with the input.
# argv[1]: JSON list of {"input": path, "output": path}; prints a JSON list of results.
import json
import sys
import warnings

import pydicom

warnings.simplefilter("ignore")
pairs = json.load(open(sys.argv[1]))
results = []
for p in pairs:
    r = {"output": p["output"], "ok": False}
    try:
        out = pydicom.dcmread(p["output"])
        for elem in out.iterall():
            elem.value
        r["identityRemoved"] = str(out.get("PatientIdentityRemoved", ""))
        r["codes"] = [str(i.CodeValue) for i in out.get("DeidentificationMethodCodeSequence", [])]
        r["transferSyntax"] = str(out.file_meta.TransferSyntaxUID)
        r["sopInstanceUID"] = str(out.SOPInstanceUID)
        r["metaSopInstanceUID"] = str(out.file_meta.MediaStorageSOPInstanceUID)
        inp = pydicom.dcmread(p["input"], force=True)
        if "PixelData" in inp:
            r["pixelEqual"] = "PixelData" in out and bytes(inp.PixelData) == bytes(out.PixelData)
        r["ok"] = True
    except Exception as e:  # reported to the Java test, which fails on it
        r["error"] = repr(e)
    results.append(r)
print(json.dumps(results))
