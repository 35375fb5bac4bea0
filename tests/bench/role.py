#!/usr/bin/env python
# Copyright (c) 2026, cdnops.cdn contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The role cdnops.cdn.cdn_refresh on many hosts, in each form the docs show, against an empty role in the same form.

`make bench` calls rows(); run alone, `python tests/bench/role.py --hosts 300` starts its own sandbox and prints a
table. Each form is one playbook (FORMS), run with four roles (TOOLS):
- `bench_empty_role`, the baseline: no tasks (tasks/main.yml and tasks/handlers.yml empty, a handler that includes the
  empty tasks file), so the difference is what the role costs;
- `bench_ping_role`: two `ansible.builtin.ping` tasks, run_once, delegated to localhost: Ansible's own cost of running
  two modules once, the floor of any role that calls two modules;
- `bench_modules_role`: alicdn_refresh and jdcdn_refresh on the URLs the fleet asks for (written in), run_once,
  delegated to localhost: refreshing those URLs without the role, i.e. the modules' share of the role's cost;
- the role cdnops.cdn.cdn_refresh.
Runs are grouped (one of each per repeat, in an order that rotates between repeats, so a drift of the machine's load
hits all of them) and the table shows medians; the notes give CPU times (user + system of the process tree), which a
loaded machine disturbs less than wall times.

The inventory (make_inventory) is a fleet: `hosts` hosts with ansible_connection=local in group `web`; one host in
100 (at least 2) asks for three paths, alternately in group alicdn_sites and jdcdn_sites, whose group variables give
cdn_refresh_provider and cdn_refresh_base_url as docs/role.md shows; the others declare nothing. Credentials and
endpoints come from the environment, as AWX credential types inject them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ROLE = 'cdnops.cdn.cdn_refresh'
EMPTY = 'bench_empty_role'
# (kind, role, tool): what each row of a form runs; the first is the baseline.
TOOLS = (('empty', EMPTY, 'empty role'), ('ping', 'bench_ping_role', 'two ping tasks'),
         ('modules', 'bench_modules_role', 'the two module tasks'), ('role', ROLE, 'cdn_refresh'))
ASK_EVERY = 100   # one host in ASK_EVERY asks for paths
KEYS = ('scenario', 'tool', 'calls', 'min_calls', 'wall_s', 'floor_s', 'ansible_s', 'own_s', 'peak_rss_mb', 'ok',
        'note', 'baseline')
SANDBOX_ENV = {   # the sandbox's demo credentials (tests/sandbox/README.md), as AWX credential types inject them
    'ALIBABA_CLOUD_ACCESS_KEY_ID': 'LTAIsandboxDemoKey', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET': 'sandbox-demo-secret',
    'JDCDN_USERNAME': 'sandbox_user', 'JDCDN_SECRET_KEY': 'sandbox-demo-secret',
}

_PLAY = '- name: {name}\n  hosts: all\n  gather_facts: false\n'
# The forms of docs/role.md, docs/user-guide.md, docs/awx.md and README.md: (id, label, playbook text). {role} is the
# role's name, {topic} its handler's topic. The AWX form is the project's own playbook (awx/project/refresh_cdn.yml).
FORMS = (
    ('roles', 'roles:', _PLAY.format(name='roles') + '  roles:\n    - {role}\n'),
    ('import_role', 'import_role',
     _PLAY.format(name='import_role') + '  tasks:\n    - name: Refresh the CDN\n      ansible.builtin.import_role:\n'
     '        name: {role}\n'),
    ('include_role', 'include_role (per host)',
     _PLAY.format(name='include_role') + '  tasks:\n    - name: Refresh the CDN\n      ansible.builtin.include_role:\n'
     '        name: {role}\n'),
    ('include_role_once', 'include_role + run_once',
     _PLAY.format(name='include_role_once') + '  tasks:\n    - name: Refresh the CDN\n'
     '      ansible.builtin.include_role:\n        name: {role}\n      run_once: true\n'),
    ('handler', 'handler (import_role tasks_from: handlers, notify)',
     _PLAY.format(name='handler') + '  tasks:\n    - name: Load the handler\n      ansible.builtin.import_role:\n'
     '        name: {role}\n        tasks_from: handlers\n'
     '    - name: A deploy step that changed something\n      ansible.builtin.debug:\n        msg: deployed\n'
     '      changed_when: true\n      notify: {topic}\n      run_once: true\n'),
    ('awx', 'AWX refresh_cdn.yml (hosts: all)', None),
)
EMPTY_ROLE = {
    'tasks/main.yml': '---\n[]\n',
    'tasks/handlers.yml': '---\n[]\n',
    'handlers/main.yml': ('---\n- name: Refresh the CDN\n  ansible.builtin.include_tasks: "{{ role_path }}/tasks/main.yml"\n'
                          '  run_once: true\n  listen: %s\n' % EMPTY),
}


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as stream:
        stream.write(text)


def asking_hosts(hosts):
    """The indexes of the hosts that ask for paths: one in ASK_EVERY, at least 2 (one per provider)."""
    return list(range(0, hosts, ASK_EVERY)) if hosts >= 2 * ASK_EVERY else [0, hosts // 2]


def make_inventory(path, hosts):
    """Write the fleet's inventory (YAML-as-JSON) to `path`; returns {'alicdn': [URL], 'jdcdn': [URL]} asked for."""
    web = {}
    groups = {'alicdn_sites': {}, 'jdcdn_sites': {}}
    bases = {'alicdn': 'https://www.example.com', 'jdcdn': 'https://static.example.cn'}
    wanted = {'alicdn': [], 'jdcdn': []}
    for count, index in enumerate(asking_hosts(hosts)):
        provider = ('alicdn', 'jdcdn')[count % 2]
        name = 'web%05d' % index
        paths = ['/index.html', '/css/site.css', '/pages/%d.html' % index]
        groups[provider + '_sites'][name] = {'cdn_refresh_paths': paths}
        wanted[provider].extend(bases[provider] + path for path in paths)
    for index in range(hosts):
        name = 'web%05d' % index
        web[name] = None
    inventory = {'all': {
        'vars': {'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable},
        'children': {
            'web': {'hosts': web},
            'alicdn_sites': {'hosts': groups['alicdn_sites'],
                             'vars': {'cdn_refresh_provider': 'alicdn', 'cdn_refresh_base_url': bases['alicdn']}},
            'jdcdn_sites': {'hosts': groups['jdcdn_sites'],
                            'vars': {'cdn_refresh_provider': 'jdcdn', 'cdn_refresh_base_url': bases['jdcdn']}},
        }}}
    _write(path, json.dumps(inventory, indent=1))
    return {provider: list(dict.fromkeys(urls)) for provider, urls in wanted.items()}


def min_calls(wanted):
    """The fewest vendor calls for `wanted` ({provider: [URL]}): Alibaba 1 quota read + ceil(URLs / 1,000), JD
    ceil(URLs / 100) (the benchmark's convention, docs/benchmark.md); with the floor at `latency`: (calls, phases)."""
    ali = math.ceil(len(wanted['alicdn']) / 1000)
    jd = math.ceil(len(wanted['jdcdn']) / 100)
    return (1 + ali if ali else 0) + jd, ([1, ali] if ali else []) + ([jd] if jd else [])


def bench_role(kind, wanted):
    """The files of the bench role of `kind` (empty, ping or modules, see TOOLS): the empty role's, with tasks/main.yml
    replaced by two tasks for ping (two pings) and modules (alicdn_refresh and jdcdn_refresh on `wanted`)."""
    name = dict((which, role) for which, role, dummy in TOOLS)[kind]
    files = dict((path, text.replace(EMPTY, name)) for path, text in EMPTY_ROLE.items())
    tasks = ['---']
    for provider, vendor in (('alicdn', 'Alibaba Cloud CDN'), ('jdcdn', 'JD Cloud CDN')):
        if kind == 'modules' and wanted[provider]:
            tasks.append('- name: Refresh on %s\n  cdnops.cdn.%s_refresh:\n    paths: %s\n  run_once: true\n'
                         '  delegate_to: localhost' % (vendor, provider, json.dumps(wanted[provider])))
        elif kind == 'ping':
            tasks.append('- name: Ping for %s\n  ansible.builtin.ping:\n  run_once: true\n  delegate_to: localhost' % vendor)
    if kind != 'empty':
        files['tasks/main.yml'] = '\n'.join(tasks) + '\n'
    return files


def make_files(workdir, hosts):
    """The inventory, the bench roles and the playbooks under workdir/role-HOSTS; returns (directory, wanted)."""
    base = os.path.join(workdir, 'role-%d' % hosts)
    wanted = make_inventory(os.path.join(base, 'inventory.json'), hosts)
    for kind, role, dummy in TOOLS:
        if role != ROLE:
            for name, text in bench_role(kind, wanted).items():
                _write(os.path.join(base, 'roles', role, name), text)
    for form, dummy, text in FORMS:
        if text is None:   # the AWX project's playbook, as it is
            with open(os.path.join(REPO, 'awx', 'project', 'refresh_cdn.yml'), encoding='utf-8') as stream:
                text = stream.read().replace(ROLE, '{role}')
        for kind, role, dummy in TOOLS:
            _write(os.path.join(base, '%s-%s.yml' % (form, kind)), text.replace('{role}', role).replace('{topic}', role))
    return base, wanted


def run_playbook(base, playbook, env, name):
    """Run ansible-playbook on the fleet; returns {'rc', 'wall_s', 'cpu_s', 'peak_rss_mb', 'output'}.

    wall_s: seconds around the process; cpu_s: user + system seconds of its tree; peak_rss_mb: the peak resident set of
    its largest process (wait4's ru_maxrss covers the process and every descendant it waited for), MiB. stdout and
    stderr go to base/NAME.out.
    """
    output = os.path.join(base, name + '.out')
    command = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    argv = [command if os.path.exists(command) else 'ansible-playbook', '-i', 'inventory.json', playbook]
    with open(output, 'wb') as stream:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=base, env=env, stdout=stream, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        dummy, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status) if hasattr(os, 'waitstatus_to_exitcode') else status >> 8
    return {'rc': process.returncode, 'wall_s': wall, 'cpu_s': usage.ru_utime + usage.ru_stime,
            'peak_rss_mb': usage.ru_maxrss / 1024.0, 'output': output}


def _env(env, base, sandbox):
    env = dict(env)
    env.update(SANDBOX_ENV)
    env.update({
        'ALICDN_ENDPOINT': sandbox.url, 'JDCDN_ENDPOINT': sandbox.url, 'NO_PROXY': '127.0.0.1,localhost',
        'ANSIBLE_ROLES_PATH': os.path.join(base, 'roles'), 'ANSIBLE_NOCOLOR': '1', 'ANSIBLE_RETRY_FILES_ENABLED': '0',
    })
    return env


def measure_form(sandbox, env, base, form, repeats):
    """Grouped runs of one form: {kind: [run], 'calls': {kind: [int]}} for each kind of TOOLS (see run_playbook);
    repeat r runs them in an order rotated by r."""
    kinds = tuple(kind for kind, dummy, dummy2 in TOOLS)
    runs = dict((kind, []) for kind in kinds)
    runs['calls'] = dict((kind, []) for kind in kinds)
    for repeat in range(repeats):
        shift = repeat % len(kinds)
        for kind in kinds[shift:] + kinds[:shift]:
            sandbox.reset()
            result = run_playbook(base, '%s-%s.yml' % (form, kind), env, '%s-%s-%d' % (form, kind, repeat + 1))
            runs[kind].append(result)
            runs['calls'][kind].append(len(sandbox.requests))
    return runs


def rows(sandbox, env, repeats, workdir, hosts=1000, quick=False, forms=None):
    """The rows of the role scenarios (the keys of tests/bench/rows.py), four per form (TOOLS): the empty role (the
    scenario's baseline), two ping tasks, the two module tasks and the role. ansible_s is the empty role's median wall
    time in the same form, own_s the median of the paired differences to it, and the table's `x base` wall_s /
    ansible_s; the notes give CPU times and the role over the two module tasks. quick: at most 100 hosts, one repeat.
    forms: the form ids to run (default all)."""
    if quick:
        hosts, repeats = min(hosts, 100), 1
    base, wanted = make_files(workdir, hosts)
    env = _env(env, base, sandbox)
    latency = float(getattr(getattr(sandbox, 'config', None), 'latency', 0.0) or 0.0)
    least, phases = min_calls(wanted)
    floor = sum(latency for dummy in phases)   # one call a phase, each waits for the previous one's answer
    asked = '%d of %d hosts ask for %d URLs' % (len(asking_hosts(hosts)), hosts, len(wanted['alicdn']) + len(wanted['jdcdn']))
    result = []
    for form, label, dummy in FORMS:
        if forms and form not in forms:
            continue
        runs = measure_form(sandbox, env, base, form, repeats)
        scenario = 'role, %s hosts: %s' % ('{:,}'.format(hosts), label)
        wall = dict((kind, statistics.median(run['wall_s'] for run in runs[kind])) for kind, dummy, dummy2 in TOOLS)
        cpu = dict((kind, statistics.median(run['cpu_s'] for run in runs[kind])) for kind, dummy, dummy2 in TOOLS)
        for kind, dummy, tool in TOOLS:
            failed = [os.path.basename(run['output']) for run in runs[kind] if run['rc'] != 0]
            refreshes = kind in ('modules', 'role')
            item = dict(scenario=scenario, tool=tool, calls=max(runs['calls'][kind]), min_calls=least if refreshes else 0,
                        wall_s=wall[kind], floor_s=floor if refreshes else 0.0, ansible_s=None, own_s=None,
                        peak_rss_mb=max(run['peak_rss_mb'] for run in runs[kind]), ok=not failed, baseline=kind == 'empty')
            note = '%s, %s: CPU %.2f s' % (tool, label, cpu[kind])
            if kind != 'empty':
                item['ansible_s'] = wall['empty']
                item['own_s'] = statistics.median(mine['wall_s'] - empty['wall_s'] for mine, empty in zip(runs[kind], runs['empty']))
                note += ', %.2fx the empty role (wall), %.2fx (CPU)' % (wall[kind] / wall['empty'], cpu[kind] / cpu['empty'])
            if kind == 'role':
                note += ', %.2fx the two module tasks (wall), %.2fx (CPU); %s' % (
                    wall['role'] / wall['modules'], cpu['role'] / cpu['modules'], asked)
            if failed:
                note += '; FAILED: %s (in %s)' % (', '.join(failed), base)
            item['note'] = note
            result.append(item)
    return result


def _table(result):
    header = ('scenario', 'tool', 'calls', 'min', 'wall s', 'empty s', 'own s', 'x empty', 'MiB', 'ok')
    lines = [header]
    for item in result:
        lines.append((item['scenario'], item['tool'], str(item['calls']), str(item['min_calls']), '%.2f' % item['wall_s'],
                      '-' if item['ansible_s'] is None else '%.2f' % item['ansible_s'],
                      '-' if item['own_s'] is None else '%.2f' % item['own_s'],
                      '-' if item['ansible_s'] is None else '%.2fx' % (item['wall_s'] / item['ansible_s']),
                      '%.0f' % item['peak_rss_mb'], 'yes' if item['ok'] else 'NO'))
    widths = [max(len(line[column]) for line in lines) for column in range(len(header))]
    text = ['  '.join(cell.ljust(width) if column < 2 else cell.rjust(width)
                      for column, (cell, width) in enumerate(zip(line, widths))) for line in lines]
    return '\n'.join(text + [''] + ['- ' + item['note'] for item in result])


def _collections_path(workdir):
    """ANSIBLE_COLLECTIONS_PATH: the environment's when it holds cdnops.cdn (make bench: the test tree), else a
    directory in workdir whose ansible_collections/cdnops/cdn links to this checkout."""
    for path in os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep):
        if path and os.path.isdir(os.path.join(path, 'ansible_collections', 'cdnops', 'cdn')):
            return os.environ['ANSIBLE_COLLECTIONS_PATH']
    tree = os.path.join(workdir, 'collections')
    link = os.path.join(tree, 'ansible_collections', 'cdnops', 'cdn')
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(REPO, link)
    return tree


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--hosts', default='1000', help='hosts in the inventory; several, comma-separated (100,300,1000)')
    parser.add_argument('--repeats', type=int, default=3, help='paired runs per form (default 3)')
    parser.add_argument('--forms', nargs='*', choices=[form for form, dummy, dummy2 in FORMS], help='default: all')
    parser.add_argument('--latency-ms', type=float, default=50.0, help="the sandbox's added latency (default 50)")
    parser.add_argument('--workdir', help='scratch directory (default: a new temporary directory)')
    parser.add_argument('--json', help='write the rows there')
    parser.add_argument('--quick', action='store_true', help='100 hosts, one repeat')
    args = parser.parse_args(argv)
    sys.path.insert(0, os.path.join(REPO, 'tests', 'sandbox'))
    import cdn_sandbox  # pylint: disable=import-outside-toplevel

    workdir = os.path.abspath(args.workdir or tempfile.mkdtemp(prefix='cdnops-bench-role-'))
    os.makedirs(workdir, exist_ok=True)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=_collections_path(workdir))
    for name, directory in (('ANSIBLE_HOME', 'ansible'), ('ANSIBLE_LOCAL_TEMP', 'ansible/tmp'),
                            ('ANSIBLE_REMOTE_TEMP', 'ansible/remote_tmp')):   # (make bench sets them: .cache/)
        env.setdefault(name, os.path.join(workdir, directory))
    result = []
    with cdn_sandbox.Sandbox(port=0, task_delay=0.5) as sandbox:
        try:
            sandbox.set_config(latency=args.latency_ms / 1000.0)
        except ValueError:
            print('(this sandbox has no latency setting: the API answers at once)', file=sys.stderr)
        for hosts in (int(count) for count in args.hosts.split(',')):
            result.extend(rows(sandbox, env, args.repeats, workdir, hosts=hosts, quick=args.quick, forms=args.forms))
            print(_table([item for item in result if ' %s hosts' % '{:,}'.format(hosts) in item['scenario']]), flush=True)
    if args.json:
        with open(args.json, 'w', encoding='utf-8') as stream:
            json.dump(result, stream, indent=1)
    print('outputs of every run: %s' % workdir)
    return 0 if all(item['ok'] for item in result) else 1


if __name__ == '__main__':
    sys.exit(main())
