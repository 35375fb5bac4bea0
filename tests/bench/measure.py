# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run one command as a whole process and measure it: wall time, exit code, peak memory, its output.

A fresh Python child (WRAPPER) starts the command, waits for it, and reports the wall time it measured around the
command and getrusage(RUSAGE_CHILDREN).ru_maxrss: the peak resident set of the largest process of the command's tree
(every descendant that was waited for; Ansible waits for its workers and modules). The wrapper's own start-up is not
in the wall time, and its memory is not in the peak, since only the command's tree is its children.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

WRAPPER = r'''
import json, resource, subprocess, sys, time
out, err = sys.argv[1], sys.argv[2]
with open(out, 'wb') as stdout, open(err, 'wb') as stderr:
    start = time.perf_counter()
    rc = subprocess.call(sys.argv[3:], stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL)
    wall = time.perf_counter() - start
print(json.dumps({'rc': rc, 'wall_s': wall, 'maxrss_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
'''


def run(argv, env, workdir, name):
    """Run `argv` (a list) with `env` (a dict) and cwd `workdir`; stdout and stderr go to workdir/name.out and .err.

    Returns {'rc': int, 'wall_s': float seconds, 'peak_rss_mb': float MiB, 'stdout': str path, 'stderr': str path}.
    Raises RuntimeError if the wrapper itself fails (not when the command does: that is its rc).
    """
    out = os.path.join(workdir, name + '.out')
    err = os.path.join(workdir, name + '.err')
    done = subprocess.run([sys.executable, '-c', WRAPPER, out, err] + list(argv), env=env, cwd=workdir,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError('measuring %s failed: %s' % (argv[0], done.stderr.strip()[-2000:]))
    report = json.loads(done.stdout)
    return {'rc': report['rc'], 'wall_s': report['wall_s'], 'peak_rss_mb': report['maxrss_kib'] / 1024.0,
            'stdout': out, 'stderr': err}


def adhoc_result(path):
    """The module result an ad-hoc `ansible HOST -m MODULE` printed to `path` (the default minimal callback:
    `HOST | STATUS => {json}`), as a dict; {} when there is none (e.g. an error before the module ran)."""
    with open(path, encoding='utf-8', errors='replace') as stream:
        text = stream.read()
    marker = text.find(' => {')
    if marker < 0:
        return {}
    try:
        return json.JSONDecoder().raw_decode(text, marker + 4)[0]
    except ValueError:
        return {}


def tail(path, limit=300):
    """The last `limit` characters of a text file, on one line (for a row's note)."""
    with open(path, encoding='utf-8', errors='replace') as stream:
        text = stream.read()
    return ' '.join(text[-limit:].split())
