"""Files on storage belong to rows that committed: the rule every room follows when it writes a file.

- `written_files()` wraps a transaction that writes files; if the block raises (the commit included), the
  files it wrote are deleted, so a rolled-back row leaves nothing behind.
- `store_generated()` stores a rendered PDF under a name fixed by its row; a file already at that name can
  only be left by an attempt that never committed (the caller holds the row's lock and the row has no file),
  so it is replaced rather than kept beside the new one.
- A process killed between writing and committing cannot clean up after itself: `sweep_orphans` deletes
  files no row refers to once they are older than a grace period (longer than any request or task).
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading

from django.apps import apps
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

log = logging.getLogger(__name__)
_local = threading.local()

# Folders under the storage root that hold files of rows (call documents and uploads included).
MANAGED_FOLDERS = ("applications", "calls", "receipts", "committee", "review-packets", "consultations", "exports")
ORPHAN_GRACE = datetime.timedelta(hours=6)


@contextlib.contextmanager
def written_files():
    """Track the files stored inside the block; delete them if the block fails."""
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    names: list[tuple] = []
    stack.append(names)
    try:
        yield names
    except BaseException:
        for storage, name in names:
            with contextlib.suppress(Exception):
                storage.delete(name)
                log.info("Deleted %s: its row did not commit", name)
        raise
    finally:
        stack.pop()
        if stack:  # an outer block owns them too: it decides when it ends
            stack[-1].extend(names)


def track(storage, name: str) -> None:
    stack = getattr(_local, "stack", None)
    if stack:
        stack[-1].append((storage, name))


def store_generated(fieldfile, name: str, content) -> None:
    """Save `content` (bytes, or a django File streamed in chunks) to `fieldfile` under the name its row fixes
    (replacing a never-committed leftover)."""
    target = fieldfile.field.generate_filename(fieldfile.instance, name)
    if fieldfile.storage.exists(target):
        fieldfile.storage.delete(target)
    fieldfile.save(name, content if isinstance(content, File) else ContentFile(content), save=False)
    track(fieldfile.storage, fieldfile.name)


def store_upload(fieldfile, name: str, upload) -> None:
    """Stream an upload to storage (chunk by chunk) and track it for deletion if its row does not commit."""
    fieldfile.save(name, upload, save=False)
    track(fieldfile.storage, fieldfile.name)


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names.update(model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True))
    return names


def sweep_upload_temp(*, now=None) -> list[str]:
    """Delete temporary upload files (FILE_UPLOAD_TEMP_DIR) older than the longest request: a worker killed
    during an upload leaves its temporary file behind; any younger one may belong to a running request."""
    import pathlib
    import time

    from django.conf import settings

    cutoff = (now or time.time()) - 2 * settings.PORTAL_REQUEST_MAX_SECONDS
    removed = []
    for path in pathlib.Path(settings.FILE_UPLOAD_TEMP_DIR).glob("*.upload*"):
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path.name)
    if removed:
        log.warning("Deleted %s temporary upload file(s) left by killed requests", len(removed))
    return removed


def sweep_orphans(*, now=None, storage=default_storage) -> list[str]:
    """Delete files under the managed folders that no row refers to and that are older than the grace period."""
    now = now or timezone.now()
    referenced = referenced_names()
    removed = []

    def walk(folder):
        try:
            directories, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        for directory in directories:
            yield from walk(f"{folder}/{directory}")
        for filename in files:
            yield f"{folder}/{filename}"

    for folder in MANAGED_FOLDERS:
        for name in walk(folder):
            if name in referenced:
                continue
            if now - storage.get_modified_time(name) < ORPHAN_GRACE:
                continue  # may belong to a request or task still running
            storage.delete(name)
            removed.append(name)
    if removed:
        log.warning("Deleted %s file(s) no row refers to: %s", len(removed), removed[:20])
    return removed
