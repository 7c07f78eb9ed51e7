"""The Dask tests reuse the NumPy layer's tables, so tests/numpy is importable from
here. Each module skips itself without Dask (``pip install 'chainrule[dask]'``)."""

import pathlib
import sys


HERE = pathlib.Path(__file__).parent
for folder in (HERE, HERE.parent / "numpy"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
