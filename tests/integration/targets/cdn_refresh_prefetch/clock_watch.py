"""Move the sandbox's clock on once the role has polled tasks that are still running, until killed.

Usage: python clock_watch.py SANDBOX_URL
The sandbox runs its tasks for `task_delay` seconds (300 here). Each time a call that submits tasks (refresh or
prefetch, either vendor) is followed by a call that polls them, this moves the server clock `task_delay + 1` seconds
on, so that every task submitted so far is finished at the next poll. The role's poll before the move saw them running:
the test does not depend on how fast this machine is. Prints one line per move.
"""

import json
import sys
import time
import urllib.request

SUBMITS = ('RefreshObjectCaches', 'PushObjectCache', 'refresh', 'prefetch')
POLLS = ('DescribeRefreshTaskById', 'refreshQuery', 'prefetchQuery')


def get(url):
    return json.load(urllib.request.urlopen(url))


def main(url):
    delay = get(url + '/_sandbox/config')['task_delay']
    moved_after = -1   # the index of the last submit the clock was moved on for
    while True:
        calls = get(url + '/_sandbox/requests')
        submits = [index for index, call in enumerate(calls) if call['action'] in SUBMITS]
        last = submits[-1] if submits else -1
        if last > moved_after and any(call['action'] in POLLS for call in calls[last + 1:]):
            body = json.dumps({'advance': delay + 1}).encode()
            now = json.load(urllib.request.urlopen(urllib.request.Request(url + '/_sandbox/clock', body)))['now']
            print('clock_watch: moved the sandbox clock %ss on, to %.1f' % (delay + 1, now), flush=True)
            moved_after = last
        time.sleep(0.2)


if __name__ == '__main__':
    main(sys.argv[1])
