"""Finding model files that ship inside installed Python packages.

The packages are located with `importlib.util.find_spec`, which does not import them: some
(silero-vad) would import torch on import, and all RealTalk needs is a data file.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def package_file(package: str, relative: str, *, distribution: str) -> Path:
    """`relative` inside the installed `package`; FileNotFoundError naming the pip package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {distribution} package is not installed (pip install {distribution})")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / relative
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{package}/{relative} not found in the {distribution} package")
