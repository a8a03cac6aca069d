#!/usr/bin/env python3
"""Writes a few small, fixed DICOM files (Explicit VR Little Endian, CT, 16x16 pixels, identifying
values, a private block, a sequence) with the standard library only. tools/anonymiser-cds.sh runs
the anonymiser on them once inside the image's root file system so that the class-data archive
holds the classes a real run loads. The bytes never change, so neither does the class list.

  cds-training-dicom.py DIR
"""
import os
import struct
import sys

ROOT = "1.2.826.0.1.3680043.8.498.77"
SHORT_VRS = {"AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS", "LO", "LT", "PN", "SH",
             "SL", "SS", "ST", "TM", "UI", "UL", "US"}


def element(group, elem, vr, value):
    if isinstance(value, str):
        value = value.encode("ascii")
        if len(value) % 2:
            value += b"\0" if vr == "UI" else b" "
    head = struct.pack("<HH", group, elem) + vr.encode("ascii")
    if vr in SHORT_VRS:
        return head + struct.pack("<H", len(value)) + value
    return head + b"\0\0" + struct.pack("<I", len(value)) + value


def us(v):
    return struct.pack("<H", v)


def sequence_item(*elements):
    body = b"".join(elements)
    return struct.pack("<HHI", 0xFFFE, 0xE000, len(body)) + body


def dicom_file(instance):
    sop = f"{ROOT}.3.{instance}"
    meta_body = b"".join([
        element(0x0002, 0x0001, "OB", b"\0\1"),
        element(0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.2"),
        element(0x0002, 0x0003, "UI", sop),
        element(0x0002, 0x0010, "UI", "1.2.840.10008.1.2.1"),
        element(0x0002, 0x0012, "UI", ROOT + ".9"),
    ])
    meta = element(0x0002, 0x0000, "UL", struct.pack("<I", len(meta_body))) + meta_body
    pixels = bytes((i * 7 + instance) % 256 for i in range(16 * 16 * 2))
    referenced = sequence_item(
        element(0x0008, 0x1150, "UI", "1.2.840.10008.3.1.2.3.1"),
        element(0x0008, 0x1155, "UI", f"{ROOT}.4.{instance}"),
    )
    data = b"".join([
        element(0x0008, 0x0005, "CS", "ISO_IR 100"),
        element(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.2"),
        element(0x0008, 0x0018, "UI", sop),
        element(0x0008, 0x0020, "DA", "20240117"),
        element(0x0008, 0x0030, "TM", "093512"),
        element(0x0008, 0x0050, "SH", "A0001234"),
        element(0x0008, 0x0060, "CS", "CT"),
        element(0x0008, 0x0080, "LO", "General Hospital of Training"),
        element(0x0008, 0x0090, "PN", "House^Gregory"),
        element(0x0008, 0x1030, "LO", "CT THORAX for Doe"),
        element(0x0008, 0x1140, "SQ", referenced),
        element(0x0009, 0x0010, "LO", "ACME TRAINING"),
        element(0x0009, 0x1001, "LO", "Jane Doe, 1 Hospital Road"),
        element(0x0010, 0x0010, "PN", "Doe^Jane"),
        element(0x0010, 0x0020, "LO", "PID-000042"),
        element(0x0010, 0x0030, "DA", "19700101"),
        element(0x0010, 0x0040, "CS", "F"),
        element(0x0020, 0x000D, "UI", ROOT + ".1"),
        element(0x0020, 0x000E, "UI", ROOT + ".2"),
        element(0x0020, 0x0013, "IS", str(instance)),
        element(0x0028, 0x0002, "US", us(1)),
        element(0x0028, 0x0004, "CS", "MONOCHROME2"),
        element(0x0028, 0x0010, "US", us(16)),
        element(0x0028, 0x0011, "US", us(16)),
        element(0x0028, 0x0100, "US", us(16)),
        element(0x0028, 0x0101, "US", us(12)),
        element(0x0028, 0x0102, "US", us(11)),
        element(0x0028, 0x0103, "US", us(0)),
        element(0x7FE0, 0x0010, "OW", pixels),
    ])
    return b"\0" * 128 + b"DICM" + meta + data


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = os.path.join(sys.argv[1], "Doe^Jane", "CT")
    os.makedirs(out, exist_ok=True)
    for instance in (1, 2, 3):
        with open(os.path.join(out, f"IM{instance:04d}.dcm"), "wb") as f:
            f.write(dicom_file(instance))


if __name__ == "__main__":
    main()
