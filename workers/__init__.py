"""RQ jobs and schedules. Jobs are plain functions taking ids; each reloads its rows
and checks their status first, so running a job twice does nothing the second time."""
from __future__ import annotations
