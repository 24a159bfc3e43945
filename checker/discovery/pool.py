"""The one process pool of a scan."""

from __future__ import annotations

import os
from concurrent.futures import Executor


class LazyPool:
    """One process pool for a whole scan (walk and first pass, then parsing),
    started only when some stage finds enough work to pay for it."""

    def __init__(self, jobs: int = 0) -> None:
        self.workers = jobs or (os.cpu_count() or 1)
        self._pool: Executor | None = None

    def get(self) -> Executor | None:
        if self.workers <= 1:
            return None
        if self._pool is None:
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(max_workers=self.workers)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None
