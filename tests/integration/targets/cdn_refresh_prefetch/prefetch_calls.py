"""Check the refresh and prefetch calls a sandbox received, and their order; then reset it and its clock.

Usage: python prefetch_calls.py SANDBOX_URL [--refreshes alicdn=N jdcdn=N] [--prefetched VENDOR=URL,URL ...] [--ordered]
                                             [--push-params JSON]
  --refreshes   the number of accepted refresh calls per vendor (a vendor not named: 0)
  --prefetched  the URLs each vendor received in accepted prefetch calls, each exactly once (a vendor not named: none)
  --ordered     every prefetch call came after the last refresh task of the run was complete (its accepted refresh
                call's time plus the sandbox's task delay, on the server clock), and the role polled the refresh
                tasks while they were still running (so it waited, rather than happened to be slow)
  --push-params every accepted PushObjectCache carried these parameters (a JSON object; a value that is not a
                string is compared with the parameter read as JSON), and no RefreshObjectCaches carried any of them
Prints what it found and exits 1 on a mismatch.
"""

import argparse
import json
import sys
import urllib.request

REFRESH = {'RefreshObjectCaches': 'alicdn', 'refresh': 'jdcdn'}
PREFETCH = {'PushObjectCache': 'alicdn', 'prefetch': 'jdcdn'}
POLLS = ('DescribeRefreshTaskById', 'refreshQuery')


def get(url):
    return json.load(urllib.request.urlopen(url))


def post(url, body):
    return json.load(urllib.request.urlopen(urllib.request.Request(url, json.dumps(body).encode())))


def accepted(call):
    return call['http_status'] == 200 and call['code'] in (None, 0)


def urls(call):
    params = call['params']
    if call['vendor'] == 'alicdn':
        return params['ObjectPath'].split('\n')
    value = params['publish_urls']
    return [value] if isinstance(value, str) else value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('url')
    parser.add_argument('--refreshes', nargs='*', default=[])
    parser.add_argument('--prefetched', nargs='*', default=[])
    parser.add_argument('--ordered', action='store_true')
    parser.add_argument('--push-params')
    args = parser.parse_args()

    calls = get(args.url + '/_sandbox/requests')
    delay = get(args.url + '/_sandbox/config')['task_delay']
    offset = get(args.url + '/_sandbox/clock')['clock_offset']
    post(args.url + '/_sandbox/reset', {})
    post(args.url + '/_sandbox/clock', {'advance': -offset})
    errors = []

    expected = {'alicdn': 0, 'jdcdn': 0}
    expected.update((item.split('=')[0], int(item.split('=')[1])) for item in args.refreshes)
    refreshes = [call for call in calls if call['action'] in REFRESH and call['vendor'] == REFRESH[call['action']]]
    for vendor, count in expected.items():
        got = len([call for call in refreshes if call['vendor'] == vendor and accepted(call)])
        print('%s: %d refresh call(s) accepted' % (vendor, got))
        if got != count:
            errors.append('%s: expected %d refresh call(s), got %d' % (vendor, count, got))

    wanted = {'alicdn': [], 'jdcdn': []}
    wanted.update((item.split('=', 1)[0], item.split('=', 1)[1].split(',')) for item in args.prefetched)
    prefetches = [call for call in calls if call['action'] in PREFETCH and call['vendor'] == PREFETCH[call['action']]]
    for vendor, expected_urls in wanted.items():
        got = [url for call in prefetches if call['vendor'] == vendor and accepted(call) for url in urls(call)]
        print('%s: prefetched %s' % (vendor, got))
        if sorted(got) != sorted(expected_urls):
            errors.append('%s: expected the prefetch of %s, got %s' % (vendor, sorted(expected_urls), sorted(got)))

    if args.ordered:
        done = [call['time'] + delay for call in refreshes if accepted(call)]
        complete = max(done) if done else None
        early = [call for call in prefetches if complete is None or call['time'] <= complete]
        polled_running = [call for call in calls if call['action'] in POLLS and complete and call['time'] < complete]
        print('last refresh task complete at %s; prefetch calls at %s; %d poll(s) while tasks ran'
              % (complete, [round(call['time'], 2) for call in prefetches], len(polled_running)))
        if not prefetches:
            errors.append('no prefetch call to check the order of')
        if early:
            errors.append('%d prefetch call(s) before the last refresh task was complete' % len(early))
        if not polled_running:
            errors.append('the role never polled the refresh tasks while they ran')

    if args.push_params:
        params = json.loads(args.push_params)
        for call in prefetches:
            if call['vendor'] == 'alicdn' and accepted(call):
                sent = {}
                for name, value in params.items():
                    sent[name] = call['params'].get(name)
                    if not isinstance(value, str) and sent[name] is not None:
                        sent[name] = json.loads(sent[name])
                print('PushObjectCache parameters: %s' % sent)
                if sent != params:
                    errors.append('PushObjectCache: expected %s, got %s' % (params, sent))
        for call in refreshes:
            if call['vendor'] == 'alicdn' and set(params) & set(call['params']):
                errors.append('RefreshObjectCaches carried %s' % sorted(set(params) & set(call['params'])))

    for error in errors:
        print('MISMATCH: ' + error)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
