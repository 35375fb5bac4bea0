"""Check the refresh calls a sandbox received, then reset it.

Usage: python sandbox_calls.py SANDBOX_URL [--calls alicdn=N jdcdn=N] [--expected EXPECTED_JSON] [--none] [--keep]
  --calls     the number of accepted refresh calls per vendor (every vendor not named: 0)
  --expected  a file like the one make_inventory.py writes: the call counts, and the paths each vendor must have
              received in accepted calls, per object type, each exactly once
  --none      no API call at all (not even read-only ones)
  --keep      do not reset the sandbox (its tasks stay queued, its request log keeps growing)
Only accepted calls count: a refused call (an Alibaba error, or a JD status other than 0, such as 47 "already
queued", which JD answers with HTTP 200 too) refreshes nothing; the line printed per vendor says how many there were.
Prints one line per vendor and exits non-zero on a mismatch.
"""

import argparse
import collections
import json
import sys
import urllib.request

REFRESH = {'alicdn': 'RefreshObjectCaches', 'jdcdn': 'refresh'}
TYPES = {'File': 'file', 'Directory': 'directory', 'file': 'file', 'dir': 'directory'}


def submitted(call):
    params = call['params']
    if call['vendor'] == 'alicdn':
        return TYPES[params['ObjectType']], params['ObjectPath'].split('\n')
    instances = params['instances']
    return TYPES[params['type']], [instances] if isinstance(instances, str) else instances


def accepted(call):
    """Whether the vendor accepted the call (JD refuses with HTTP 200 and a status other than 0)."""
    return call['http_status'] == 200 and call['code'] in (None, 0)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('url')
    parser.add_argument('--calls', nargs='*', default=[])
    parser.add_argument('--expected')
    parser.add_argument('--none', action='store_true')
    parser.add_argument('--keep', action='store_true')
    args = parser.parse_args()

    calls = json.load(urllib.request.urlopen(args.url + '/_sandbox/requests'))
    if not args.keep:
        urllib.request.urlopen(urllib.request.Request(args.url + '/_sandbox/reset', data=b'', method='POST')).read()
    errors = []
    if args.none and calls:
        errors.append(f'expected no API call, got {len(calls)}: {sorted({c["action"] for c in calls})}')

    expected_calls = {'alicdn': 0, 'jdcdn': 0}
    expected_paths = None
    if args.expected:
        with open(args.expected) as stream:
            expected = json.load(stream)
        expected_calls.update(expected['calls'])
        expected_paths = expected['paths']
    for item in args.calls:
        vendor, count = item.split('=')
        expected_calls[vendor] = int(count)

    for vendor, action in REFRESH.items():
        attempts = [c for c in calls if c['vendor'] == vendor and c['action'] == action]
        refreshes = [c for c in attempts if accepted(c)]
        refused = collections.Counter(str(c['code'] or c['http_status']) for c in attempts if not accepted(c))
        received = collections.defaultdict(list)
        for call in refreshes:
            object_type, paths = submitted(call)
            received[object_type].extend(paths)
        sizes = {object_type: len(paths) for object_type, paths in received.items()}
        print(f'{vendor}: {len(refreshes)} refresh call(s), paths per object type: {sizes}'
              + (f'; refused: {dict(refused)}' if refused else ''))
        if len(refreshes) != expected_calls[vendor]:
            errors.append(f'{vendor}: expected {expected_calls[vendor]} refresh call(s), got {len(refreshes)}')
        if expected_paths is not None:
            for object_type, paths in expected_paths[vendor].items():
                got = received.get(object_type, [])
                if len(got) != len(set(got)):
                    errors.append(f'{vendor} {object_type}: some paths were submitted more than once')
                if sorted(set(got)) != paths:
                    missing, extra = set(paths) - set(got), set(got) - set(paths)
                    errors.append(f'{vendor} {object_type}: {len(missing)} missing, {len(extra)} unexpected '
                                  f'(e.g. {sorted(missing)[:3]} {sorted(extra)[:3]})')
    for error in errors:
        print('MISMATCH: ' + error)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
