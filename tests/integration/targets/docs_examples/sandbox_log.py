"""Check the sequence of API calls the sandbox received, and keep its request log for checks of their parameters.

Usage: python sandbox_log.py SANDBOX_URL LOG_FILE CALL...
  CALL       VENDOR:ACTION as in the sandbox's request log (alicdn:PushObjectCache, jdcdn:prefetchQuery, ...);
             a trailing + means one or more such calls in a row (polls, whose number depends on timing)
  LOG_FILE   where the request log is written (a JSON list, as GET /_sandbox/requests gives it)
The sandbox is not reset (sandbox_calls.py, which checks the refresh paths, does that). Prints the calls received
and exits 1 when they are not exactly the sequence given.
"""

import json
import re
import sys
import urllib.request


def pattern(expected):
    """A regular expression matching the sequence `expected` (['alicdn:X', 'alicdn:Y+', ...]) joined by spaces."""
    parts = []
    for call in expected:
        name = re.escape(call.rstrip('+') + ' ')
        parts.append('(?:%s)+' % name if call.endswith('+') else name)
    return ''.join(parts)


def main():
    url, log_file, *expected = sys.argv[1:]
    calls = json.load(urllib.request.urlopen(url + '/_sandbox/requests'))
    with open(log_file, 'w', encoding='utf-8') as stream:
        json.dump(calls, stream)
    got = ''.join('%s:%s ' % (call['vendor'], call['action']) for call in calls)
    print('calls received: %s' % (got.strip() or 'none'))
    if not re.fullmatch(pattern(expected), got):
        print('MISMATCH: expected the calls %s' % ' '.join(expected))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
