from django.apps import AppConfig


class TransferConfig(AppConfig):
    """Import and export of whole projects in standard formats (YOLO, COCO, Label Studio, CSV/JSONL)."""

    name = "apps.transfer"
    label = "transfer"
