"""From paths to units: `walk` (the safe walk), `survey` (the walk and the
first pass, shared out to the workers), `pool` (the scan's process pool),
`units` (files grouped into units by the registered sources)."""

from checker.discovery.pool import LazyPool
from checker.discovery.walk import SKIP_DIRS, display_path, inside, is_within, walk

__all__ = ["SKIP_DIRS", "LazyPool", "display_path", "inside", "is_within", "walk"]
