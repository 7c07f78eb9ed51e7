"""docs/tutorial.md runs: its python blocks, in order, in one namespace; their
asserts are the tutorial's claims."""

import pathlib
import re

import pytest

TUTORIAL = pathlib.Path(__file__).resolve().parents[1] / "docs" / "tutorial.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", TUTORIAL.read_text(), flags=re.S | re.M)


def test_the_tutorial_has_its_steps():
    assert len(BLOCKS) >= 10


def test_every_block_runs_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks that write pictures write them here
    namespace: dict = {}
    for number, block in enumerate(BLOCKS, 1):
        try:
            exec(compile(block, f"docs/tutorial.md block {number}", "exec"), namespace)
        except Exception as error:  # name the block, keep the traceback
            pytest.fail(f"docs/tutorial.md block {number} failed: {error!r}\n{block}")
