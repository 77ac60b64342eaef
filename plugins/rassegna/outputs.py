"""What the output folder should hold: exactly what this build produced.

A file counts as produced when this build created or rewrote it (its inode or
change time moved since the writer started: the change time cannot be set by
copying, unlike the modification time), or when it was up to date and a
generator said so (pages and feeds the writer kept, `entities.json` unchanged,
static files Pelican chose not to copy again). Files the last build produced and
this one did not are removed, with the folders they leave empty; names in
Pelican's OUTPUT_RETENTION are never touched, as a clean build keeps them.
"""

import os
from pathlib import Path


def scan(output_path: str) -> dict[str, tuple[int, int]]:
    """Every file below `output_path`: relative name → (inode, change time)."""
    found = {}
    folders = [("", output_path)]
    while folders:
        prefix, folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = prefix + entry.name
            try:
                if entry.is_dir():
                    # As os.walk: a link to a folder is neither walked nor a file.
                    if not entry.is_symlink():
                        folders.append((name + "/", entry.path))
                    continue
                status = entry.stat()
            except OSError:
                continue
            found[name] = (status.st_ino, status.st_ctime_ns)
    return found


def produced(output_path: str, before: dict, known: set[str]) -> set[str]:
    """The files of this build: touched since `before`, or `known` to be."""
    now = scan(output_path)
    touched = {name for name, stamp in now.items() if before.get(name) != stamp}
    return touched | {name for name in known if name in now}


def remove_stale(output_path: str, stale: set[str], retention) -> None:
    """Delete `stale` files (not those Pelican's OUTPUT_RETENTION keeps) and the
    folders they leave empty."""
    root = Path(output_path).resolve()
    for name in sorted(stale):
        if name.split("/")[0] in retention:
            continue
        path = (root / name).resolve()
        if not path.is_relative_to(root):
            continue
        path.unlink(missing_ok=True)
        folder = path.parent
        while folder != root and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
