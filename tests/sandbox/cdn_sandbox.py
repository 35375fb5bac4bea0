# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Local emulator of the Alibaba Cloud CDN and JD Cloud CDN (legacy opencdn) refresh APIs, plus Alibaba STS AssumeRole
and the ECS metadata RAM-role routes.

Run ``python tests/sandbox/cdn_sandbox.py --port 0``; see README.md beside this file.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import secrets
import signal
import string
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import sandbox_alicdn
import sandbox_jdcdn
import sandbox_sts
from sandbox_http import ApiRequest, json_response

DEMO_ALICDN_CREDENTIALS = {'LTAIsandboxDemoKey': 'sandbox-demo-secret'}
DEMO_JDCDN_CREDENTIALS = {'sandbox_user': 'sandbox-demo-secret'}
DEFAULT_ALICDN_QUOTA = {'url': 10000, 'dir': 100, 'regex': 20, 'ignore_params': 100, 'preload': 1000}
# Faults the server itself applies to any vendor: drop (no answer, nothing processed), slow (answer after delay s),
# lost (processed, then no answer), late (processed, answer after delay s).  The others give an error answer.
SERVER_FAULT_KINDS = ('drop', 'slow', 'lost', 'late')
FAULT_KINDS = ('throttle', 'error5xx', 'drop', 'slow', 'quota', 'busy', 'lost', 'late', 'queue_full')
VENDORS = ('alicdn', 'jdcdn', 'sts', 'ecs')
SECRET_PARAMS = ('Signature', 'signature', 'SecurityToken')
DEFAULT_ROLE_MAX_SESSION = 3600
MAX_ROLE_SESSION = 43200


@dataclasses.dataclass
class SandboxConfig:
    task_delay: float = 2.0
    latency: float = 0.0
    clock_offset: float = 0.0
    domains: object = None
    fail_patterns: tuple = ()
    alicdn_credentials: dict = dataclasses.field(default_factory=lambda: dict(DEMO_ALICDN_CREDENTIALS))
    alicdn_sts: dict = dataclasses.field(default_factory=dict)
    jdcdn_credentials: dict = dataclasses.field(default_factory=lambda: dict(DEMO_JDCDN_CREDENTIALS))
    alicdn_quota: dict = dataclasses.field(default_factory=lambda: dict(DEFAULT_ALICDN_QUOTA))
    alicdn_url_per_minute: int = 10000
    alicdn_call_limits: dict = dataclasses.field(default_factory=lambda: dict(sandbox_alicdn.DEFAULT_CALL_LIMITS))
    alicdn_preload_queue: int = sandbox_alicdn.DEFAULT_PRELOAD_QUEUE
    jdcdn_lenient_date: bool = False
    sts_roles: dict = dataclasses.field(default_factory=dict)
    ecs_roles: tuple = ()
    ecs_metadata_require_token: bool = False
    ecs_metadata_down: bool = False
    log_requests: bool = False

    def owns_domain(self, domain):
        return self.domains is None or domain.lower() in self.domains

    def failure_for(self, path):
        return any(pattern in path for pattern in self.fail_patterns)


NUMERIC_SETTINGS = {'task_delay': float, 'latency': float, 'clock_offset': float, 'alicdn_url_per_minute': int, 'alicdn_preload_queue': int}
BOOLEAN_SETTINGS = ('jdcdn_lenient_date', 'ecs_metadata_require_token', 'ecs_metadata_down', 'log_requests')


def _role(arn, value):
    """sts_roles value -> {'allowed': bool, 'max_session_duration': int}; True/False is short for allowed."""
    if isinstance(value, bool):
        value = {'allowed': value}
    if not isinstance(value, dict) or set(value) - {'allowed', 'max_session_duration'}:
        raise ValueError(f'sts_roles[{arn!r}]: expected true/false or {{"allowed": bool, "max_session_duration": int}}')
    role = {'allowed': bool(value.get('allowed', True)),
            'max_session_duration': int(value.get('max_session_duration', DEFAULT_ROLE_MAX_SESSION))}
    if not DEFAULT_ROLE_MAX_SESSION <= role['max_session_duration'] <= MAX_ROLE_SESSION:
        raise ValueError(f'sts_roles[{arn!r}]: max_session_duration must be {DEFAULT_ROLE_MAX_SESSION}-{MAX_ROLE_SESSION}')
    return role


def _normalised(config, key, value):
    if key in NUMERIC_SETTINGS:
        return NUMERIC_SETTINGS[key](value)
    if key == 'domains' and value is not None:
        if isinstance(value, str):
            value = value.split(',')
        return {domain.strip().lower() for domain in value if domain.strip()}
    if key == 'fail_patterns':
        return (value,) if isinstance(value, str) else tuple(value)
    if key in BOOLEAN_SETTINGS:
        return bool(value)
    if key == 'alicdn_quota':
        return {**config.alicdn_quota, **{kind: int(limit) for kind, limit in value.items()}}
    if key == 'alicdn_call_limits':
        if value is None:
            return {}
        return {**config.alicdn_call_limits, **{action: int(limit or 0) for action, limit in value.items()}}
    if key == 'sts_roles':
        if value is None:
            return {}
        return {**config.sts_roles, **{arn: _role(arn, role) for arn, role in value.items()}}
    if key == 'ecs_roles':
        if isinstance(value, str):
            value = value.split(',')
        return tuple(name.strip() for name in value or () if name.strip())
    if key == 'alicdn_sts':
        return {key_id: tuple(pair) for key_id, pair in value.items()}
    return value


@dataclasses.dataclass
class Fault:
    """skip: matching calls still to let through before the fault fires (nth - 1)."""
    vendor: str
    action: str
    kind: str
    times: int
    delay: float
    skip: int = 0

    def matches(self, emulator, action):
        if self.vendor not in ('*', emulator.vendor) or self.action not in ('*', action):
            return False
        return self.kind in SERVER_FAULT_KINDS or self.kind in emulator.fault_kinds


class Sandbox:
    """The server, its shared state and the test-facing API (see README.md)."""

    def __init__(self, port=0, host='127.0.0.1', clock=None, **config):
        self.host = host
        self.port = port
        self._clock = clock or time.time
        self.sleep = time.sleep   # the added latency's wait (tests replace it)
        self.config = SandboxConfig()
        self._lock = threading.RLock()
        self._server = None
        self._thread = None
        self.requests = []
        self._faults = []
        self._issued = {}         # temporary AccessKeyId -> issued credential (AssumeRole, ECS role)
        self.alicdn = sandbox_alicdn.AliCdn(self)
        self.jdcdn = sandbox_jdcdn.JdCdn(self)
        self.sts = sandbox_sts.Sts(self)
        self.ecs = sandbox_sts.EcsMetadata(self)
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
        snapshot['ecs_roles'] = list(snapshot['ecs_roles'])
        return snapshot

    def inject_fault(self, vendor='*', action='*', kind='throttle', times=1, delay=0, nth=1):
        """Answer `times` matching calls with fault `kind`, starting with the nth matching call from now (1 = the next)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f'unknown fault kind {kind!r}; expected one of {", ".join(FAULT_KINDS)}')
        if vendor not in ('*',) + VENDORS:
            raise ValueError(f'unknown vendor {vendor!r}')
        if vendor != '*' and kind not in SERVER_FAULT_KINDS and kind not in self._emulator(vendor).fault_kinds:
            raise ValueError(f'fault kind {kind!r} does not exist for {vendor}')
        if int(times) < 1 or int(nth) < 1:
            raise ValueError('times and nth must be at least 1')
        with self._lock:
            self._faults.append(Fault(vendor, action, kind, int(times), float(delay), int(nth) - 1))

    def calls(self, vendor=None, action=None):
        """The request-log entries of vendor and action (None: any), in order."""
        with self._lock:
            return [entry for entry in self.requests
                    if vendor in (None, entry['vendor']) and action in (None, entry['action'])]

    def add_role(self, arn, allowed=True, max_session_duration=DEFAULT_ROLE_MAX_SESSION):
        """Register a RAM role for STS AssumeRole (allowed=False: it exists but callers may not assume it)."""
        self.set_config(sts_roles={arn: {'allowed': allowed, 'max_session_duration': max_session_duration}})

    def temporary_credential(self, access_key_id):
        """(secret, token, expiry or None) of an STS key (configured with alicdn_sts, or issued); None if unknown."""
        with self._lock:
            if access_key_id in self.config.alicdn_sts:
                secret, token = self.config.alicdn_sts[access_key_id]
                return secret, token, None
            issued = self._issued.get(access_key_id)
            return (issued['AccessKeySecret'], issued['SecurityToken'], issued['expires']) if issued else None

    def issue_temporary_credential(self, source, role, duration, session=None, caller=None):
        """Create an STS key valid for duration seconds; returns its dict (AccessKeyId, AccessKeySecret,
        SecurityToken, Expiration, expires, source, role, session, caller)."""
        alphabet = string.ascii_letters + string.digits
        with self._lock:
            expires = int(self.now()) + int(duration)
            issued = {
                'AccessKeyId': 'STS.' + ''.join(secrets.choice(alphabet) for dummy in range(24)),
                'AccessKeySecret': secrets.token_urlsafe(30), 'SecurityToken': 'CAIS' + secrets.token_urlsafe(96),
                'Expiration': sandbox_alicdn.format_time(expires), 'expires': expires,
                'source': source, 'role': role, 'session': session, 'caller': caller,
            }
            self._issued[issued['AccessKeyId']] = issued
            return dict(issued)

    def issued_credentials(self):
        """The temporary keys handed out, oldest first, without secrets or tokens:
        [{'AccessKeyId', 'Expiration', 'source' ('AssumeRole' | 'EcsRamRole'), 'role', 'session', 'caller'}]."""
        with self._lock:
            return [{key: issued[key] for key in ('AccessKeyId', 'Expiration', 'source', 'role', 'session', 'caller')}
                    for issued in self._issued.values()]

    @property
    def tasks(self):
        with self._lock:
            return {'alicdn': self.alicdn.task_rows(), 'jdcdn': self.jdcdn.task_rows()}

    def reset(self):
        with self._lock:
            self.requests.clear()
            self._faults.clear()
            self._issued.clear()
            self.alicdn.reset()
            self.jdcdn.reset()
            self.sts.reset()
            self.ecs.reset()

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
        """Answer one vendor API call; None means: close the connection without an answer.

        The answer (or the closed connection) leaves `latency` seconds after the call arrived, or as soon as it is
        processed if that takes longer (plus a 'slow' or 'late' fault's delay); the wait holds no lock, so concurrent
        calls wait at the same time, as over a network.
        """
        arrived = time.monotonic()
        response, fault_delay = self._answer(request)
        latency = self.config.latency
        if latency > 0:
            processing = time.monotonic() - arrived - fault_delay
            self.sleep(max(0.0, latency - processing))
        return response

    def _answer(self, request):
        """(the answer or None, the seconds a fault delayed it)."""
        emulator, (action, params) = self._route(request)
        if emulator is None:
            return json_response(404, {'error': f'no API at {request.path}'}), 0.0
        if emulator is self.ecs and self.config.ecs_metadata_down:
            self._record(emulator, request, action, params, None, 'down')
            return None, 0.0
        fault = self._take_fault(emulator, action)
        kind = fault.kind if fault else None
        if kind == 'slow':
            time.sleep(fault.delay)
        if kind in (None, 'slow', 'lost', 'late'):
            with self._lock:
                response = emulator.handle(request, action, params)
        elif kind == 'drop':
            response = None
        else:
            response = emulator.fault_response(kind, request, params)
        self._record(emulator, request, action, params, response, kind)
        if kind == 'lost':
            return None, 0.0
        if kind == 'late':
            time.sleep(fault.delay)
        return response, (fault.delay if kind in ('slow', 'late') else 0.0)

    def _emulator(self, vendor):
        return {'alicdn': self.alicdn, 'jdcdn': self.jdcdn, 'sts': self.sts, 'ecs': self.ecs}[vendor]

    def _route(self, request):
        """(the emulator of the request's path, or None; its (action, params)), parsing the request once."""
        if request.path == '/':
            parsed = self.alicdn.parse(request)
            version = sandbox_alicdn.requested_version(request, parsed[1])
            return (self.sts if version == sandbox_sts.STS_VERSION else self.alicdn), parsed
        for emulator in (self.jdcdn, self.ecs):
            if emulator.handles(request.path):
                return emulator, emulator.parse(request)
        return None, (None, None)

    def _take_fault(self, emulator, action):
        """The fault that answers this call, if any; every matching fault counts the call towards its nth."""
        chosen = None
        with self._lock:
            for fault in list(self._faults):
                if not fault.matches(emulator, action):
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                if chosen is None:
                    chosen = fault
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
        return chosen

    def _record(self, emulator, request, action, params, response, kind):
        """Log one call; http_status None means no answer reached the client (drop, lost, down)."""
        answered = response is not None and kind != 'lost'
        entry = {
            'vendor': emulator.vendor,
            'action': action,
            'method': request.method,
            'params': {key: '***' if key in SECRET_PARAMS else value for key, value in params.items()},
            'access_key_id': emulator.signer(request, params),
            'http_status': response.http_status if answered else None,
            'code': response.code if response else None,
            'fault': kind,
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
            query = dict(request.query)
            return json_response(200, self.calls(query.get('vendor'), query.get('action')))
        if route == ('GET', '/_sandbox/credentials'):
            return json_response(200, self.issued_credentials())
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

        def do_PUT(self):  # pylint: disable=invalid-name
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
            try:
                self.send_response(response.http_status)
                self.send_header('Content-Type', response.content_type)
                self.send_header('Content-Length', str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):   # the client gave up (e.g. a 'late' answer)
                self.close_connection = True

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
    parser.add_argument('--latency', type=float, default=0.0, metavar='SECONDS',
                        help='added to every API answer (not the /_sandbox/ admin routes)')
    parser.add_argument('--domains', default=None, help='comma-separated owned domains (default: every domain)')
    parser.add_argument('--fail-pattern', action='append', default=[])
    parser.add_argument('--clock-offset', type=float, default=0.0)
    for kind, default in DEFAULT_ALICDN_QUOTA.items():
        parser.add_argument(f'--alicdn-{kind.replace("_", "-")}-quota', type=int, default=default)
    parser.add_argument('--alicdn-url-per-minute', type=int, default=10000)
    parser.add_argument('--alicdn-call-limit', action='append', default=[], metavar='ACTION:N')
    parser.add_argument('--no-alicdn-call-limits', action='store_true')
    parser.add_argument('--alicdn-preload-queue', type=int, default=sandbox_alicdn.DEFAULT_PRELOAD_QUEUE)
    parser.add_argument('--jdcdn-lenient-date', action='store_true')
    parser.add_argument('--sts-role', action='append', default=[], metavar='ARN',
                        help='a RAM role AssumeRole may assume; ARN=MAX_SESSION_SECONDS sets its maximum session')
    parser.add_argument('--sts-role-denied', action='append', default=[], metavar='ARN')
    parser.add_argument('--ecs-role', action='append', default=[], metavar='NAME')
    parser.add_argument('--ecs-metadata-require-token', action='store_true')
    parser.add_argument('--ecs-metadata-down', action='store_true')
    parser.add_argument('--log-requests', action='store_true')
    args = parser.parse_args(argv)
    call_limits = {} if args.no_alicdn_call_limits else dict(sandbox_alicdn.DEFAULT_CALL_LIMITS)
    call_limits.update({action: int(limit) for action, limit in _pairs(args.alicdn_call_limit, '--alicdn-call-limit', 2).items()})
    roles = {}
    for value in args.sts_role:
        arn, dummy, maximum = value.partition('=')
        roles[arn] = {'allowed': True, 'max_session_duration': int(maximum or DEFAULT_ROLE_MAX_SESSION)}
    roles.update({arn: {'allowed': False} for arn in args.sts_role_denied})

    sandbox = Sandbox(
        port=args.port, host=args.host,
        alicdn_credentials=_pairs(args.alicdn_credential, '--alicdn-credential', 2) or DEMO_ALICDN_CREDENTIALS,
        alicdn_sts=_pairs(args.alicdn_sts, '--alicdn-sts', 3),
        jdcdn_credentials=_pairs(args.jdcdn_credential, '--jdcdn-credential', 2) or DEMO_JDCDN_CREDENTIALS,
        task_delay=args.task_delay, latency=args.latency, domains=args.domains, fail_patterns=args.fail_pattern,
        clock_offset=args.clock_offset,
        alicdn_quota={kind: getattr(args, f'alicdn_{kind}_quota') for kind in DEFAULT_ALICDN_QUOTA},
        alicdn_url_per_minute=args.alicdn_url_per_minute, jdcdn_lenient_date=args.jdcdn_lenient_date,
        alicdn_preload_queue=args.alicdn_preload_queue, sts_roles=roles, ecs_roles=args.ecs_role,
        ecs_metadata_require_token=args.ecs_metadata_require_token, ecs_metadata_down=args.ecs_metadata_down,
        log_requests=args.log_requests,
    )
    sandbox.config.alicdn_call_limits = call_limits
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
