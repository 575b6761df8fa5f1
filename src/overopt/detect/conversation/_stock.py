"""The `StockPhrase` detector. Three families of canned assistant boilerplate: AI-identity disclaimers, sycophantic
openers, canned closers. Polite phrases outside them ("I'd be happy to help", "I apologize for the confusion",
"Sure!", "It's important to note") and "certainly" used mid-sentence are ordinary writing, not boilerplate."""

from __future__ import annotations

import re

from overopt.detect.base import Detector, Finding, span
from overopt.detect.conversation._text import prose_for_cues
from overopt.detect.episodes import Episode
from overopt.detect.view import view_of

_VIRTUE = r"(?:helpful|responsible|ethical|respectful|honest|harmless|friendly|neutral|trustworthy|reliable|caring|safe|" \
          r"compassionate|knowledgeable|unbiased|impartial|positive)"
STOCK_IDENTITY = re.compile(
    r"\bas an? (?:AI|artificial intelligence)(?: language model| model| assistant| chatbot| system)?\b|"
    r"\bas an? (?:large )?language model\b|"
    r"\bas an? (?:" + _VIRTUE + r"(?:,\s*(?:and\s+)?|\s+and\s+|\s+)){1,4}(?:AI\b|assistant|language model|chatbot)|"
    r"\bas (?:an?|your) (?:(?!(?:of|in|for|with|about|on|at|to|the|from|by|result|fan|user|student|researcher|expert|"
    r"developer|engineer|person|human|company|team)\b)[\w-]+(?:,\s*(?:and\s+)?|\s+and\s+|\s+)){1,3}"
    r"(?:AI|LLM|artificial intelligence|chatbot|language model|AI (?:assistant|model|system|chatbot))\b(?!\s+(?:research|"
    r"researchers?|art|company|lab|policy|ethics|enthusiast|expert|developer|engineer|field|industry|tools?))|"
    r"\bI(?:'m|’m| am) (?:just |only |merely |simply )?an? (?:AI|artificial intelligence|language model|virtual assistant|"
    r"AI (?:language model|assistant|model|chatbot))\b|"
    r"\bI (?:do not|don't|don’t) have (?:personal |any )?(?:feelings|opinions|emotions|beliefs|personal experiences|"
    r"experiences|preferences|thoughts|consciousness)\b|"
    r"\b(?:my|I have a) (?:knowledge )?cut-?off\b|\bmy training data\b|\bas of my last (?:knowledge )?(?:update|training)",
    re.I)
STOCK_OPENER = re.compile(
    r"(?:^|\n\s*\n)[\s*_#>]*(?:Certainly|Absolutely|Of course|Sure thing|Definitely)(?:!|,(?=\s+(?:here|I|I'd|I'll|I’d|I’ll|"
    r"let|let's|happy|glad|below|this|that)\b))|"
    r"(?:^|\n\s*\n)[\s*_#>]*(?:(?:What an?|That's an?|That’s an?|That is an?|Such an?)\s+)?(?:great|good|excellent|fantastic|"
    r"wonderful|interesting|insightful|thoughtful|amazing|fascinating|intriguing) question[!.]|"
    r"\b(?:That's|That’s|That is|What) an? (?:great|good|fantastic|excellent|wonderful|insightful|thoughtful) question[!.]|"
    r"(?:^|\n\s*\n)[\s*_#>]*(?:(?:I'm|I’m|I am|So|Very|Really)\s+)?(?:so\s+)?glad you asked\b|"
    r"(?:^|\n\s*\n)[\s*_#>]*(?:Thanks|Thank you) (?:so much )?for (?:asking|your question|the question)[!.]",
    re.I)
STOCK_CLOSER = re.compile(
    r"\b(?:I )?hope (?:this|that|it|my (?:answer|response|explanation)) (?:helps|was helpful|is helpful|has been helpful|"
    r"answers your question|clarifies)\b|"
    r"\bfeel free to (?:ask|reach out|contact|get in touch|let me know|follow up)\b|"
    r"\b(?:don't|do not|don’t) hesitate to (?:ask|reach out|contact|let me know|get in touch)\b|"
    r"\blet me know if (?:you (?:have|need|want|would like|'d like|’d like)|there(?:'s| is|’s) anything)"
    r"(?: any| more| anything)?(?: other| more| further| additional| else)?\b|"
    r"\bif you (?:have|need) (?:any )?(?:other|more|further|additional)? ?(?:questions|requests|concerns|help)\b[^.\n]{0,60}"
    r"(?:let me know|ask\b|feel free|reach out|don't hesitate|don’t hesitate)|"
    r"\b(?:is there )?anything else (?:I can|I could|you'd like me to|you would like me to) (?:help|assist|do)\b",
    re.I)
_STOCK_FAMILIES = (("identity", STOCK_IDENTITY), ("opener", STOCK_OPENER), ("closer", STOCK_CLOSER))
_STOCK_HINTS = ("as an", "as a ", "language model", "i'm ", "i’m", "i am ", "have ", "certainly", "absolutely", "of course",
                "sure thing", "definitely", "question", "hope", "glad you", "for asking", "as your", "feel free", "hesitate", "let me know", "if you have",
                "if you need", "anything else", "cutoff", "cut-off", "training data", "last update", "last knowledge")


def _has(text: str, hints) -> bool:
    low = text.lower()
    return any(h in low for h in hints)


_SQUOTE = re.compile(r"(?<![A-Za-z])'|'(?![A-Za-z])")   # a quote mark, not the apostrophe of "That's"


def _quoting(text: str, a: int) -> bool:
    """The phrase at `a` is quoted or discussed, not said."""
    line_start = text.rfind("\n", 0, a) + 1
    pre = text[line_start:a]
    return bool(pre.count('"') % 2 or len(_SQUOTE.findall(pre)) % 2 or pre.count("“") > pre.count("”")
                or pre.count("`") % 2 or pre.lstrip().startswith(">"))


class StockPhrase(Detector):
    name, version, categories = "text.stock_phrase", "2.0", ("stock_phrase",)

    def detect(self, ep: Episode) -> list[Finding]:
        hits = []
        for seg in view_of(ep).final_text:
            if not _has(seg.text, _STOCK_HINTS):
                continue
            text = prose_for_cues(seg.text)
            for fam, rx in _STOCK_FAMILIES:
                for sm in rx.finditer(text):
                    a = sm.start() + (len(sm.group(0)) - len(sm.group(0).lstrip()))
                    if _quoting(text, a):
                        continue
                    hits.append((fam, seg.where, text, sm))
                    break
        if not hits:
            return []
        fams = {h[0] for h in hits}
        conf = 0.9 if "identity" in fams else 0.8 if len(hits) >= 2 else 0.65
        fam, where, text, sm = next((h for h in hits if h[0] == "identity"), hits[0])
        return [Finding("stock_phrase", self.name, span(text, sm.start(), sm.end(), 60), conf, where,
                        f"{len(hits)} boilerplate phrase(s) ({', '.join(sorted(fams))}), e.g. {sm.group(0).strip()!r}")]
