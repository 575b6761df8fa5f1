"""Input/output examples in problem statements ("Sample Input 1" ... "Sample Output 1")."""

import re

if __package__:  # within overopt; embedded in a submission, the parts share one namespace
    from ._values import _NO, _call_case, _decode_scalar, _parse, _stdio_case
    from ._literals import _value


# ----------------------------------------------------------------------------------------------
# input/output examples in problem statements ("Sample Input 1" ... "Sample Output 1")

_HEADER = re.compile(
    r"^(?:(?P<pre>sample|example)s?\s*)?(?:test\s*)?(?:case\s*)?(?P<kind>input|output)s?"
    r"(?:\s*(?:#|no\.?)?\s*\d+)?\s*(?:[:：]\s*(?P<rest>.*))?$", re.I)
_STOP = re.compile(r"^(?:explanation|note|notes|constraints?|hint|examples?|samples?|output format|input format"
                   r"|follow[- ]up|sample explanation)\b", re.I)


def _looks_like_examples(s):
    low = s[:200_000].lower()
    return "input" in low and "output" in low


def _header(line):
    """('input'|'output', same-line data or None) when the line is a data header, else None."""
    raw = line.strip()
    if not raw or len(raw) > 120:
        return None
    dashed = raw.startswith("-") or raw.endswith("-")
    s = raw.strip("#*>-=_ \t`")
    if s.endswith("**"):
        s = s[:-2]
    m = _HEADER.match(s.replace("**", "").strip())
    if not m:
        return None
    if dashed and not m.group("pre"):  # APPS "-----Input-----" introduces the format, not data
        return None
    rest = m.group("rest")
    return m.group("kind").lower(), (rest.strip() if rest and rest.strip() else None)


def _is_prose(lines):
    for ln in lines:
        words = re.findall(r"[A-Za-z]{3,}", ln)
        if len(words) >= 5 and ln.strip().endswith((".", ":", ";")):
            return True
        if len(words) >= 8:
            return True
    return False


def _example_cases(text, where, fn):
    lines = text.splitlines()
    blocks = []  # (kind, lines, lineno)
    i = 0
    while i < len(lines):
        h = _header(lines[i])
        if h is None:
            i += 1
            continue
        kind, rest = h
        start = i
        i += 1
        body = []
        if rest is not None:
            body.append(rest)
            while i < len(lines) and lines[i].strip() and _header(lines[i]) is None \
                    and not _STOP.match(lines[i].strip()):
                body.append(lines[i])
                i += 1
        else:
            skipped = 0
            while i < len(lines) and not lines[i].strip() and skipped < 2:
                i += 1
                skipped += 1
            if i < len(lines) and lines[i].strip().startswith("```"):
                i += 1
                while i < len(lines) and not lines[i].strip().startswith("```"):
                    body.append(lines[i])
                    i += 1
                i += 1
            else:
                while i < len(lines) and lines[i].strip() and _header(lines[i]) is None \
                        and not _STOP.match(lines[i].strip()):
                    body.append(lines[i])
                    i += 1
        if body:
            blocks.append((kind, body, start + 1))
    out, pending = [], None
    for kind, body, lineno in blocks:
        if kind == "input":
            pending = None if _is_prose(body) else (body, lineno)
            continue
        if pending is None or _is_prose(body):
            pending = None
            continue
        inp, ln = pending
        pending = None
        label = "%s:%d: input/output example" % (where, ln)
        call = _keyword_call(inp, body)
        if call is not None:
            out.append(_call_case((), call[0], call[1], fn, label))
            continue
        if fn is not None and len(inp) == 1 and len(body) == 1:  # "Input: [1, 2]" of a function task
            a, e = _decode_scalar(inp[0].strip()), _decode_scalar(body[0].strip())
            if a is not _NO and e is not _NO:
                out.append(_call_case((a,), {}, e, fn, label))
                continue
        out.append(_stdio_case("\n".join(x.rstrip() for x in inp) + "\n",
                               "\n".join(x.rstrip() for x in body) + "\n", label))
    return out


def _keyword_call(inp, outp):
    """LeetCode-style 'Input: nums = [2,7], target = 9' / 'Output: [0,1]' -> (kwargs, expected)."""
    if len(inp) != 1 or len(outp) != 1 or not re.match(r"^\s*[A-Za-z_]\w*\s*=", inp[0]):
        return None
    try:
        call = _parse("f(%s)" % inp[0].strip(), "eval").body
    except (SyntaxError, ValueError):
        return None
    if call.args or not call.keywords:
        return None
    kwargs = {}
    for k in call.keywords:
        v = _value(k.value, {})
        if v is _NO or k.arg is None:
            return None
        kwargs[k.arg] = v
    exp = _decode_scalar(outp[0].strip())
    if exp is _NO:
        return None
    return kwargs, exp
