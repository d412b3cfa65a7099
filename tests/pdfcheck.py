"""What every PDF the portal issues must be (issue 14): tagged PDF/UA-1 with a structure tree in reading order,
its fonts embedded, its text extractable as real glyphs. Checked with poppler (pdfinfo, pdffonts, pdftotext),
the tools a reader of the issue used, and pypdf for the structure tree.
"""

from __future__ import annotations

import dataclasses
import io
import re
import shutil
import subprocess

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from tests import services


def _run(tool: str, data: bytes, *args: str) -> str:
    services.need(tool, shutil.which(tool) is not None, "apt-get install poppler-utils")
    return subprocess.run(
        [tool, *args, "-", *(["-"] if tool == "pdftotext" else [])], input=data, capture_output=True, check=True
    ).stdout.decode()


def pdfinfo(data: bytes) -> dict[str, str]:
    out = _run("pdfinfo", data)
    return {key.strip(): value.strip() for key, _, value in (line.partition(":") for line in out.splitlines())}


def pdffonts(data: bytes) -> list[dict[str, str]]:
    """One row per font: name, type, and the `emb` column (yes/no)."""
    lines = _run("pdffonts", data).splitlines()
    header, rule, rows = lines[0], lines[1], lines[2:]
    # the columns are as wide as the dashes under their names
    spans = [match.span() for match in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() for a, b in spans]
    return [{name: row[a:b].strip() for name, (a, b) in zip(names, spans, strict=True)} for row in rows if row.strip()]


def pdftext(data: bytes, *, page: int | None = None) -> str:
    """The text pdftotext extracts, of the whole file or of one page (from 1)."""
    return _run("pdftotext", data, *(["-f", str(page), "-l", str(page)] if page else []))


def _resolve(obj):
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def structure(data: bytes) -> list[tuple[str, DictionaryObject]]:
    """The structure elements in document order (depth first), as (type, element)."""
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    found: list[tuple[str, DictionaryObject]] = []

    def walk(node):
        node = _resolve(node)
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject) and "/S" in node:
            found.append((str(node["/S"]), node))
            if "/K" in node:
                walk(node["/K"])

    tree = _resolve(root["/StructTreeRoot"])
    walk(tree.get("/K", ArrayObject()))
    return found


@dataclasses.dataclass
class Checked:
    info: dict[str, str]
    fonts: list[dict[str, str]]
    text: str
    tags: list[str]


def assert_accessible(data: bytes, *, language: str, title: str, expected: list[str], version: str = "1.7") -> Checked:
    """The checks each PDF kind passes; `expected` are phrases pdftotext must find, in this order. `version`:
    PDF/UA-1 is built on PDF 1.7 (ISO 32000-1), signed files included (core.signing keeps them 1.7)."""
    assert data.startswith(b"%PDF-")
    info = pdfinfo(data)
    assert info["Tagged"] == "yes", info
    assert info["PDF version"] == version, info
    assert title in info.get("Title", ""), info  # PDF/UA: the title is the document's, and readers show it
    reader = PdfReader(io.BytesIO(data))
    catalog = reader.trailer["/Root"]
    assert str(catalog["/Lang"]).startswith(language), catalog.get("/Lang")
    assert bool(_resolve(catalog["/ViewerPreferences"])["/DisplayDocTitle"])
    assert "pdfuaid" in (reader.xmp_metadata.stream.get_data().decode() if reader.xmp_metadata else "")

    fonts = pdffonts(data)
    assert fonts and all(font["emb"] == "yes" for font in fonts), fonts

    tags = [kind for kind, _ in structure(data)]
    assert "/Table" in tags and "/TH" in tags and "/TD" in tags, tags  # tables are tables, not loose text
    for kind, element in structure(data):
        if kind == "/Figure":  # every image says what it shows
            assert str(element.get("/Alt", "")).strip(), element

    text = pdftext(data)
    flat = re.sub(r"\s+", " ", text)
    position = 0
    for phrase in expected:
        found = flat.find(phrase, position)
        assert found >= 0, f"{phrase!r} not found after position {position} in the extracted text:\n{text}"
        position = found + len(phrase)
    return Checked(info=info, fonts=fonts, text=text, tags=tags)
