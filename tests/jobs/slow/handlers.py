"""``slow_count``: counts to ``params["steps"]`` with a pause per step and writes the count to a file.
Idempotent like every job: a rerun from the start writes the same file."""

from __future__ import annotations

import os
import time

from jobs import registry, storage
from jobs.registry import JobFile


@registry.register("slow_count", "测试用慢任务")
def slow_count(job, progress):
    steps = int(job.params["steps"])
    path = storage.scratch_path(".txt")
    progress(0, steps)
    for done in range(1, steps + 1):
        time.sleep(float(job.params.get("pause", 0.2)))
        progress(done, steps)
    path.write_text(f"counted {steps} in pid {os.getpid()}\n")
    return JobFile(path, "count.txt", "text/plain")
