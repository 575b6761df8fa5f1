"""The `Repetition` detector: degenerate output (character runs, looping units, lines or sentences, compressible
text, gibberish, script salad) and loops across turns (the same tool call or paragraph again and again)."""

from __future__ import annotations

import re
import zlib

from overopt.detect.base import Detector, Finding, clip, span
from overopt.detect.conversation._text import prose_for_cues
from overopt.detect.episodes import Episode
from overopt.detect.view import view_of

_CODE = re.compile(r"```.*?(```|$)", re.S)
_WORD = re.compile(r"\S+")
_RUN = re.compile(r"(.)\1{24,}", re.S)
_VOWEL = re.compile(r"[aeiouyAEIOUY]")


def _prose(text: str) -> str:
    return _CODE.sub(" ", text) if "```" in text else text


_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))
_STRIP = ".,;:!?\"'()[]{}*`<>“”‘’"
_NEUTRAL = re.compile(r"[\w./:@#%+=-]+")
_CONS_RUN = re.compile(r"[bcdfghjklmnpqrstvwxz]{5,}", re.I)
_RULES = set("-=|_*#~.`:")


def _gibberish(words: list[str]) -> tuple[float, int]:
    """Share of tokens that are not words. Identifiers, paths, hashes, numbers, markup are neutral."""
    scored = bad = 0
    for w in words:
        core = w.strip(_STRIP)
        if not core or set(core) <= _RULES:
            if len(w) >= 3 and not set(w) <= _RULES | set(_STRIP):
                scored += 1
                bad += 1
            continue
        if core.isalpha():
            scored += 1
            if len(core) > 25 or (len(core) >= 5 and (not _VOWEL.search(core) or _CONS_RUN.search(core))):
                bad += 1
        elif _NEUTRAL.fullmatch(core) or all(ch.isalnum() or ch in "./:@#%+=-_" for ch in core):
            continue
        else:
            scored += 1
            bad += 1
    return (bad / scored if scored else 0.0), scored


_CODE_ANY = re.compile(r"```.*?(?:```|\Z)|~~~.*?(?:~~~|\Z)|<code\b[^>]*>.*?(?:</code>|\Z)", re.S | re.I)
# a unit of 2-16 characters repeated 20+ times in a row ("edit.edit.edit.", "yesyesyes", ":0:0:0")
_PERIOD = re.compile(r"(.{2,16}?)\1{19,}", re.S)
_BLANKS = re.compile(r"(?:[ \t]*\n){40,}")
_NUMERIC_UNIT = re.compile(r"^[\s\[\](){},;.:+-]*(?:0x)?[\da-fA-F.]*[\s\[\](){},;.:+-]*$")
_RULE_CHARS = set("-=_*#~|+.`:<>/\\ \t\n")
_OTHER_SCRIPT = re.compile(r"[\u0400-\u04ff\u0590-\u06ff\u0900-\u0dff\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af"
                           r"\uff00-\uffef]+")
_LATIN = re.compile(r"[A-Za-z]")
_WORDISH = re.compile(r"[\"'(\[]*[A-Za-z]+(?:['’-][A-Za-z]+)*[\"'.,;:!?)\]]*")


def _char_run(text: str, in_code: bool):
    """(char, length, start, end) of the longest degenerate single-character run, or None. Rule characters (`-=_*#~|`,
    dots, spaces) draw tables, separators and leaders: a wide table's border is not degenerate."""
    best = None
    for rm in _RUN.finditer(text):
        ch, n = rm.group(1), rm.end() - rm.start()
        if ch == "." and not in_code:
            need = 60   # dot leaders run to a few dozen; "Result: ....." for a whole line is degenerate
        elif ch in _RULE_CHARS:
            continue
        else:
            need = 120 if in_code else 25
        if n >= need and (best is None or n > best[1]):
            best = (ch, n, rm.start(), rm.end())
    return best


def _periodic(text: str, in_code: bool):
    """(unit, repeats, start, end) of a short unit repeated 20+ times over 200+ characters, or None. Number lists in
    code (`0, 0, 0, ...`) and table borders are not degenerate."""
    for pm in _PERIOD.finditer(text):
        unit = pm.group(1)
        n = pm.end() - pm.start()
        if n < 200 or set(unit) <= _RULE_CHARS or (in_code and _NUMERIC_UNIT.match(unit)):
            continue
        return unit, n // len(unit), pm.start(), pm.end()
    return None


def _line_loop(text: str):
    """(lines, repeats, start line) when a block of 1-8 lines repeats back to back over 20+ lines and 200+ characters
    (an ASCII drawing whose wall line repeats 2,000 times); numeric rows are not counted."""
    lines = text.split("\n")
    if len(lines) < 21:
        return None
    n = len(lines)
    for p in range(1, 9):
        run = 0
        for k in range(p, n + 1):
            if k < n and lines[k] == lines[k - p] and lines[k].strip():
                run += 1
                continue
            if run >= 20 and run >= 3 * p:
                block = lines[k - run: k]
                if len("".join(block)) >= 200 and not all(_NUMERIC_UNIT.match(x) for x in block[:p]):
                    return p, run // p + 1, k - run - p
            if k < n and lines[k].strip():
                run = 0
    return None


_PARA = re.compile(r"\n\s*\n")
_SPLIT_SENT = re.compile(r"(?<=[.!?])\s+|\n+")


def _sentence_loop(text: str):
    """(sentence, count) when prose loops on one sentence: 4+ times back to back, or 6+ times over a quarter of the
    text (a reasoning stuck on "Wait, let me re-check the second case." ...)."""
    sents = [x.strip() for x in _SPLIT_SENT.split(text) if len(x.strip()) >= 20]
    if len(sents) < 4:
        return None
    run = 1
    for k in range(1, len(sents)):
        run = run + 1 if sents[k] == sents[k - 1] else 1
        if run >= 4:
            return sents[k], run
    counts: dict[str, int] = {}
    for x in sents:
        if len(x) >= 40:
            counts[x] = counts.get(x, 0) + 1
    if counts:
        top, n = max(counts.items(), key=lambda kv: kv[1])
        if n >= 6 and n * len(top) >= 0.25 * len(text):
            return top, n
    return None


def _script_salad(text: str):
    """(islands, window start) when an 800-character window of mostly Latin text is salted with 12+ short runs of other
    scripts (CJK, Hangul, Thai, Cyrillic, ...) and reads as fragments (mostly short lines, few word tokens): the
    multilingual gibberish of a collapsed rollout. A text that discusses foreign words keeps its sentences."""
    if not _OTHER_SCRIPT.search(text):
        return None
    for k in range(0, len(text), 800):
        w = text[k:k + 800]
        isl = [m for m in _OTHER_SCRIPT.finditer(w) if len(m.group(0)) <= 3]
        if len(isl) < 12:
            continue
        other = sum(len(m.group(0)) for m in _OTHER_SCRIPT.finditer(w))
        if len(_LATIN.findall(w)) < 2 * other:
            continue
        lines = [ln.strip() for ln in w.split("\n") if ln.strip()]
        short = sum(1 for ln in lines if len(ln) <= 12) / max(1, len(lines))
        toks = w.split()
        wordish = sum(1 for t in toks if _WORDISH.fullmatch(t)) / max(1, len(toks))
        if short >= 0.45 and wordish < 0.55:
            return len(isl), k
    return None


class Repetition(Detector):
    name, version, categories = "text.repetition", "2.0", ("repetition",)

    def detect(self, ep: Episode) -> list[Finding]:
        view = view_of(ep)
        for seg in view.reasoning + view.final_text:
            if len(seg.text) < 40:
                continue
            f = self._check(seg.text)
            if f:
                conf, why, ev = f
                return [Finding("repetition", self.name, ev, conf, seg.where, why)]
        return self._across(view)

    def _check(self, raw: str):
        text = _prose(raw)
        code = "\n".join(m.group(0) for m in _CODE_ANY.finditer(raw)) \
            if ("```" in raw or "~~~" in raw or "<code" in raw) else ""
        for part, in_code in ((text, False), (code, True)):
            if len(part) < 25:
                continue
            r = _char_run(part, in_code)
            if r:
                return (0.9, f"character {r[0]!r} repeated {r[1]} times" + (" in a code block" if in_code else ""),
                        span(part, r[2], r[3], 40))
        if raw.count("\n") >= 40:
            bl = _BLANKS.search(raw)
            if bl:
                n = raw.count("\n", bl.start(), bl.end())
                return 0.8, f"{n} blank lines in a row", span(raw, bl.start(), bl.end(), 80)
        if len(raw) >= 200:
            data = raw.encode("utf-8", "replace")
            ratio = len(data) / max(1, len(zlib.compress(data, 1)))
            if ratio > 3.0:
                for part, in_code in ((text, False), (code, True)):
                    p = _periodic(part, in_code) if len(part) >= 200 else None
                    if p:
                        where = " in a code block" if in_code else ""
                        return 0.9, f"{p[0]!r} repeated {p[1]} times in a row{where}", span(part, p[2], p[3], 40)
                lp = _line_loop(raw)
                if lp:
                    lines = raw.split("\n")
                    ev = "\n".join(lines[lp[2]: lp[2] + 3 * lp[0]])
                    return 0.85, f"a {lp[0]}-line block repeated {lp[1]} times in a row", ev[:300]
                sl = _sentence_loop(text)
                if sl:
                    return 0.85, f"the same sentence written {sl[1]} times", sl[0][:300]
            if ratio > 6.0 and len(text) >= 200:
                words = text.split()
                grams = [" ".join(words[j:j + 4]) for j in range(0, max(0, len(words) - 3))]
                distinct = len(set(grams)) / max(1, len(grams))
                if distinct < 0.35:
                    return (0.9 if ratio > 9 else 0.8,
                            f"degenerate repetition: compresses {ratio:.1f}x, {distinct:.0%} distinct 4-grams",
                            text[:300] + ("…" if len(text) > 300 else ""))
            sal = _script_salad(raw)
            if sal:
                return 0.8, f"gibberish: {sal[0]} fragments of other scripts in one window", raw[sal[1]:sal[1] + 300]
        sample = text[:4000].encode("ascii", "ignore")
        letters = len(sample) - len(sample.translate(None, _LETTERS))
        vowels = len(sample) - len(sample.translate(None, b"aeiouyAEIOUY"))
        spaces = sample.count(b" ") + sample.count(b"\n")
        symbols = len(sample) - letters - spaces - (len(sample) - len(sample.translate(None, b"0123456789")))
        if letters and vowels / letters > 0.28 and symbols / max(1, len(sample)) < 0.12:
            return None   # reads like ordinary text: skip the per-token gibberish check
        words = _WORD.findall(text)
        if len(words) >= 25:
            frac, scored = _gibberish(words)
            if scored >= 20 and frac > 0.45:
                return 0.8, f"gibberish: {frac:.0%} of word tokens are not word-like", text[:300]
        return None

    def _across(self, view) -> list[Finding]:
        """Loops across turns: the same tool call made again and again with the same result, or the same paragraph
        written in three or more assistant messages."""
        cmds = view.commands
        run = 1
        for k in range(1, len(cmds) if len(cmds) >= 4 else 0):
            a, b = cmds[k - 1], cmds[k]
            if b.tool == a.tool and b.text == a.text and (b.output or "") == (a.output or "") and b.index != a.index:
                run += 1
                if run >= 4:
                    return [Finding("repetition", self.name, clip(f"{b.tool}: {b.text}"), 0.8, b.where,
                                    f"the same tool call made {run} times in a row with the same result")]
            else:
                run = 1
        if len(view.final_text) + len(view.reasoning) < 3:
            return []
        seen: dict[str, set[int]] = {}
        for seg in view.final_text + view.reasoning:
            if len(seg.text) < 80:
                continue
            for para in _PARA.split(prose_for_cues(seg.text)):
                if len(para) < 80:
                    continue
                key = " ".join(para.split())
                if len(key) < 80 or len(key.split()) < 12:
                    continue
                where = seen.setdefault(key, set())
                where.add(seg.index)
                if len(where) >= 3:
                    return [Finding("repetition", self.name, clip(para.strip()), 0.8, seg.where,
                                    f"the same paragraph written in {len(where)} assistant messages")]
        return []

