"""VAR_DIR is private to the account that runs the platform: directories 0700, files 0600.

It holds the SQLite database, stored items, generated secrets, MLflow's store and the login counters, so nothing
under it may be readable by group or others. Settings call `private_dir_prepare` first thing, which sets the
process umask (every file and folder this process creates afterwards is owner-only) and closes VAR_DIR itself.
It must not import Django (settings are not loaded yet) nor walk the whole tree (it runs in every process);
`make run` (scripts/run.sh) tightens an existing installation's whole tree once at start.
"""
import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077


def private_dir_prepare(var_dir: Path) -> None:
    """Owner-only from now on; VAR_DIR and its direct entries (db.sqlite3, secrets/, storage/...) tightened.

    A closed VAR_DIR (0700) already keeps group and others out of everything below it, whatever the modes of
    files made by older versions; the direct entries are cheap to fix too. Entries owned by someone else are left
    alone (chmod would fail), as are symbolic links (their mode is their target's).
    """
    os.umask(PRIVATE_UMASK)
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        entries = [var_dir, *var_dir.iterdir()]
    except OSError:
        return
    for path in entries:
        try:
            info = path.lstat()
            if info.st_uid == os.getuid() and not stat.S_ISLNK(info.st_mode) and info.st_mode & 0o077:
                path.chmod(stat.S_IMODE(info.st_mode) & 0o700)
        except OSError:  # gone meanwhile, or not ours to change
            continue
