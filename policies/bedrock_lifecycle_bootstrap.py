"""Make `checker` importable for the checks in this folder.

checkov executes every .py file of an external checks folder, this one too,
and puts each folder on sys.path first.  When `checker` is installed in
checkov's environment (`pip install --no-deps bedrock-lifecycle-checker`)
nothing happens here; when checkov loads this folder from a git clone
(`--external-checks-git`), the clone's root holds `checker/` and goes on the
path.
"""

import os
import sys

try:
    import checker  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
