# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A clock shared by the module under test and the sandbox, whose sleeps take no real time."""

from __future__ import annotations

import threading
import time

from ansible_collections.cdnops.cdn.plugins.module_utils import _runner


class FakeClock:
    """Real time plus an offset; sleep() adds to the offset at once and records the wait (thread-safe).

    `start`: the epoch seconds now() returns at creation (default: the real time).
    """

    def __init__(self, start=None):
        self.offset = 0.0 if start is None else start - time.time()
        self.sleeps = []
        self.lock = threading.Lock()

    def now(self):
        return time.time() + self.offset

    def sleep(self, seconds):
        with self.lock:
            self.sleeps.append(seconds)
            self.offset += max(0.0, seconds)


def minute_start(minutes_ahead=10, second=10):
    """Epoch seconds `second` seconds into a calendar minute `minutes_ahead` minutes from now."""
    return (int(time.time() // 60) + minutes_ahead) * 60 + second


def use_clock(monkeypatch, clock):
    """Make every Transport that connect() builds use `clock` for its pacing, retries and polling."""
    real = _runner.Transport
    monkeypatch.setattr(_runner, 'Transport', lambda **options: real(clock=clock.now, sleep=clock.sleep, **options))
