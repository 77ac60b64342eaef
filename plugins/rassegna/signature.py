"""The site key: what every page may depend on without the template reading it
from its context. A change to any of it renders every page again."""

import hashlib
import os
import sys
from pathlib import Path

import jinja2
from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader
from pelican import __version__ as pelican_version

from .reads import Fingerprints, Unsure

UNSURE = "unsure:"


def digest(*parts) -> str:
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


def settings_key(settings: dict) -> str:
    """Every setting; functions (JINJA_FILTERS, JINJA_GLOBALS…) by their code.
    A setting that cannot be fingerprinted gives a key no other build shares."""
    try:
        values = {key: settings[key] for key in sorted(settings) if key.isupper()}
        return Fingerprints().deep(values)
    except Unsure:
        return UNSURE + os.urandom(8).hex()


def files_key(*folders: Path) -> str:
    """The contents of every file below `folders`."""
    hashed = hashlib.sha1()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            hashed.update(str(path.relative_to(folder)).encode())
            hashed.update(path.read_bytes())
    return hashed.hexdigest()


def _template_folders(loader) -> list[Path]:
    if isinstance(loader, FileSystemLoader):
        return [Path(p) for p in loader.searchpath]
    if isinstance(loader, ChoiceLoader):
        return [f for sub in loader.loaders for f in _template_folders(sub)]
    if isinstance(loader, PrefixLoader):
        return [f for sub in loader.mapping.values() for f in _template_folders(sub)]
    return []


def _plugin_modules(settings: dict) -> list[tuple[str, str]]:
    """The source of every loaded module of the site's plugins: those found in
    PLUGIN_PATHS and those named in PLUGINS."""
    folders = [os.path.abspath(p) for p in settings.get("PLUGIN_PATHS", [])]
    names = [str(p) for p in settings.get("PLUGINS") or []]
    found = []
    for name, module in sorted(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if not path:
            continue
        path = os.path.abspath(path)
        named = any(
            name == p or name.startswith((p + ".", "pelican.plugins." + p))
            for p in names
        )
        if named or any(path.startswith(folder + os.sep) for folder in folders):
            found.append((name, hashlib.sha1(Path(path).read_bytes()).hexdigest()))
    return found


def site_key(settings: dict, environments: list) -> str | None:
    """Pelican and Jinja, the settings, every template the environments can
    load, their filters, tests and globals, and the plugins' code. None when
    something cannot be fingerprinted: then every page is rendered."""
    settings_part = settings_key(settings)
    if settings_part.startswith(UNSURE):
        return None
    fingerprints = Fingerprints()
    folders = []
    jinja_parts = []
    try:
        for environment in environments:
            folders += _template_folders(environment.loader)
            jinja_parts.append(
                [
                    fingerprints.deep(dict(table))
                    for table in (
                        environment.filters,
                        environment.tests,
                        environment.globals,
                    )
                ]
            )
    except Unsure:
        return None
    return digest(
        pelican_version,
        jinja2.__version__,
        settings_part,
        files_key(*sorted(set(folders))),
        sorted(jinja_parts),
        _plugin_modules(settings),
    )
