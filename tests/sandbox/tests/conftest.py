# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the sandbox tests: every test starts its own Sandbox on port 0."""

from __future__ import annotations

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]
os.environ['NO_PROXY'] = os.environ['no_proxy'] = '127.0.0.1,localhost'

import cdn_sandbox  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture
def make_sandbox():
    started = []

    def start(**kwargs):
        kwargs.setdefault('task_delay', 0.2)
        sandbox = cdn_sandbox.Sandbox(port=0, **kwargs).start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(make_sandbox):
    return make_sandbox()
