"""The arrows between rooms (docs/ARCHITECTURE.md): each room imports only the rooms below it; core imports
none. An import the other way, even inside a function, fails here."""

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROOMS = ("core", "accounts", "applications", "reviews", "committee")
# Each room and the rooms it may import. config (settings, URLs, Celery) wires them all and is not a room.
MAY_IMPORT = {
    "core": set(),
    "accounts": {"core"},
    "applications": {"core", "accounts"},
    "reviews": {"core", "accounts", "applications"},
    "committee": {"core", "accounts", "applications", "reviews"},
}


def imported_rooms(path: pathlib.Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in ROOMS:
                yield top, node.lineno


@pytest.mark.parametrize("room", ROOMS)
def test_a_room_imports_only_the_rooms_below_it(room):
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {other}"
        for path in sorted((ROOT / room).rglob("*.py"))
        if "migrations" not in path.parts
        for other, line in imported_rooms(path)
        if other != room and other not in MAY_IMPORT[room]
    ]
    assert wrong == []


def test_the_table_covers_every_room():
    assert set(MAY_IMPORT) == set(ROOMS)
    assert {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()} == set(ROOMS)


def test_each_rooms_urls_live_in_its_urls_py():
    """One URL table per room: no view module keeps a list of its own that urls.py splices in."""
    elsewhere = [
        str(path.relative_to(ROOT))
        for room in ROOMS
        for path in sorted((ROOT / room).rglob("*.py"))
        if path.name != "urls.py"
        and any(
            isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "urlpatterns" for t in node.targets)
            for node in ast.parse(path.read_text(encoding="utf-8")).body
        )
    ]
    assert elsewhere == []


def test_documents_the_code_cites_are_in_the_repository():
    import re

    cited = {
        (str(path.relative_to(ROOT)), name)
        for room in (*ROOMS, "config", "tests")
        for path in (ROOT / room).rglob("*.py")
        for name in re.findall(r"[\w/.-]*\b[A-Z][A-Z_]+\.md\b", path.read_text(encoding="utf-8"))
    }
    missing = [f"{where} cites {name}" for where, name in sorted(cited) if not (ROOT / name).exists()]
    assert cited and missing == []


def test_no_room_uses_another_rooms_private_names():
    """Another room's `_helper` is not an interface: a room needing it asks for a public function."""
    wrong = []
    for room in ROOMS:
        for path in sorted((ROOT / room).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            other_modules = set()
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    if node.module.split(".")[0] in ROOMS and node.module.split(".")[0] != room:
                        wrong += [
                            f"{path.relative_to(ROOT)}:{node.lineno} {a.name}" for a in node.names if a.name[0] == "_"
                        ]
                        other_modules |= {a.asname or a.name for a in node.names}
                elif isinstance(node, ast.Import):
                    for alias in node.names:
                        if alias.name.split(".")[0] in ROOMS and alias.name.split(".")[0] != room:
                            other_modules.add(alias.asname or alias.name.split(".")[0])
            wrong += [
                f"{path.relative_to(ROOT)}:{node.lineno} {node.value.id}.{node.attr}"
                for node in ast.walk(tree)
                if isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in other_modules
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and node.attr not in ("_meta", "_default_manager")
            ]
    assert wrong == []
