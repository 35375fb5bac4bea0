"""Print the CDN API calls the sandbox received since the last report.

Usage: python sandbox_report.py SANDBOX_URL STATE_FILE   (STATE_FILE keeps how many calls were reported before)
Only the action and the paths of each call are printed (the sandbox itself masks signatures).
"""

import json
import sys
import urllib.request

NAMES = {'alicdn': 'Alibaba Cloud CDN', 'jdcdn': 'JD Cloud CDN'}


def refreshed_paths(call):
    params = call['params']
    if call['vendor'] == 'alicdn':
        return params.get('ObjectType', ''), params.get('ObjectPath', '').splitlines()
    instances = params.get('instances', [])
    return params.get('type', ''), [instances] if isinstance(instances, str) else list(instances)


def main(url, state_file):
    everything = json.load(urllib.request.urlopen(url + '/_sandbox/requests'))
    try:
        with open(state_file) as stream:
            seen = int(stream.read())
    except FileNotFoundError:
        seen = 0
    with open(state_file, 'w') as stream:
        stream.write(str(len(everything)))
    calls = everything[seen:]
    if not calls:
        print('  no API call at all')
        return
    counts = {}
    for call in calls:
        key = (NAMES.get(call['vendor'], call['vendor']), call['action'])
        counts[key] = counts.get(key, 0) + 1
    for (vendor, action), count in sorted(counts.items()):
        print(f'  {vendor:18} {action:24} x{count}')
    for call in calls:
        if call['action'] in ('RefreshObjectCaches', 'refresh'):
            object_type, paths = refreshed_paths(call)
            status = 'ok' if call['http_status'] == 200 and call['code'] in (None, 0, '0') else f"error {call['code']}"
            print(f"  {NAMES.get(call['vendor'])} refresh ({object_type}, {status}):")
            for path in paths:
                print(f'      {path}')


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
