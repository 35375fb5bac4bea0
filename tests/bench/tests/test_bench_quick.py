# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A smoke run of `make bench --quick` (the collection's rows only; no pacing, role or peers): every row ran, and made
exactly the fewest calls the vendors' limits allow. Times are printed, never asserted. About two minutes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import rows

BENCH = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(os.path.dirname(BENCH))


def collections_path(tmp_path):
    """ANSIBLE_COLLECTIONS_PATH as `make bench` sets it, else a directory whose ansible_collections/cdnops/cdn is this
    checkout (a symlink)."""
    if os.environ.get('ANSIBLE_COLLECTIONS_PATH'):
        return os.environ['ANSIBLE_COLLECTIONS_PATH']
    namespace = tmp_path / 'collections' / 'ansible_collections' / 'cdnops'
    namespace.mkdir(parents=True)
    (namespace / 'cdn').symlink_to(REPO)
    return str(tmp_path / 'collections')


def test_quick_run_makes_the_fewest_calls(tmp_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path(tmp_path))
    env.setdefault('ANSIBLE_HOME', str(tmp_path / 'ansible'))
    env.setdefault('ANSIBLE_LOCAL_TEMP', str(tmp_path / 'ansible' / 'tmp'))
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    output = tmp_path / 'bench.json'
    done = subprocess.run([sys.executable, os.path.join(BENCH, 'run.py'), '--quick', '--skip-peers', '--repeats', '1',
                           '--only', 'alicdn-*', 'jdcdn-*', 'wait-*', '--json', str(output),
                           '--workdir', str(tmp_path / 'work')],
                          env=env, capture_output=True, text=True, check=False, timeout=900)
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    report = json.loads(output.read_text())
    made = report['rows']
    rows.check(made)
    assert report['meta']['ansible_core'] and report['meta']['latency_s'] == 0.05
    ran = [item for item in made if item['ok'] is not None]
    assert {item['scenario'] for item in ran} == {
        'alicdn 200 URLs / 1 domain', 'alicdn 200 URLs / 20 domains', 'jdcdn 200 URLs', 'jdcdn 10 directories',
        'alicdn wait: 20 tasks', 'jdcdn wait: 20 tasks'}
    for item in ran:
        assert item['ok'] is True, item
        assert item['calls'] == item['min_calls'], item
        assert item['wall_s'] > item['floor_s'] > 0 and item['ansible_s'] > 0 and item['peak_rss_mb'] > 0, item
