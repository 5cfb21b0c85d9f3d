#!/usr/bin/python3
# validate-reports.py SCHEMA REPORT... - check JSON reports against the report schema
# (src/report/report.schema.json) with Debian's python3-jsonschema, draft 2020-12, formats checked.
# Prints "FAIL: REPORT: JSONPATH: message" for every error and "ok: REPORT" for every
# valid report; exits 1 when any report failed, 2 when the check itself could not run.
import json
import re
import sys
from datetime import datetime

try:
    from jsonschema import Draft202012Validator, FormatChecker
except ImportError:
    print("validate-reports: python3-jsonschema is missing (tools/install-deps.sh test)",
          file=sys.stderr)
    sys.exit(2)

# RFC 3339 date-time: jsonschema checks it only with rfc3339-validator, which Debian 12
# lacks; this check is as strict (a real date and time, an offset or Z).
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def is_date_time(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    text = re.sub(r"\.\d+", "", value).upper().replace("Z", "+00:00")
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def json_path(error):
    path = "$"
    for part in error.absolute_path:
        if isinstance(part, int):
            path += "[%d]" % part
        elif re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", part):
            path += "." + part
        else:
            path += "[%s]" % json.dumps(part)
    return path


def main(argv):
    if len(argv) < 2:
        print("usage: validate-reports.py SCHEMA REPORT...", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    formats = FormatChecker()
    if "date-time" not in formats.checkers:
        formats.checks("date-time")(is_date_time)
    validator = Draft202012Validator(schema, format_checker=formats)
    failed = False
    for name in argv[2:]:
        try:
            with open(name, encoding="utf-8") as f:
                report = json.load(f)
        except (OSError, ValueError) as e:
            print("FAIL: %s: $: not a JSON document: %s" % (name, e))
            failed = True
            continue
        errors = sorted(validator.iter_errors(report), key=lambda e: list(e.absolute_path))
        for e in errors:
            print("FAIL: %s: %s: %s" % (name, json_path(e), e.message[:300]))
        if errors:
            failed = True
        else:
            print("ok: %s" % name)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
