# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Local emulator of the Alibaba Cloud CDN and JD Cloud CDN (legacy opencdn) refresh APIs.

Run ``python tests/sandbox/cdn_sandbox.py --port 0``; see README.md beside this file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import signal
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import sandbox_alicdn
import sandbox_jdcdn
from sandbox_http import ApiRequest, json_response

DEMO_ALICDN_CREDENTIALS = {'LTAIsandboxDemoKey': 'sandbox-demo-secret'}
DEMO_JDCDN_CREDENTIALS = {'sandbox_user': 'sandbox-demo-secret'}
DEFAULT_ALICDN_QUOTA = {'url': 10000, 'dir': 100, 'regex': 20, 'ignore_params': 100, 'preload': 1000}
FAULT_KINDS = ('throttle', 'error5xx', 'drop', 'slow', 'quota', 'busy')
SECRET_PARAMS = ('Signature', 'signature', 'SecurityToken')


@dataclasses.dataclass
class SandboxConfig:
    task_delay: float = 2.0
    clock_offset: float = 0.0
    domains: object = None
    fail_patterns: tuple = ()
    alicdn_credentials: dict = dataclasses.field(default_factory=lambda: dict(DEMO_ALICDN_CREDENTIALS))
    alicdn_sts: dict = dataclasses.field(default_factory=dict)
    jdcdn_credentials: dict = dataclasses.field(default_factory=lambda: dict(DEMO_JDCDN_CREDENTIALS))
    alicdn_quota: dict = dataclasses.field(default_factory=lambda: dict(DEFAULT_ALICDN_QUOTA))
    alicdn_url_per_minute: int = 10000
    jdcdn_lenient_date: bool = False
    log_requests: bool = False

    def owns_domain(self, domain):
        return self.domains is None or domain.lower() in self.domains

    def failure_for(self, path):
        return any(pattern in path for pattern in self.fail_patterns)


NUMERIC_SETTINGS = {'task_delay': float, 'clock_offset': float, 'alicdn_url_per_minute': int}


def _normalised(config, key, value):
    if key in NUMERIC_SETTINGS:
        return NUMERIC_SETTINGS[key](value)
    if key == 'domains' and value is not None:
        if isinstance(value, str):
            value = value.split(',')
        return {domain.strip().lower() for domain in value if domain.strip()}
    if key == 'fail_patterns':
        return (value,) if isinstance(value, str) else tuple(value)
    if key == 'alicdn_quota':
        return {**config.alicdn_quota, **{kind: int(limit) for kind, limit in value.items()}}
    if key == 'alicdn_sts':
        return {key_id: tuple(pair) for key_id, pair in value.items()}
    return value


@dataclasses.dataclass
class Fault:
    vendor: str
    action: str
    kind: str
    times: int
    delay: float

    def matches(self, vendor, action):
        return self.vendor in ('*', vendor) and self.action in ('*', action)


class Sandbox:
    """The server, its shared state and the test-facing API (see README.md)."""

    def __init__(self, port=0, host='127.0.0.1', clock=None, **config):
        self.host = host
        self.port = port
        self._clock = clock or time.time
        self.config = SandboxConfig()
        self._lock = threading.RLock()
        self._server = None
        self._thread = None
        self.requests = []
        self._faults = []
        self.alicdn = sandbox_alicdn.AliCdn(self)
        self.jdcdn = sandbox_jdcdn.JdCdn(self)
        self.set_config(**config)

    # -- test-facing API ---------------------------------------------------------------------------------

    @property
    def url(self):
        return f'http://{self.host}:{self.port}'

    def now(self):
        """The server's notion of now, epoch seconds: the clock plus clock_offset (advance_clock moves it)."""
        return self._clock() + self.config.clock_offset

    def advance_clock(self, seconds):
        """Move the server's now forward by seconds (float; negative moves it back); returns the new now()."""
        with self._lock:
            self.config.clock_offset += float(seconds)
            return self.now()

    def set_config(self, **changes):
        known = {field.name for field in dataclasses.fields(SandboxConfig)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f'unknown sandbox setting(s): {", ".join(sorted(unknown))}')
        with self._lock:
            for key, value in changes.items():
                setattr(self.config, key, _normalised(self.config, key, value))

    def config_snapshot(self):
        with self._lock:
            snapshot = dataclasses.asdict(self.config)
        snapshot['domains'] = sorted(snapshot['domains']) if snapshot['domains'] is not None else None
        snapshot['alicdn_credentials'] = sorted(snapshot['alicdn_credentials'])
        snapshot['alicdn_sts'] = sorted(snapshot['alicdn_sts'])
        snapshot['jdcdn_credentials'] = sorted(snapshot['jdcdn_credentials'])
        return snapshot

    def inject_fault(self, vendor='*', action='*', kind='throttle', times=1, delay=0):
        if kind not in FAULT_KINDS:
            raise ValueError(f'unknown fault kind {kind!r}; expected one of {", ".join(FAULT_KINDS)}')
        if vendor not in ('*', 'alicdn', 'jdcdn'):
            raise ValueError(f'unknown vendor {vendor!r}')
        if int(times) < 1:
            raise ValueError('times must be at least 1')
        with self._lock:
            self._faults.append(Fault(vendor, action, kind, int(times), float(delay)))

    @property
    def tasks(self):
        with self._lock:
            return {'alicdn': self.alicdn.task_rows(), 'jdcdn': self.jdcdn.task_rows()}

    def reset(self):
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self.alicdn.reset()
            self.jdcdn.reset()

    def start(self):
        self._server = ThreadingHTTPServer((self.host, self.port), _make_handler(self))
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name='cdn-sandbox', daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # -- request handling --------------------------------------------------------------------------------

    def handle_api(self, request):
        """Answer one vendor API call; None means: drop the connection without an answer."""
        emulator = self._emulator_for(request.path)
        if emulator is None:
            return json_response(404, {'error': f'no API at {request.path}'})
        action, params = emulator.parse(request)
        fault = self._take_fault(emulator.vendor, action)
        if fault is not None and fault.kind == 'slow':
            time.sleep(fault.delay)
            fault = None
        if fault is None:
            with self._lock:
                response = emulator.handle(request, action, params)
        elif fault.kind == 'drop':
            response = None
        else:
            response = emulator.fault_response(fault.kind, request, params)
        self._record(emulator.vendor, action, request.method, params, response, fault)
        return response

    def _emulator_for(self, path):
        if path == '/':
            return self.alicdn
        if path in sandbox_jdcdn.ACTIONS_BY_PATH:
            return self.jdcdn
        return None

    def _take_fault(self, vendor, action):
        with self._lock:
            for fault in self._faults:
                if fault.matches(vendor, action):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _record(self, vendor, action, method, params, response, fault):
        entry = {
            'vendor': vendor,
            'action': action,
            'method': method,
            'params': {key: '***' if key in SECRET_PARAMS else value for key, value in params.items()},
            'http_status': response.http_status if response else None,
            'code': response.code if response else None,
            'fault': fault.kind if fault else None,
            'time': self.now(),
        }
        with self._lock:
            self.requests.append(entry)
        if self.config.log_requests:
            print(json.dumps(entry, ensure_ascii=False), file=sys.stderr, flush=True)

    def handle_admin(self, request):
        try:
            return self._admin(request)
        except (ValueError, TypeError, AttributeError) as error:
            return json_response(400, {'error': str(error)})

    def _admin(self, request):
        route = (request.method, request.path)
        if route == ('GET', '/_sandbox/requests'):
            with self._lock:
                return json_response(200, list(self.requests))
        if route == ('GET', '/_sandbox/tasks'):
            return json_response(200, self.tasks)
        if route == ('GET', '/_sandbox/config'):
            return json_response(200, self.config_snapshot())
        if route == ('POST', '/_sandbox/reset'):
            self.reset()
            return json_response(200, {'ok': True})
        if route == ('POST', '/_sandbox/faults'):
            self.inject_fault(**_json_object(request.body))
            return json_response(200, {'ok': True})
        if route == ('GET', '/_sandbox/clock'):
            return json_response(200, {'now': self.now(), 'clock_offset': self.config.clock_offset})
        if route == ('POST', '/_sandbox/clock'):
            body = _json_object(request.body)
            self.advance_clock(body.get('advance', 0))
            return json_response(200, {'now': self.now(), 'clock_offset': self.config.clock_offset})
        if route == ('POST', '/_sandbox/config'):
            self.set_config(**_json_object(request.body))
            return json_response(200, self.config_snapshot())
        return json_response(404, {'error': f'no admin route {request.method} {request.path}'})


def _json_object(body):
    data = json.loads(body or b'{}')
    if not isinstance(data, dict):
        raise ValueError('expected a JSON object')
    return data


def _make_handler(sandbox):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = 'HTTP/1.1'
        # Headers and body go out in separate writes; without TCP_NODELAY each answer waits for the delayed ACK (~40 ms).
        disable_nagle_algorithm = True

        def do_GET(self):  # pylint: disable=invalid-name
            self._serve()

        def do_POST(self):  # pylint: disable=invalid-name
            self._serve()

        def _serve(self):
            try:
                response = self._response()
            except Exception as error:  # pylint: disable=broad-exception-caught  # a sandbox bug: say so, keep serving
                traceback.print_exc()
                response = json_response(500, {'error': f'sandbox bug: {error!r}'})
                self.close_connection = True
            if response is None:
                self.close_connection = True
                return
            self.send_response(response.http_status)
            self.send_header('Content-Type', response.content_type)
            self.send_header('Content-Length', str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        def _response(self):
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length > 0 else b''
            target = urlsplit(self.path)
            headers = {}
            for name, value in self.headers.items():
                headers.setdefault(name.lower(), []).append(value)
            request = ApiRequest(self.command, target.path, target.query, headers, body)
            if target.path.startswith('/_sandbox/'):
                return sandbox.handle_admin(request)
            return sandbox.handle_api(request)

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            """Silent: --log-requests prints one redacted line per API call instead."""

    return Handler


def _pairs(values, flag, parts):
    pairs = {}
    for value in values:
        fields = value.split(':', parts - 1)
        if len(fields) != parts or not all(fields):
            raise SystemExit(f'{flag} expects {":".join(["X"] * parts)}, got {value!r}')
        pairs[fields[0]] = tuple(fields[1:]) if parts > 2 else fields[1]
    return pairs


def main(argv=None):
    parser = argparse.ArgumentParser(description='Local emulator of the Alibaba Cloud CDN and JD Cloud CDN refresh APIs.')
    parser.add_argument('--port', type=int, default=0)
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--alicdn-credential', action='append', default=[], metavar='ID:SECRET')
    parser.add_argument('--alicdn-sts', action='append', default=[], metavar='ID:SECRET:TOKEN')
    parser.add_argument('--jdcdn-credential', action='append', default=[], metavar='USER:SECRET')
    parser.add_argument('--task-delay', type=float, default=2.0)
    parser.add_argument('--domains', default=None, help='comma-separated owned domains (default: every domain)')
    parser.add_argument('--fail-pattern', action='append', default=[])
    parser.add_argument('--clock-offset', type=float, default=0.0)
    for kind, default in DEFAULT_ALICDN_QUOTA.items():
        parser.add_argument(f'--alicdn-{kind.replace("_", "-")}-quota', type=int, default=default)
    parser.add_argument('--alicdn-url-per-minute', type=int, default=10000)
    parser.add_argument('--jdcdn-lenient-date', action='store_true')
    parser.add_argument('--log-requests', action='store_true')
    args = parser.parse_args(argv)

    sandbox = Sandbox(
        port=args.port, host=args.host,
        alicdn_credentials=_pairs(args.alicdn_credential, '--alicdn-credential', 2) or DEMO_ALICDN_CREDENTIALS,
        alicdn_sts=_pairs(args.alicdn_sts, '--alicdn-sts', 3),
        jdcdn_credentials=_pairs(args.jdcdn_credential, '--jdcdn-credential', 2) or DEMO_JDCDN_CREDENTIALS,
        task_delay=args.task_delay, domains=args.domains, fail_patterns=args.fail_pattern,
        clock_offset=args.clock_offset,
        alicdn_quota={kind: getattr(args, f'alicdn_{kind}_quota') for kind in DEFAULT_ALICDN_QUOTA},
        alicdn_url_per_minute=args.alicdn_url_per_minute, jdcdn_lenient_date=args.jdcdn_lenient_date,
        log_requests=args.log_requests,
    )
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    sandbox.start()
    print(f'listening on {sandbox.url}', flush=True)
    while not stopping.wait(1):
        pass
    sandbox.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
