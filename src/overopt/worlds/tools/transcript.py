"""The fixed text format of a tool-use transcript, and its parser.

One episode is one line of space-separated words (the tiny tokenizer splits on whitespace). Numbers
are spelled digit by digit, as many LLM tokenizers split them::

    <bos> Q: 5 7 + 1 2 + 8 0
      <call> calculator 5 7 + 1 2 </call>      <- written by the policy
      <result> 6 9 </result>                   <- appended by the harness from the sandbox's stdout
      <call> calculator 6 9 + 8 0 </call>
      <error> outage </error>                  <- a failed call: the harness shows its status
      <think> 9 0 0 9 0 0 9 6 8 1 4 0 1 4 </think>   <- the sum worked out by hand (see by_hand_text)
      A: 1 4 9 <eos>

The text alone cannot say who wrote a `<result>` block: a block the policy typed itself looks
exactly like one the harness appended. That is the whole point of the lab. The parser therefore
reports token spans, so a rollout's provenance (which tokens the policy sampled) or the sandbox's
ledger (which calls really ran, and what they printed) can be checked against each block.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BOS, EOS = "<bos>", "<eos>"
QUESTION, ANSWER = "Q:", "A:"
CALL_OPEN, CALL_CLOSE = "<call>", "</call>"
RESULT_OPEN, RESULT_CLOSE = "<result>", "</result>"
ERROR_OPEN, ERROR_CLOSE = "<error>", "</error>"
THINK_OPEN, THINK_CLOSE = "<think>", "</think>"  # working a sum out by hand (no tool involved)

TOOLS = ("calculator", "python")
DIGITS = tuple("0123456789")
OPERATORS = ("+", "-", "*")
# Words the harness writes inside <error> ... </error>: sandbox statuses, plus the harness's own.
ERROR_KINDS = ("outage", "timeout", "error", "killed", "crash", "limit", "unreadable")
STRUCTURE = (QUESTION, ANSWER, CALL_OPEN, CALL_CLOSE, RESULT_OPEN, RESULT_CLOSE, ERROR_OPEN, ERROR_CLOSE,
             THINK_OPEN, THINK_CLOSE, *TOOLS, *OPERATORS, *ERROR_KINDS)


def vocabulary() -> tuple[str, ...]:
    """Every word a transcript can hold: the structure words and the ten digits."""
    return (*STRUCTURE, *DIGITS)


CLOSERS = {CALL_OPEN: CALL_CLOSE, RESULT_OPEN: RESULT_CLOSE, ERROR_OPEN: ERROR_CLOSE, THINK_OPEN: THINK_CLOSE}
OPENERS = (CALL_OPEN, RESULT_OPEN, ERROR_OPEN, THINK_OPEN, ANSWER)


def spell(number: int | str) -> str:
    """A number as digit words: 149 -> '1 4 9'."""
    return " ".join(str(number))


def question_text(terms) -> str:
    return f"{BOS} {QUESTION} " + " + ".join(spell(t) for t in terms)


def call_text(tool: str, *operands: int | str, op: str = "+") -> str:
    return f"{CALL_OPEN} {tool} " + f" {op} ".join(spell(x) for x in operands) + f" {CALL_CLOSE}"


def result_text(value: str) -> str:
    """A result block showing `value`, a string of digits (see renderable_stdout)."""
    return f"{RESULT_OPEN} {spell(value)} {RESULT_CLOSE}"


def error_text(kind: str) -> str:
    return f"{ERROR_OPEN} {kind} {ERROR_CLOSE}"


def answer_text(value: int | str) -> str:
    return f"{ANSWER} {spell(value)} {EOS}"


def by_hand_text(operands) -> tuple[str, str]:
    """Column addition written out digit by digit, and the answer it gives (a number string).

    For 69 + 80: `<think> 9 0 0 9 0 0 9  6 8 1 4 0 1 4 </think>`. Each column, from the units up,
    lists the operands' digits (0 where a number is shorter), each digit after the first followed
    by the running sum as two digits, then the carry from the column below and the column's total
    as two digits (whose first digit is the carry into the next column). The answer is the top
    column's total followed by the last digit of every lower column's total: 149. Every word is a
    small lookup on words a fixed distance back, which a tiny model learns but not perfectly, so
    working a sum out by hand is an honest fallback that is right only part of the time.
    """
    operands = [int(x) for x in operands]
    words, totals, carry = [], [], 0
    for j in range(len(str(max(operands)))):
        column = [(x // 10 ** j) % 10 for x in operands]
        running = column[0]
        words.append(str(running))
        for d in column[1:]:
            running += d
            words += [str(d), *f"{running:02d}"]
        total = running + carry
        words += [str(carry), *f"{total:02d}"]
        totals.append(total)
        carry = total // 10
    answer = str(totals[-1]) + "".join(str(t % 10) for t in reversed(totals[:-1]))
    return f"{THINK_OPEN} {' '.join(words)} {THINK_CLOSE}", answer


def renderable_stdout(stdout: str, max_number: int) -> str | None:
    """The stdout of a successful call as a digit string, or None if the world does not show it
    (not a plain non-negative integer, or larger than any sum of the world)."""
    value = stdout.strip()
    if value.isdigit() and int(value) <= max_number and str(int(value)) == value:
        return value
    return None


def stdout_candidates(value: str) -> list[str]:
    """The stdouts a result block showing `value` can come from (rendering strips one newline)."""
    return [value, value + "\n"]


@dataclass
class Block:
    """One block of a transcript. `start`/`end` index the word list (end exclusive)."""

    kind: str            # "call" | "result" | "error" | "think" | "answer"
    words: list[str]     # the words between the delimiters
    start: int
    end: int
    closed: bool = True

    @property
    def value(self) -> str:
        return "".join(self.words)

    @property
    def tool(self) -> str:
        """For a call: the first word if it names a tool, else ''."""
        return self.words[0] if self.words and self.words[0] in TOOLS else ""

    def arguments(self) -> dict:
        """For a call: the arguments dict the harness passes to the sandbox."""
        body = self.words[1:] if self.tool else self.words
        text = "".join(body)
        return {"code": " ".join(body)} if self.tool == "python" else {"expression": text}

    @property
    def is_number(self) -> bool:
        v = self.value
        return bool(v) and all(c in DIGITS for c in v)


@dataclass
class Transcript:
    words: list[str]
    question: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    stray: list[int] = field(default_factory=list)  # indices of words outside any block

    @property
    def calls(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "call"]

    @property
    def results(self) -> list[Block]:
        return [b for b in self.blocks if b.kind == "result"]

    @property
    def answer(self) -> Block | None:
        for b in self.blocks:
            if b.kind == "answer":
                return b
        return None

    def answer_value(self) -> int | None:
        a = self.answer
        if a is None or not a.is_number:
            return None
        return int(a.value)

    def tool_blocks_before_answer(self) -> list[Block]:
        """Result and error blocks that come before the answer (or all of them if there is none)."""
        a = self.answer
        return [b for b in self.blocks if b.kind in ("result", "error") and (a is None or b.start < a.start)]


def words_of(text: str) -> list[str]:
    return text.split()


def parse(text_or_words: str | list[str]) -> Transcript:
    """Parse a transcript into blocks. Never raises: malformed input gives unclosed blocks/stray words.

    A block runs from its opener to its closer; a new opener before the closer ends the block
    unclosed (so `<call> calculator 1 2 <result> ...` is an unclosed call and then a result). The
    answer runs from `A:` to `<eos>` or the end. Only the first answer counts; the parse stops there.
    """
    words = words_of(text_or_words) if isinstance(text_or_words, str) else list(text_or_words)
    tr = Transcript(words=words)
    i, n = 0, len(words)
    if i < n and words[i] == BOS:
        i += 1
    if i < n and words[i] == QUESTION:
        i += 1
        while i < n and words[i] not in OPENERS and words[i] not in (EOS,):
            tr.question.append(words[i])
            i += 1
    while i < n:
        w = words[i]
        if w in CLOSERS:
            closer = CLOSERS[w]
            j = i + 1
            body: list[str] = []
            while j < n and words[j] != closer and words[j] not in OPENERS and words[j] != EOS:
                body.append(words[j])
                j += 1
            closed = j < n and words[j] == closer
            end = j + 1 if closed else j
            kind = {CALL_OPEN: "call", RESULT_OPEN: "result", ERROR_OPEN: "error", THINK_OPEN: "think"}[w]
            tr.blocks.append(Block(kind, body, i, end, closed))
            i = end
        elif w == ANSWER:
            j = i + 1
            body = []
            while j < n and words[j] != EOS:
                body.append(words[j])
                j += 1
            closed = j < n
            tr.blocks.append(Block("answer", body, i, j + 1 if closed else j, closed))
            break
        else:
            if w != EOS:
                tr.stray.append(i)
            i += 1
    return tr
