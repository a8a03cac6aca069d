# Describes the private content of DICOM files as read by pydicom, one fact a line:
#   C <where> <gggg,00bb> <creator>            a Private Creator
#   E <where> <gggg> <creator> <xx> <hex>      a private data element and its raw value bytes
#   Q <where> <gggg> <creator> <xx>            a private sequence (its items follow as <where>)
#   M <code>                                   a De-identification Method Code Sequence code
#   FILE <path>, TS <transfer syntax UID>, SERIES <Series Instance UID>
# <where> is "top" or the path of items, e.g. "top/(0008,2218)[0]". Raw value bytes are those of
# the file, as stored, so input and output can be compared byte for byte.
# argv: files.
import sys

import pydicom


def creator_of(ds, tag):
    block = (tag.element >> 8) & 0xFF
    elem = ds.get_item(pydicom.tag.Tag(tag.group, block))
    if elem is None:
        return "-"
    return text(elem.value)


def text(v):
    if isinstance(v, bytes):
        v = v.decode("latin-1")
    return str(v).rstrip(" \0")


def walk(ds, where):
    for tag in sorted(ds.keys()):
        raw = ds.get_item(tag)
        if not tag.is_private:
            if raw is not None and ds[tag].VR == "SQ":
                for i, item in enumerate(ds[tag].value):
                    walk(item, "%s/(%04X,%04X)[%d]" % (where, tag.group, tag.element, i))
            continue
        if tag.is_private_creator:
            print("C %s (%04X,%04X) %s" % (where, tag.group, tag.element, text(raw.value)))
            continue
        if tag.element < 0x1000:
            print("E %s %04X - %02X badblock" % (where, tag.group, tag.element & 0xFF))
            continue
        creator = creator_of(ds, tag)
        elem = ds[tag]
        if elem.VR == "SQ":
            print("Q %s %04X %s %02X" % (where, tag.group, creator, tag.element & 0xFF))
            for i, item in enumerate(elem.value):
                walk(item, "%s/(%04X,xx%02X)[%d]" % (where, tag.group, tag.element & 0xFF, i))
            continue
        value = raw.value if isinstance(raw.value, bytes) else None
        if value is None:
            value = b"<converted>"
        print("E %s %04X %s %02X %s" % (where, tag.group, creator, tag.element & 0xFF, value.hex()))


for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    print("FILE %s" % path)
    print("TS %s" % ds.file_meta.TransferSyntaxUID)
    walk(ds, "top")
    if "DeidentificationMethodCodeSequence" in ds:
        for item in ds.DeidentificationMethodCodeSequence:
            print("M %s" % item.CodeValue)
    if "SeriesInstanceUID" in ds:
        print("SERIES %s" % ds.SeriesInstanceUID)
