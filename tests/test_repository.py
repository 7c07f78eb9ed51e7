"""The repository's text files hold no leftovers of an unresolved merge."""

import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDERS = ("chainrule", "docs", "examples", "benchmarks", "tests")


def test_no_merge_conflict_markers():
    files = [ROOT / "README.md"] + [path for folder in FOLDERS
                                     for path in (ROOT / folder).rglob("*")
                                     if path.suffix in (".py", ".md", ".toml", ".txt")]
    marked = [f"{path.relative_to(ROOT)}:{number}"
              for path in files
              for number, line in enumerate(path.read_text().splitlines(), 1)
              if line.startswith(("<<<<<<< ", ">>>>>>> "))]
    assert marked == [], f"unresolved merge in {marked}"
