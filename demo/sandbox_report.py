"""Print the CDN API calls the sandbox received since the last report, and the order of refresh and prefetch.

Usage: python sandbox_report.py SANDBOX_URL STATE_FILE   (STATE_FILE keeps how many calls were reported before)
Only the action and the paths of each call are printed (the sandbox itself masks signatures). When there was a
prefetch, a timeline shows every refresh, poll and prefetch call, when each accepted refresh task completed (its call's
time plus the sandbox's task delay), and the script exits 1 if a prefetch call came before a refresh task of the
deploy was complete.
"""

import json
import sys
import urllib.request

NAMES = {'alicdn': 'Alibaba Cloud CDN', 'jdcdn': 'JD Cloud CDN'}
REFRESH = ('RefreshObjectCaches', 'refresh')
PREFETCH = ('PushObjectCache', 'prefetch')
POLLS = ('DescribeRefreshTaskById', 'refreshQuery', 'prefetchQuery')


def submitted_paths(call):
    params = call['params']
    if call['vendor'] == 'alicdn':
        return params.get('ObjectType', 'File'), params.get('ObjectPath', '').splitlines()
    urls = params.get('instances', params.get('publish_urls', []))
    return params.get('type', 'url'), [urls] if isinstance(urls, str) else list(urls)


def accepted(call):
    return call['http_status'] == 200 and call['code'] in (None, 0, '0')


def timeline(calls, task_delay):
    """Print the refresh, poll and prefetch calls in order; return False if a prefetch came too early."""
    start = calls[0]['time']
    refreshes = [call for call in calls if call['action'] in REFRESH and accepted(call)]
    complete = max((call['time'] + task_delay for call in refreshes), default=start)
    print('  In order (seconds after the first call):')
    for call in calls:
        if call['action'] not in REFRESH + PREFETCH + POLLS:
            continue
        note = ''
        if call['action'] in REFRESH:
            note = ('task complete at +%.2f' % (call['time'] + task_delay - start)) if accepted(call) else 'refused'
        print('    +%6.2f  %-18s %-24s %s' % (call['time'] - start, NAMES.get(call['vendor']), call['action'], note))
    prefetches = [call for call in calls if call['action'] in PREFETCH]
    first = min(call['time'] for call in prefetches)
    if first < complete:
        print('  ERROR: a prefetch call (+%.2f) came before the last refresh task was complete (+%.2f)'
              % (first - start, complete - start))
        return False
    print('  Refresh complete (+%.2f) -> prefetch (+%.2f): no prefetch call before every refresh task was complete.'
          % (complete - start, first - start))
    return True


def main(url, state_file):
    everything = json.load(urllib.request.urlopen(url + '/_sandbox/requests'))
    task_delay = json.load(urllib.request.urlopen(url + '/_sandbox/config'))['task_delay']
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
        return 0
    counts = {}
    for call in calls:
        key = (NAMES.get(call['vendor'], call['vendor']), call['action'])
        counts[key] = counts.get(key, 0) + 1
    for (vendor, action), count in sorted(counts.items()):
        print(f'  {vendor:18} {action:24} x{count}')
    for call in calls:
        if call['action'] in REFRESH + PREFETCH:
            object_type, paths = submitted_paths(call)
            status = 'ok' if accepted(call) else f"error {call['code']}"
            label = f'refresh ({object_type}, {status})' if call['action'] in REFRESH else f'prefetch ({status})'
            print(f"  {NAMES.get(call['vendor'])} {label}:")
            for path in paths:
                print(f'      {path}')
    if any(call['action'] in PREFETCH for call in calls):
        return 0 if timeline(calls, task_delay) else 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
