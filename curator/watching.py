"""livereload's watcher, told of changes by the operating system (watchfiles,
inotify on Linux) instead of looking at every watched file's time every 0.8 s:
at 8,000 articles that look costs the machine a walk of the content folder
several times a second, and a save waits for the next one, 0.4 s on average.

Folders are watched recursively; a single file (pelicanconf.py) through its
folder, so a save that replaces the file, as editors do, is still seen.
"""

import os
import threading

import watchfiles
from livereload.watcher import Watcher
from tornado import ioloop


class NotifiedWatcher(Watcher):
    """Runs a watched path's task when the system reports a change under it;
    livereload then reloads the browsers, as after a polled change."""

    def __init__(self):
        super().__init__()
        self._changed: set[str] = set()
        self._stop = threading.Event()

    def start(self, callback) -> bool:
        """Report changes from two threads (folders, and the folders of single
        files), each handing them to the server's loop, which runs `callback`
        (livereload's `poll_tasks`, which calls `examine`)."""
        loop = ioloop.IOLoop.current()
        paths = [os.path.abspath(path) for path in self._tasks]
        folders = [path for path in paths if os.path.isdir(path)]
        parents = {os.path.dirname(path) for path in paths if path not in folders}
        ready = []
        for watched, recursive in ((folders, True), (sorted(parents), False)):
            if watched:
                ready.append(threading.Event())
                threading.Thread(
                    target=self._report,
                    args=(watched, recursive, loop, callback, ready[-1]),
                    daemon=True,
                ).start()
        # A save made once this is printed is seen.
        for event in ready:
            event.wait()
        print("Watching for changes:", ", ".join(paths), flush=True)
        return True

    def stop(self) -> None:
        self._stop.set()

    def _report(self, paths, recursive, loop, callback, ready) -> None:
        # watchfiles watches once the generator starts, and says so by a first,
        # empty, set of changes after `rust_timeout` ms.
        for changes in watchfiles.watch(
            *paths,
            recursive=recursive,
            step=20,
            rust_timeout=100,
            yield_on_timeout=True,
            stop_event=self._stop,
            raise_interrupt=False,
        ):
            ready.set()
            if changes:
                found = {path for _, path in changes}
                loop.add_callback(self._notified, found, callback)

    def _notified(self, found: set[str], callback) -> None:
        self._changed |= found
        callback()

    def examine(self):
        """Run the task of each watched path with a change under it, not
        ignored: (a changed file, no delay); else livereload's own note (after
        a restart of its server), if any; else (None, None)."""
        changed, self._changed = self._changed, set()
        self.filepath = None
        for path, task in self._tasks.items():
            root = os.path.abspath(path)
            ignore = task["ignore"] or self.ignore
            hits = sorted(
                found
                for found in changed
                if (found == root or found.startswith(root + os.sep))
                and not ignore(found)
            )
            if hits:
                self.filepath = self.filepath or hits[0]
                if task["func"]:
                    task["func"]()
        if self.filepath is None and self._changes:
            return self._changes.pop()
        return self.filepath, None
