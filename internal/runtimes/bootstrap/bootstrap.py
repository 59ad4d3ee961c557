"""Verge's Python bootstrap: speaks the Lambda Runtime API (2018-06-01) to
AWS_LAMBDA_RUNTIME_API and runs _HANDLER from LAMBDA_TASK_ROOT the way AWS's
Python runtime does. Standard library only."""
import http.client
import importlib
import json
import logging
import os
import sys
import time
import traceback

API_VERSION = "/2018-06-01/runtime"
_request_id = None


class _Client:
    """A keep-alive connection to the Runtime API; /next never times out."""

    def __init__(self, address):
        # host:port, then Verge's secret path prefix ("127.0.0.1:PORT/TOKEN"),
        # which every path must start with.
        hostport, slash, prefix = address.partition("/")
        host, _, port = hostport.rpartition(":")
        self.host, self.port = host, int(port)
        self.base = slash + prefix + API_VERSION
        self.conn = None

    def call(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port)
            try:
                self.conn.request(method, self.base + path, body=body, headers=headers or {})
                res = self.conn.getresponse()
                return res.status, res.headers, res.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise

    def next(self):
        return self.call("GET", "/invocation/next")

    def post_error(self, path, error):
        body = json.dumps(error).encode()
        return self.call("POST", path, body, {
            "Content-Type": "application/json",
            "Lambda-Runtime-Function-Error-Type": error["errorType"],
        })


class _Fault(Exception):
    def __init__(self, error_type, msg, trace=None):
        super().__init__(msg)
        self.error_type, self.msg, self.trace = error_type, msg, trace


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id or "",
        "stackTrace": stack_trace or [],
    }


def fault_result(exc, request_id=None):
    """The error body for exc, its traceback without the bootstrap's frames."""
    frames = traceback.extract_tb(exc.__traceback__)
    for i, frame in enumerate(frames):
        if not frame.filename.endswith("bootstrap.py"):
            frames = frames[i:]
            break
    else:
        frames = []
    return make_error(str(exc), type(exc).__name__, traceback.format_list(frames), request_id)


def log_error(error):
    lines = ["[ERROR] " + error["errorType"] + ": " + error["errorMessage"], "Traceback (most recent call last):"]
    for entry in error["stackTrace"]:
        lines.extend(entry.splitlines())
    sys.stdout.write("\r".join(lines) + "\n")


class _RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.aws_request_id = _request_id or ""
        return True


def setup_logging():
    handler = logging.StreamHandler(sys.stdout)
    handler.terminator = ""
    formatter = logging.Formatter(
        "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    level = os.environ.get("AWS_LAMBDA_LOG_LEVEL")
    if level:
        root.setLevel(level.upper())


def load_handler(handler):
    try:
        modname, fname = handler.rsplit(".", 1)
    except ValueError as e:
        raise _Fault("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, e))
    try:
        if modname.split(".")[0] in sys.builtin_module_names:
            raise _Fault("Runtime.BuiltInModuleConflict",
                         "Cannot use built-in module {} as a handler module".format(modname))
        module = importlib.import_module(modname.replace("/", "."))
    except ImportError as e:
        raise _Fault("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(modname, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise _Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(modname, e), trace)
    fn = getattr(module, fname, None)
    if fn is None:
        raise _Fault("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(fname, modname))
    return fn


class CognitoIdentity:
    __slots__ = ["cognito_identity_id", "cognito_identity_pool_id"]

    def __init__(self, d):
        self.cognito_identity_id = d.get("cognitoIdentityId")
        self.cognito_identity_pool_id = d.get("cognitoIdentityPoolId")


class Client:
    __slots__ = ["installation_id", "app_title", "app_version_name", "app_version_code", "app_package_name"]

    def __init__(self, d):
        for k in self.__slots__:
            setattr(self, k, d.get(k))


class ClientContext:
    __slots__ = ["custom", "env", "client"]

    def __init__(self, d):
        self.custom, self.env = d.get("custom"), d.get("env")
        self.client = Client(d["client"]) if isinstance(d.get("client"), dict) else None


class LambdaContext:
    def __init__(self, request_id, headers):
        env = os.environ
        self.aws_request_id = request_id
        self.log_group_name = env.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = env.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.function_name = env.get("AWS_LAMBDA_FUNCTION_NAME")
        self.memory_limit_in_mb = env.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.function_version = env.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        cc = _json_header(headers, "Lambda-Runtime-Client-Context")
        self.client_context = ClientContext(cc) if isinstance(cc, dict) else None
        self.identity = CognitoIdentity(_json_header(headers, "Lambda-Runtime-Cognito-Identity") or {})
        self._deadline_ms = int(headers.get("Lambda-Runtime-Deadline-Ms") or 0)

    def get_remaining_time_in_millis(self):
        delta = self._deadline_ms - int(time.time() * 1000)
        return delta if delta > 0 else 0

    def log(self, msg):
        sys.stdout.write(str(msg))


def _json_header(headers, name):
    value = headers.get(name)
    if not value:
        return None
    try:
        return json.loads(value)
    except ValueError:
        return None


def handle(client, fn, status, headers, body):
    global _request_id
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
    _request_id = request_id
    trace = headers.get("Lambda-Runtime-Trace-Id")
    if trace:
        os.environ["_X_AMZN_TRACE_ID"] = trace
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    path = "/invocation/%s/" % request_id
    try:
        event = json.loads(body) if body else None
        result = fn(event, LambdaContext(request_id, headers))
    except Exception as e:
        error = fault_result(e, request_id)
        log_error(error)
        client.post_error(path + "error", error)
        return
    try:
        payload = json.dumps(result).encode()
    except Exception as e:
        error = make_error("Unable to marshal response: " + str(e), "Runtime.MarshalError", [], request_id)
        log_error(error)
        client.post_error(path + "error", error)
        return
    client.call("POST", path + "response", payload, {"Content-Type": "application/json"})


def main():
    client = _Client(os.environ["AWS_LAMBDA_RUNTIME_API"])
    root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    sys.path.insert(0, root)
    if len(sys.argv) > 1:  # the runtime's AWS SDK (boto3), after everything else
        sys.path.append(sys.argv.pop(1))  # argv as on Lambda: the bootstrap alone
    setup_logging()
    try:
        fn = load_handler(os.environ.get("_HANDLER", ""))
    except _Fault as f:
        error = make_error(f.msg, f.error_type, f.trace)
    except Exception as e:
        error = fault_result(e)
    else:
        error = None
    if error is not None:
        log_error(error)
        client.post_error("/init/error", error)
        sys.exit(1)
    while True:
        status, headers, body = client.next()
        if status != 200:
            sys.stderr.write("bootstrap: GET /next answered %d: %s\n" % (status, body))
            sys.exit(1)
        handle(client, fn, status, headers, body)


if __name__ == "__main__":
    main()
