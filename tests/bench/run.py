# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`make bench`: the collection run the way users run it, against the sandbox with a known latency, side by side with
what users use instead; prints a table (rows.py) and writes it as JSON. docs/benchmark.md explains every column.

Run it through `make bench ARGS='...'` (the venv's Python, ANSIBLE_COLLECTIONS_PATH set to the test tree, ANSIBLE_HOME
and temporary files in the checkout). Options: --latency-ms (50), --repeats (median of paired runs), --quick (small
sizes), --only PATTERN... (scenario IDs, shell-style patterns; --list shows them), --json PATH, --workdir DIR,
--skip-peers, --sample-max, --uri-max.
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [HERE, os.path.join(REPO, 'tests', 'sandbox')]

import cdn_sandbox  # noqa: E402  pylint: disable=wrong-import-position
import limits  # noqa: E402  pylint: disable=wrong-import-position
import measure  # noqa: E402  pylint: disable=wrong-import-position
import rows  # noqa: E402  pylint: disable=wrong-import-position

ALI_KEY, ALI_SECRET = 'LTAIsandboxDemoKey', 'sandbox-demo-secret'
JD_USER, JD_SECRET = 'sandbox_user', 'sandbox-demo-secret'
RAISED = 10 ** 7        # the daily URL quota and URLs per domain per minute of the list scenarios' account
WAIT_TASK_DELAY = 2.0   # seconds a task of the waiting scenarios stays Refreshing
PACING_LIMIT = 1000     # URLs per domain per minute in the pacing scenario (the 2021 documents' value)
PEERS = ('SDK:', 'uri loop')    # tools that are not the collection: their failure is a result, not the bench's


def ali_urls(count, domains):
    """`count` URLs over `domains` domains, interleaved (URL n on domain n mod domains), as a list sorted by path is."""
    return ['https://static%d.example.com/assets/%d/app.%d.js' % (n % domains, n // domains, n) for n in range(count)]


def jd_paths(count, object_type):
    """`count` JD URLs (one domain) or directories (ending in /)."""
    if object_type == 'directory':
        return ['https://static.example.com/release/dir%d/' % n for n in range(count)]
    return ['https://static.example.com/assets/%d/app.%d.js' % (n, n) for n in range(count)]


def thousands(number):
    return '{:,}'.format(number)


def estimate(wall, calls, sent, total, noun):
    """A slow peer measured on the first `sent` of `total` paths: (wall s, calls, note), scaled by total/sent."""
    note = 'measured on the first %s %s (%.1f s, %d calls); wall and calls scaled by %s/%s' % (
        thousands(sent), noun, wall, calls, thousands(total), thousands(sent))
    return wall * total / sent, round(calls * total / sent), note


class Bench:
    """The running sandbox, the children's environment and the measuring helpers every scenario uses."""

    def __init__(self, sandbox, options, workdir):
        self.sandbox = sandbox
        self.options = options
        self.workdir = workdir
        self.latency = options.latency_ms / 1000.0
        self.repeats = options.repeats
        self.bin = os.path.dirname(sys.executable)
        self.env = child_env(sandbox.url)
        self.runs = 0
        self.cache = {}     # slow peers' results, by (tool, paths)
        self.paths_file = {module: supports_paths_file(module, self.env, self.bin)
                           for module in ('alicdn_refresh', 'jdcdn_refresh')}

    # -- sandbox -----------------------------------------------------------------------------------------

    def fresh(self, **config):
        """Forget requests and tasks, and set the benchmark's account: raised quotas, `config` on top."""
        self.sandbox.reset()
        self.sandbox.set_config(**dict(dict(latency=self.latency, task_delay=WAIT_TASK_DELAY, alicdn_quota={'url': RAISED},
                                            alicdn_url_per_minute=RAISED), **config))

    def rate(self, action):
        """The sandbox's (vendor's) calls a second for an Alibaba action; None when unlimited."""
        return self.sandbox.config.alicdn_call_limits.get(action) or None

    # -- running -----------------------------------------------------------------------------------------

    def write(self, name, data):
        """Write `data` (a dict: JSON; a list: one line each) to workdir/name; returns the path."""
        path = os.path.join(self.workdir, name)
        with open(path, 'w', encoding='utf-8') as stream:
            if isinstance(data, dict):
                json.dump(data, stream)
            else:
                stream.write(''.join(line + '\n' for line in data))
        return path

    def adhoc(self, module, args, vars_file=None):
        """argv of `ansible localhost -m MODULE -a ARGS [-e @VARS_FILE]`."""
        argv = [os.path.join(self.bin, 'ansible'), 'localhost', '-m', module, '-a', args]
        return argv + (['-e', '@' + vars_file] if vars_file else [])

    def once(self, argv, reset=True):
        """Run argv once, measured (measure.run); adds 'calls': the sandbox log entries of the run."""
        if reset:
            self.sandbox.reset()
        first = len(self.sandbox.requests)
        self.runs += 1
        report = measure.run(argv, self.env, self.workdir, 'run%04d' % self.runs)
        report['calls'] = self.sandbox.requests[first:]
        return report

    def paired(self, product, ping, repeats=None, between=None):
        """`repeats` pairs of runs, each after a sandbox reset and `between()` (if given; e.g. a set-up submission):
        the ping baseline, then the product (argv lists). Returns [(product report, ping report)]."""
        pairs = []
        for dummy in range(repeats or self.repeats):
            self.sandbox.reset()
            if between:
                between()
            ping_report = self.once(ping, reset=False)
            pairs.append((self.once(product, reset=False), ping_report))
        return pairs

    def product_row(self, scenario, tool, pairs, min_calls, floor_s, note='', baseline=False, count=None):
        """A row from paired runs: medians, calls of the last run (every run's if they differ), ok from the results.

        `count`: which log entries are calls (default: all). Adds the module's error message to the note if it failed.
        """
        count = count or len
        walls = [product['wall_s'] for product, dummy in pairs]
        pings = [ping['wall_s'] for dummy, ping in pairs]
        calls = [count(product['calls']) for product, dummy in pairs]
        results = [measure.adhoc_result(product['stdout']) for product, dummy in pairs]
        notes = [note] if note else []
        if len(set(calls)) > 1:
            notes.append('calls per run: %s' % calls)
        ok = all(product['rc'] == 0 and not result.get('failed') for (product, dummy), result in zip(pairs, results))
        if not ok:
            notes.append('failed: %s' % (results[-1].get('msg') or measure.tail(pairs[-1][0]['stderr'])))
        if any(ping['rc'] != 0 for dummy, ping in pairs):
            notes.append('the ping baseline failed: %s' % measure.tail(pairs[-1][1]['stderr']))
        return rows.row(scenario, tool, statistics.median(walls), calls=calls[-1], min_calls=min_calls, floor_s=floor_s,
                        ansible_s=statistics.median(pings),
                        own_s=statistics.median(wall - ping for wall, ping in zip(walls, pings)),
                        peak_rss_mb=max(product['peak_rss_mb'] for product, dummy in pairs), ok=ok,
                        note='; '.join(notes), baseline=baseline)

    # -- scenarios ---------------------------------------------------------------------------------------

    def alicdn_list(self, size, domains):
        """alicdn_refresh on `size` URLs over `domains` domains (vars file, paths_file) and the two SDK scripts."""
        scenario = 'alicdn %s URLs / %d domain%s' % (thousands(size), domains, 's' if domains > 1 else '')
        urls = ali_urls(size, domains)
        vars_file = self.write('ali-%d-%d.json' % (size, domains), {'urls': urls})
        url_file = self.write('ali-%d-%d.txt' % (size, domains), urls)
        submits = limits.ali_submit_calls(urls)
        floor_s = limits.floor([(1, self.rate('DescribeRefreshQuota')), (submits, self.rate('RefreshObjectCaches'))],
                               self.latency)
        self.fresh()
        raised = ' domain_urls_per_minute=%d' % RAISED
        module = 'cdnops.cdn.alicdn_refresh'
        pairs = self.paired(self.adhoc(module, 'paths={{ urls }}' + raised, vars_file),
                            self.adhoc('ansible.builtin.ping', 'data={{ urls }}', vars_file))
        result = [self.product_row(scenario, 'alicdn_refresh (vars file)', pairs, 1 + submits, floor_s, baseline=True)]
        result.append(self.paths_file_row('alicdn_refresh', scenario, url_file, raised, 1 + submits, floor_s))
        if not self.options.skip_peers:
            result.append(self.sdk_row(scenario, 'sample', urls, 1 + submits, floor_s))
            result.append(self.sdk_row(scenario, 'best', urls, 1 + submits, floor_s))
        return result

    def paths_file_row(self, module, scenario, path_file, args, min_calls, floor_s):
        """The module given the list as `paths_file` (one path a line), if it has that option; else a skipped row."""
        tool = '%s (paths_file)' % module
        if not self.paths_file[module]:
            return rows.row(scenario, tool, None, ok=None,
                            note='skipped: cdnops.cdn.%s has no paths_file option (ansible-doc)' % module)
        pairs = self.paired(self.adhoc('cdnops.cdn.' + module, 'paths_file=%s%s' % (path_file, args)),
                            self.adhoc('ansible.builtin.ping', 'data=%s' % path_file))
        return self.product_row(scenario, tool, pairs, min_calls, floor_s)

    def sdk_row(self, scenario, pattern, urls, min_calls, floor_s):
        """One of sdk_refresh.py's patterns on `urls`; the sample pattern (1 s a call) runs once, on at most
        --sample-max URLs, and a longer list's time is then estimated from it."""
        if pattern == 'sample':
            tool, cap, repeats = 'SDK: sample pattern, legacy SDK', self.options.sample_max, 1
        else:
            tool, cap, repeats = 'SDK: best script, current SDK', None, self.repeats
        subset = urls[:cap] if cap else urls
        key = (pattern, tuple(subset))
        if key not in self.cache:
            url_file = self.write('sdk-%s-%d.txt' % (pattern, self.runs), subset)
            argv = [sys.executable, os.path.join(HERE, 'sdk_refresh.py'), pattern, url_file, self.sandbox.url.split('//')[1]]
            self.fresh()
            self.cache[key] = [self.once(argv) for dummy in range(repeats)]
        reports = self.cache[key]
        last = reports[-1]
        with open(last['stdout'], encoding='utf-8') as stream:
            lines = stream.read().splitlines()
        outcome = json.loads(lines[-1]) if lines else {'error': measure.tail(last['stderr'])}
        calls = len([entry for entry in last['calls'] if entry['action'] == 'RefreshObjectCaches'])
        wall = statistics.median(report['wall_s'] for report in reports)
        notes = ['%d submission%s accepted' % (outcome.get('calls', 0), '' if outcome.get('calls') == 1 else 's'),
                 'no quota read']
        ok = last['rc'] == 0
        if not ok:
            notes.append('stopped at the first error: %s' % outcome.get('error'))
        elif len(subset) < len(urls):
            wall, calls, note = estimate(wall, calls, len(subset), len(urls), 'URLs')
            notes.append(note)
            tool += ' (est.)'
        return rows.row(scenario, tool, wall, calls=calls, min_calls=min_calls, floor_s=floor_s,
                        peak_rss_mb=max(report['peak_rss_mb'] for report in reports), ok=ok, note='; '.join(notes))

    def jdcdn_list(self, count, object_type):
        """jdcdn_refresh on `count` URLs or directories (vars file, paths_file), and a uri loop per path."""
        kind = 'URLs' if object_type == 'file' else 'directories'
        scenario = 'jdcdn %s %s' % (thousands(count), kind)
        paths = jd_paths(count, object_type)
        vars_file = self.write('jd-%s-%d.json' % (object_type, count), {'urls': paths})
        path_file = self.write('jd-%s-%d.txt' % (object_type, count), paths)
        submits = limits.jd_submit_calls(count, object_type)
        floor_s = limits.floor([(submits, None)], self.latency)
        self.fresh()
        args = ' object_type=%s' % object_type
        pairs = self.paired(self.adhoc('cdnops.cdn.jdcdn_refresh', 'paths={{ urls }}' + args, vars_file),
                            self.adhoc('ansible.builtin.ping', 'data={{ urls }}', vars_file))
        result = [self.product_row(scenario, 'jdcdn_refresh (vars file)', pairs, submits, floor_s, baseline=True)]
        result.append(self.paths_file_row('jdcdn_refresh', scenario, path_file, args, submits, floor_s))
        if not self.options.skip_peers:
            result.append(self.uri_row(scenario, paths, object_type, submits, floor_s))
        return result

    def uri_row(self, scenario, paths, object_type, min_calls, floor_s):
        """jd_uri_loop.yml (one uri call per path), once, on at most --uri-max paths; a longer list is estimated."""
        subset = paths[:self.options.uri_max]
        tool = 'uri loop, MD5 in Jinja'
        vars_file = self.write('uri-%d.json' % self.runs, {
            'paths': subset, 'jd_endpoint': self.sandbox.url, 'jd_username': JD_USER, 'jd_secret_key': JD_SECRET,
            'jd_type': 'dir' if object_type == 'directory' else 'file'})
        self.fresh()
        report = self.once([os.path.join(self.bin, 'ansible-playbook'), os.path.join(HERE, 'jd_uri_loop.yml'),
                            '-e', '@' + vars_file])
        calls = len(report['calls'])
        wall = report['wall_s']
        notes = []
        ok = report['rc'] == 0
        if not ok:
            notes.append('failed: %s' % measure.tail(report['stdout']))
        elif len(subset) < len(paths):
            wall, calls, note = estimate(wall, calls, len(subset), len(paths), 'paths')
            notes.append(note)
            tool += ' (est.)'
        return rows.row(scenario, tool, wall, calls=calls, min_calls=min_calls, floor_s=floor_s,
                        peak_rss_mb=report['peak_rss_mb'], ok=ok, note='; '.join(notes))

    def wait_alicdn(self):
        """20 Alibaba tasks (1 URL on each of 20 domains): alicdn_refresh wait=true, then alicdn_refresh_info on
        their 20 task IDs (quota=false), each paired with ping on the same list."""
        scenario = 'alicdn wait: 20 tasks'
        urls = ali_urls(20, 20)
        vars_file = self.write('wait-ali.json', {'urls': urls})
        submits = limits.ali_submit_calls(urls)
        per_round = limits.query_calls(20, limits.ALI_IDS_PER_QUERY)
        before = limits.floor([(1, self.rate('DescribeRefreshQuota')), (submits, self.rate('RefreshObjectCaches'))],
                              self.latency)
        by_id = self.rate('DescribeRefreshTaskById')
        floor_s = limits.wait_floor(before, self.latency, WAIT_TASK_DELAY, per_round, by_id)
        self.fresh()
        pairs = self.paired(self.adhoc('cdnops.cdn.alicdn_refresh', 'paths={{ urls }} wait=true', vars_file),
                            self.adhoc('ansible.builtin.ping', 'data={{ urls }}', vars_file))
        polls = [[entry for entry in product['calls'] if entry['action'] == 'DescribeRefreshTaskById']
                 for product, dummy in pairs]
        made = limits.rounds(polls[-1], lambda entry: entry['params'].get('TaskId', '').split(','))
        least = sum(limits.query_calls(ids, limits.ALI_IDS_PER_QUERY) for dummy, ids in made)
        row = self.product_row(scenario, 'alicdn_refresh wait=true', pairs, 1 + submits + least, floor_s,
                               note='%d poll rounds, DescribeRefreshTaskById calls a round: %s, for %s task IDs '
                               '(10 a call)' % (len(made), [calls for calls, dummy in made], [ids for dummy, ids in made]))
        return [row, self.info_row(scenario, 'alicdn_refresh_info', ' quota=false', vars_file, 'DescribeRefreshTaskById',
                                   per_round, by_id)]

    def wait_jdcdn(self):
        """20 JD tasks (2,000 URLs, 100 a call): jdcdn_refresh wait=true, then jdcdn_refresh_info on the 20 task IDs."""
        scenario = 'jdcdn wait: 20 tasks'
        paths = jd_paths(2000, 'file')
        vars_file = self.write('wait-jd.json', {'urls': paths})
        submits = limits.jd_submit_calls(len(paths))
        floor_s = limits.wait_floor(limits.floor([(submits, None)], self.latency), self.latency, WAIT_TASK_DELAY,
                                    submits, None)
        self.fresh()
        pairs = self.paired(self.adhoc('cdnops.cdn.jdcdn_refresh', 'paths={{ urls }} wait=true', vars_file),
                            self.adhoc('ansible.builtin.ping', 'data={{ urls }}', vars_file))
        polls = [entry for entry in pairs[-1][0]['calls'] if entry['action'] == 'refreshQuery']
        made = limits.rounds(polls, lambda entry: [entry['params'].get('taskid')])
        least = sum(limits.query_calls(ids, limits.JD_IDS_PER_QUERY) for dummy, ids in made)
        row = self.product_row(scenario, 'jdcdn_refresh wait=true', pairs, submits + least, floor_s,
                               note='%d poll rounds, refreshQuery calls a round: %s, for %s task IDs (1 a call)'
                               % (len(made), [calls for calls, dummy in made], [ids for dummy, ids in made]))
        return [row, self.info_row(scenario, 'jdcdn_refresh_info', '', vars_file, 'refreshQuery', submits, None)]

    def info_row(self, scenario, module, args, vars_file, action, min_calls, rate):
        """`module` (an _info module) on the task IDs of a refresh of the vars file's URLs made (unmeasured) just
        before each measured run; only `action` calls count. The IDs reach the argv through a file lookup."""
        refresh = 'cdnops.cdn.%s' % module.replace('_info', '')
        id_file = os.path.join(self.workdir, 'task-ids.txt')

        def submit():
            report = self.once(self.adhoc(refresh, 'paths={{ urls }}', vars_file), reset=False)
            with open(id_file, 'w', encoding='utf-8') as stream:
                stream.write(','.join(measure.adhoc_result(report['stdout']).get('task_ids') or []))

        lookup = "{{ lookup('file', '%s') }}" % id_file
        pairs = self.paired(self.adhoc('cdnops.cdn.' + module, 'task_ids=%s%s' % (lookup, args)),
                            self.adhoc('ansible.builtin.ping', 'data=%s' % lookup), between=submit)
        with open(id_file, encoding='utf-8') as stream:
            ids = len([task_id for task_id in stream.read().split(',') if task_id])
        return self.product_row(scenario, '%s, %d task IDs' % (module, ids), pairs, min_calls,
                                limits.floor([(min_calls, rate)], self.latency),
                                count=lambda entries: len([entry for entry in entries if entry['action'] == action]))

    def pacing(self):
        """2,000 URLs on one domain with 1,000 URLs per domain per minute (sandbox and module option): the second call
        must wait for the vendor's next minute. Runs once (it waits for a real minute boundary, up to 60 s)."""
        scenario = 'alicdn pacing: 2,000 URLs, 1,000/min'
        urls = ali_urls(2000, 1)
        vars_file = self.write('pacing.json', {'urls': urls})
        url_file = self.write('pacing.txt', urls)
        submits = limits.ali_submit_calls(urls)
        self.fresh(alicdn_url_per_minute=PACING_LIMIT)
        pairs = self.paired(self.adhoc('cdnops.cdn.alicdn_refresh', 'paths={{ urls }} domain_urls_per_minute=%d'
                                       % PACING_LIMIT, vars_file),
                            self.adhoc('ansible.builtin.ping', 'data={{ urls }}', vars_file), repeats=1)
        calls = pairs[0][0]['calls']
        accepted = [entry for entry in calls if entry['action'] == 'RefreshObjectCaches' and entry['code'] is None]
        refused = len([entry for entry in calls if entry['action'] == 'RefreshObjectCaches' and entry['code']])
        floor_s, notes = None, ['runs once']
        if accepted:
            wait = limits.minute_wait(accepted[0]['time'], len(urls), PACING_LIMIT)
            floor_s = limits.floor([(1, self.rate('DescribeRefreshQuota'))], self.latency) + wait + self.latency
            notes.append('first submission at second %.1f of its minute, so the vendor accepts the rest %.1f s later '
                         '(floor: quota call + that wait + one call)' % (accepted[0]['time'] % 60, wait))
        result = measure.adhoc_result(pairs[0][0]['stdout'])
        notes.append('paced_seconds %s, refused calls %d' % (result.get('paced_seconds'), refused))
        rows_ = [self.product_row(scenario, 'alicdn_refresh (vars file)', pairs, 1 + submits, floor_s,
                                  note='; '.join(notes))]
        if not self.options.skip_peers:
            argv = [sys.executable, os.path.join(HERE, 'sdk_refresh.py'), 'best', url_file, self.sandbox.url.split('//')[1]]
            self.fresh(alicdn_url_per_minute=PACING_LIMIT)
            report = self.once(argv)
            with open(report['stdout'], encoding='utf-8') as stream:
                lines = stream.read().splitlines()
            outcome = json.loads(lines[-1]) if lines else {}
            rows_.append(rows.row(scenario, 'SDK: best script, current SDK', report['wall_s'], calls=len(report['calls']),
                                  min_calls=1 + submits, peak_rss_mb=report['peak_rss_mb'], ok=report['rc'] == 0,
                                  note='no pacing: %d submission(s) accepted, then %s' % (
                                      outcome.get('calls', 0), outcome.get('error') or 'done')))
        return rows_

    def role(self):
        """The role on 1,000 hosts (tests/bench/role.py, another helper's: its rows() follows rows.py)."""
        try:
            import role  # pylint: disable=import-outside-toplevel
        except ImportError as exc:
            if getattr(exc, 'name', None) != 'role':
                raise
            return [rows.row('role cdn_refresh, 1,000 hosts', 'cdnops.cdn.cdn_refresh', None, ok=None,
                             note='skipped: tests/bench/role.py is not there yet')]
        self.fresh()
        workdir = os.path.join(self.workdir, 'role')
        os.makedirs(workdir, exist_ok=True)
        result = role.rows(self.sandbox, dict(self.env), self.repeats, workdir, hosts=1000, quick=self.options.quick)
        rows.check(result)
        return result


def child_env(url):
    """The environment of every measured command: this one (the Makefile's ANSIBLE_COLLECTIONS_PATH, ANSIBLE_HOME...)
    without any Alibaba or JD credential, plus the sandbox's endpoints and demo credentials."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(('ALIBABA_CLOUD_', 'ALICLOUD_', 'ALICDN_', 'JDCDN_', 'ALIYUN_'))}
    env.update(NO_PROXY='127.0.0.1,localhost', no_proxy='127.0.0.1,localhost',
               ALIBABA_CLOUD_ACCESS_KEY_ID=ALI_KEY, ALIBABA_CLOUD_ACCESS_KEY_SECRET=ALI_SECRET, ALICDN_ENDPOINT=url,
               JDCDN_USERNAME=JD_USER, JDCDN_SECRET_KEY=JD_SECRET, JDCDN_ENDPOINT=url,
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false')
    return env


def supports_paths_file(module, env, bin_dir):
    """Whether `ansible-doc cdnops.cdn.MODULE` documents a paths_file option."""
    done = subprocess.run([os.path.join(bin_dir, 'ansible-doc'), '--json', 'cdnops.cdn.' + module], env=env,
                          capture_output=True, text=True, check=False)
    try:
        doc = json.loads(done.stdout)['cdnops.cdn.' + module]['doc']
    except (ValueError, KeyError):
        raise SystemExit('ansible-doc cdnops.cdn.%s failed (is ANSIBLE_COLLECTIONS_PATH set? run `make bench`): %s'
                         % (module, done.stderr.strip()[-500:]))
    return 'paths_file' in doc.get('options', {})


def scenarios(quick):
    """[(ID, method name, arguments)] in the order they run; --only patterns match the IDs."""
    sizes = (200,) if quick else (1000, 10000, 100000)
    jd_files, jd_dirs = (200, 10) if quick else (2000, 50)
    found = [('alicdn-%d-%dd' % (size, domains), 'alicdn_list', (size, domains))
             for size in sizes for domains in (1, 20)]
    found += [('jdcdn-%d-urls' % jd_files, 'jdcdn_list', (jd_files, 'file')),
              ('jdcdn-%d-dirs' % jd_dirs, 'jdcdn_list', (jd_dirs, 'directory')),
              ('wait-alicdn', 'wait_alicdn', ()), ('wait-jdcdn', 'wait_jdcdn', ()),
              ('pacing', 'pacing', ()), ('role', 'role', ())]
    return found


def meta(options, latency):
    """What the numbers depend on: date, machine, versions, settings."""
    from ansible.release import __version__ as core  # pylint: disable=import-outside-toplevel
    return {
        'date': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'),
        'machine': '%s, %s, %d CPUs, %s' % (platform.node(), platform.machine(), os.cpu_count() or 0,
                                            platform.platform(terse=True)),
        'ansible_core': core, 'python': platform.python_version(), 'latency_s': latency, 'repeats': options.repeats,
        'quick': options.quick, 'sample_max': options.sample_max, 'uri_max': options.uri_max,
        'only': options.only, 'load_average': [round(load, 2) for load in os.getloadavg()],
    }


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--latency-ms', type=float, default=50.0, help='added to every sandbox answer (default 50)')
    parser.add_argument('--repeats', type=int, help='paired runs per row, the median is shown (default 3, quick 1)')
    parser.add_argument('--quick', action='store_true', help='small sizes, for a smoke run')
    parser.add_argument('--only', nargs='+', metavar='SCENARIO', help='scenario IDs or shell patterns (see --list)')
    parser.add_argument('--list', action='store_true', help='list the scenario IDs and exit')
    parser.add_argument('--json', default=os.path.join(REPO, 'tests', 'output', 'bench', 'bench.json'),
                        help='where to write the rows as JSON (default tests/output/bench/bench.json)')
    parser.add_argument('--workdir', default=os.path.join(REPO, 'tests', 'output', 'bench', 'work'),
                        help='scratch directory, emptied first: lists, outputs of every run (default tests/output/bench/work)')
    parser.add_argument('--skip-peers', action='store_true', help='only the collection, none of what users use instead')
    parser.add_argument('--sample-max', type=int, help='URLs the SDK sample pattern really sends (1 s a call); longer '
                        'lists are estimated from that run (default 1,000, quick 100)')
    parser.add_argument('--uri-max', type=int, help='paths the uri loop really sends; longer lists are estimated '
                        '(default 100, quick 10)')
    options = parser.parse_args(argv)
    if options.quick:
        defaults = dict(repeats=1, sample_max=100, uri_max=10)
    else:
        defaults = dict(repeats=3, sample_max=1000, uri_max=100)
    for name, value in defaults.items():
        if getattr(options, name) is None:
            setattr(options, name, value)
    return options


def main(argv=None):
    options = parse(argv)
    chosen = [scenario for scenario in scenarios(options.quick)
              if not options.only or any(fnmatch.fnmatchcase(scenario[0], pattern) for pattern in options.only)]
    if options.list or not chosen:
        print('\n'.join(scenario[0] for scenario in scenarios(options.quick)))
        return 0 if options.list else 2
    workdir = os.path.abspath(options.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)
    latency = options.latency_ms / 1000.0
    info = meta(options, latency)
    print('cdnops.cdn benchmark, %(date)s, %(machine)s, ansible-core %(ansible_core)s, Python %(python)s' % info)
    print('sandbox latency %.0f ms; median of %d paired run(s); scenarios: %s\n'
          % (options.latency_ms, options.repeats, ' '.join(scenario[0] for scenario in chosen)), flush=True)
    found = []
    with cdn_sandbox.Sandbox(port=0, latency=latency) as sandbox:
        bench = Bench(sandbox, options, workdir)
        for ident, method, args in chosen:
            print('--- %s' % ident, file=sys.stderr, flush=True)
            try:
                made = getattr(bench, method)(*args)
            except Exception as exc:  # pylint: disable=broad-exception-caught  # one broken scenario: say so, go on
                traceback.print_exc()
                made = [rows.row(ident, 'the benchmark itself', None, ok=False, note='crashed: %r' % exc)]
            found.extend(made)
            print(rows.table(made) + '\n', file=sys.stderr, flush=True)
    print(rows.table(found))
    os.makedirs(os.path.dirname(os.path.abspath(options.json)), exist_ok=True)
    with open(options.json, 'w', encoding='utf-8') as stream:
        json.dump({'meta': info, 'rows': found}, stream, indent=1)
    print('\nwritten: %s' % options.json)
    failed = [item for item in found if item['ok'] is False and not item['tool'].startswith(PEERS)]
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
