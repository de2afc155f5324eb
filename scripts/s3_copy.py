"""Copy whole buckets to a folder and back, for scripts/backup.sh and scripts/restore.sh (any S3 endpoint).

    s3_copy.py download DIR BUCKET...   every object of each bucket to DIR/BUCKET/KEY
    s3_copy.py upload DIR BUCKET...     empty each bucket, then put DIR/BUCKET/** back under the same keys

The endpoint and credentials come from the environment: S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
"""
import os
import sys
from pathlib import Path

import boto3


def client():
    return boto3.client("s3", endpoint_url=os.environ.get("S3_ENDPOINT_URL") or None,
                        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))


def keys(s3, bucket: str) -> list[str]:
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        found += [o["Key"] for o in page.get("Contents", [])]
    return found


def download(s3, root: Path, bucket: str) -> int:
    names = keys(s3, bucket)
    for key in names:
        target = root / bucket / key
        if root / bucket not in target.resolve().parents:
            raise SystemExit(f"refusing key outside the backup folder: {key!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        s3.download_file(bucket, key, str(target))
    return len(names)


def upload(s3, root: Path, bucket: str) -> int:
    stale = keys(s3, bucket)
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[start:start + 1000]]})
    files = [p for p in (root / bucket).rglob("*") if p.is_file()] if (root / bucket).is_dir() else []
    for path in files:
        s3.upload_file(str(path), bucket, path.relative_to(root / bucket).as_posix())
    return len(files)


def main(argv: list[str]) -> None:
    if len(argv) < 3 or argv[0] not in {"download", "upload"}:
        raise SystemExit(__doc__)
    action, root, buckets = argv[0], Path(argv[1]).resolve(), argv[2:]
    s3 = client()
    for bucket in buckets:
        count = (download if action == "download" else upload)(s3, root, bucket)
        print(f"{action} {bucket}: {count} objects")


if __name__ == "__main__":
    main(sys.argv[1:])
