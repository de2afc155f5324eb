"""Annotation import/export formats: YOLO zip, COCO (JSON or zip), Label Studio JSON, CSV/JSONL.

Each format is a pure module of ``export_*`` and ``parse_*`` functions over the plain records of
:mod:`ai_models.formats.records`; a file that cannot be read raises :class:`FormatError` naming the
file, entry or line. Importing this package reads no files and pulls in no heavy libraries.
"""

from ai_models.formats.coco import export_coco, export_coco_zip, parse_coco, parse_coco_zip
from ai_models.formats.labelstudio import export_labelstudio, parse_labelstudio
from ai_models.formats.records import BoxRecord, FormatError, ImageRecord, ImportBundle, TextRecord
from ai_models.formats.tabular import export_csv, export_jsonl, parse_csv, parse_jsonl
from ai_models.formats.yolo import export_yolo_zip, parse_yolo_zip

__all__ = [
    "BoxRecord",
    "FormatError",
    "ImageRecord",
    "ImportBundle",
    "TextRecord",
    "export_coco",
    "export_coco_zip",
    "export_csv",
    "export_jsonl",
    "export_labelstudio",
    "export_yolo_zip",
    "parse_coco",
    "parse_coco_zip",
    "parse_csv",
    "parse_jsonl",
    "parse_labelstudio",
    "parse_yolo_zip",
]
