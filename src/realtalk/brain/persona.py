"""What the session's instructions say about who the agent is and what it should say.

Instructions are written for a language model, so this reads only what rules can read reliably:
the agent's name and role ("You are Ada, a concierge for Hotel X"), an explicit greeting or
sign-off ("Always greet the user with 'Welcome to Acme'"), conditional lines ("If someone asks
about parking, say 'Parking is free'"), a bare "Say ..." instruction, and plain facts ("We are
open 9 to 5.") that can answer a matching question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import lexicon

_QUOTED = r"\"[^\"\n]+\"|“[^”\n]+”|'[^\n]+?'(?!\w)|‘[^’\n]+’"
_UNQUOTED = r"[^\"“'‘\s][^\n]*?(?:[.!?](?=\s|$)|(?=\n)|$)"
_ANY = rf"(?P<say>{_QUOTED}|{_UNQUOTED})"
_ONLY_QUOTED = rf"(?P<say>{_QUOTED})"
_GAP = r"[^.!?\n\"“'‘]{0,40}?"  # a few words, within the sentence
_WHO = (r"(?:the\s+|a\s+|an\s+)?(?:user|caller|customer|guest|client|patient|visitor|someone|anyone|"
        r"somebody|they|people|you(?:'re|\s+are)?)?\s*(?:is\s+|are\s+)?")  # fmt: skip
_ASKS = (r"(?:asks?|asked|asking|says?|said|mentions?|mentioned|wants?|wanted|inquires?|enquires?|"
         r"requests?|talks?)\s+(?:you\s+)?"
         r"(?:about\s+|for\s+|whether\s+|if\s+|to\s+know\s+(?:about\s+)?)?")  # fmt: skip
_TELL = r"(?P<verb>say|tell|answer|reply|respond|explain|let|inform|mention)\w*"
_TO_WHOM = r"(?:\s+(?:them|the\s+user|the\s+caller|the\s+customer|him|her))?(?:\s+know)?(?:\s+with|\s+that)?"

_RULES = [
    re.compile(
        rf"\b(?:if|when|whenever)\s+{_WHO}{_ASKS}(?P<topic>[^,.;!?\n:]{{2,80}}?)\s*[,:;]?\s*(?:then\s+)?"
        rf"(?:you\s+)?(?:should\s+|must\s+|can\s+|always\s+|just\s+)?{_TELL}{_TO_WHOM}\s*:?\s*{_ANY}",
        re.I,
    ),
    re.compile(
        rf"\b{_TELL}\s+(?:with\s+)?{_ONLY_QUOTED}\s+(?:if|when|whenever)\s+{_WHO}{_ASKS}"
        rf"(?P<topic>[^.,;!?\n]+)",
        re.I,
    ),
]
_GREETINGS = [
    re.compile(rf"\bgreet\w*\b{_GAP}\b(?:with|by\s+saying|saying|say)\s*:?\s*{_ONLY_QUOTED}", re.I),
    re.compile(rf"\bgreet\w*\b{_GAP}\b(?:by\s+saying|saying|with\s*:)\s*:?\s*{_ANY}", re.I),
    re.compile(
        rf"\b(?:start|begin|open)\w*\b{_GAP}\b(?:with|by\s+saying|saying)\s*:?\s*{_ONLY_QUOTED}", re.I
    ),
    re.compile(rf"\b(?:start|begin|open)\w*\b{_GAP}\b(?:by\s+saying|saying|with\s*:)\s*:?\s*{_ANY}", re.I),
    re.compile(
        rf"\b(?:first|opening)\s+(?:message|words?|line|sentence|reply|response)\b{_GAP}\b(?:is|be)\s*:?\s*{_ANY}",
        re.I,
    ),
    re.compile(
        rf"\bintroduce\s+yourself\b{_GAP}\b(?:with|by\s+saying|saying|as)\s*:?\s*{_ONLY_QUOTED}", re.I
    ),
    re.compile(rf"(?:^|(?<=[.!?\n]))\s*(?:please\s+)?say\s+{_ONLY_QUOTED}", re.I),
]
_FAREWELLS = [
    re.compile(
        rf"\b(?:say\s+goodbye|sign\s+off|end|close|finish)\w*\b{_GAP}\b(?:with|by\s+saying|saying)\s*:?\s*{_ANY}",
        re.I,
    ),
]
# The whole instructions are one thing to say (typical of `response.create` instructions).
_DIRECTIVE = re.compile(
    r"^\s*(?:please\s+)?(?:"
    rf"(?P<verb>say|tell\s+the\s+user|tell\s+them)\s*(?:exactly\s*)?:?\s*(?P<say>{_QUOTED}|[^\"“'‘\s][^\n.!?]*[.!?]?)"
    rf"|(?:greet\s+the\s+user|respond|reply|answer)\s+with\s*:?\s*(?P<quoted>{_QUOTED}))\s*$",
    re.I,
)
_SALUTATION = re.compile(
    r"^\W*(?:welcome|hi|hello|hey|good\s+(?:morning|afternoon|evening)|greetings)\b", re.I
)
_PLAIN_HELLO = re.compile(r"(?:hello|hi|hey)\b", re.I)
_NAMES = [
    re.compile(
        r"\b(?i:your\s+name\s+is|you\s+are\s+called|you're\s+called|you\s+are\s+named|call\s+yourself"
        r"|introduce\s+yourself\s+as|you\s+go\s+by)\s+(?P<name>[A-Z][\w'-]+)"
    ),
    re.compile(
        r"\b(?i:you\s+are|you're)\s+(?P<name>[A-Z][a-z'-]+)"
        r"(?=\s*(?:[,.;!]|\s(?i:from|at|of|with|and|the|a|an|who|working|here)\b|$))"
    ),
]
_NOT_NAMES = {"An", "The", "A", "Not", "Here", "Now", "Always", "Going", "Able", "Very", "Also", "Only",
              "There", "Helpful", "Friendly", "Never", "Currently", "Speaking", "Talking", "Responsible",
              "Expected", "Allowed", "Acting"}  # fmt: skip
_ROLE = re.compile(
    r"\b(?i:you\s+are|you're|you\s+act\s+as|act\s+as|acting\s+as|you\s+work\s+as|your\s+role\s+is)\s+"
    r"(?:[A-Z][a-z'-]+,?\s+)?(?i:an?|the)\s+(?P<role>[^.;!?\n]{3,120})"
)
_WORKPLACE = re.compile(
    r"\b(?i:you\s+work|you're\s+working|you\s+are\s+working|you\s+are\s+[A-Z][a-z'-]+,?|you're\s+[A-Z][a-z'-]+,?)"
    r"\s+(?i:at|for|in|from)\s+(?P<place>[^.;!?\n,]{3,60})"
)
_ADJECTIVES = lexicon.words(
    """helpful friendly witty polite professional warm kind concise cheerful knowledgeable patient courteous
    efficient smart expert experienced enthusiastic engaging empathetic upbeat calm caring brief very super
    highly extremely playful lively charming honest reliable capable useful thoughtful attentive and
    funny chatty talkative quick fast sarcastic"""
)
_GENERIC_ROLES = {"ai", "assistant", "ai assistant", "voice assistant", "chatbot", "bot", "language model",
                  "model", "agent", "ai agent", "voice agent", "virtual assistant", "human", "ai model",
                  "large language model", "ai voice assistant"}  # fmt: skip
# A sentence starting with one of these tells the agent what to do; it is not a fact to repeat.
_COMMANDS = lexicon.words(
    """be do don't dont never always act use keep speak talk respond reply answer ask avoid try make help
    remember note only please greet introduce say tell refuse stay limit prefer start begin end if when
    whenever i follow ensure provide offer give call mention explain confirm repeat maintain sound engage
    pretend imagine consider focus write format output return include let unless otherwise as here below
    should must this"""
)
# Nor is a sentence about the agent or the conversation.
_ABOUT_THE_AGENT = lexicon.words(
    """you your you're you've you'll you'd yourself user users caller callers assistant agent conversation
    conversations instruction instructions prompt model tone demeanor personality question questions
    response responses task rules"""
)
_THIRD_TO_SECOND = [(r"\bthey're\b", "you're"), (r"\bthey\s+are\b", "you are"), (r"\bthem\b", "you"),
                    (r"\btheir\b", "your"), (r"\btheirs\b", "yours"), (r"\bthey\b", "you"),
                    (r"\bthe\s+(?:user|caller|customer)\b", "you")]  # fmt: skip


@dataclass(frozen=True)
class Rule:
    """ "If someone asks about <topic>, say <reply>"."""

    topic: frozenset[str]
    reply: str


@dataclass(frozen=True)
class Persona:
    """Who the agent is and what it has been told to say."""

    name: str | None = None
    role: str | None = None
    """How it describes itself after its name: "your concierge for Hotel X"."""
    greeting: str | None = None
    farewell: str | None = None
    directive: str | None = None
    """The instructions are just "Say ...": say it, whatever the conversation."""
    rules: tuple[Rule, ...] = ()
    facts: tuple[str, ...] = ()

    def introduce(self) -> str:
        """The greeting: the instructed one, or one built from the name and role."""
        if self.greeting:
            return self.greeting
        if self.name or self.role:
            return f"Hi, I'm {self.describe()}. How can I help?"
        return "Hi there! How can I help?"

    def explain(self) -> str:
        """How things work here, as the instructed greeting tells it: its sentences that do not
        just greet or give the agent's name ("The door is locked with a four digit code. ...")."""
        sentences = re.split(r"(?<=[.!?])\s+", self.greeting or "")
        told = [
            s
            for s in sentences
            if s
            and not _SALUTATION.match(s)
            and not (self.name and re.search(rf"\b{re.escape(self.name)}\b", s))
        ]
        return " ".join(told)

    def describe(self) -> str:
        """ "Ada, your concierge for Hotel X"."""
        return ", ".join(p for p in (self.name, self.role) if p) or "a voice assistant, running offline"

    def rule_for(self, text: str) -> str | None:
        """The reply an instruction prescribes for what the user said, if any."""
        said = set(lexicon.content_stems(text)) | _greeting_stems(text)
        for rule in self.rules:
            if rule.topic and _overlap(rule.topic, said) * 2 >= len(rule.topic):
                return rule.reply
        return None

    def fact_for(self, text: str) -> str | None:
        """The fact from the instructions that answers a question, if one clearly does."""
        asked = set(lexicon.content_stems(text))
        if not asked or not self.facts:
            return None
        stems = [set(lexicon.content_stems(f)) for f in self.facts]
        best, best_score = None, 0.0
        for fact, fact_stems in zip(self.facts, stems, strict=True):
            covered = _overlap(asked, fact_stems)
            # Rarer words decide: "open" in one fact says more than "we" in all of them.
            weight = sum(1 / sum(w in s for s in stems) for w in asked & fact_stems)
            if covered * 2 >= len(asked) and (score := covered + weight) > best_score:
                best, best_score = fact, score
        return best if best_score >= 1 else None


def _overlap(words: set[str] | frozenset[str], other: set[str]) -> int:
    """How many of `words` are in `other`, or share a synonym group with a word there."""
    other_groups = {g for w in other for g in lexicon.concepts(w)}
    return sum(w in other or bool(lexicon.concepts(w) & other_groups) for w in words)


def _greeting_stems(text: str) -> set[str]:
    # Rules about greetings and goodbyes ("when the user says hello") must see those stopwords.
    words = set(lexicon.tokens(text))
    found = {"hello"} if words & {"hi", "hello", "hey"} else set()
    return found | ({"bye"} if words & {"bye", "goodbye"} else set())


@lru_cache(maxsize=128)
def parse(instructions: str) -> Persona:
    """The persona in `instructions` (cached: sessions send the same instructions every turn)."""
    text = instructions.strip()
    if not text:
        return Persona()
    directive = _DIRECTIVE.match(text)
    # "Say hello to the user" asks for a greeting, not for those words.
    if directive is not None and not _PLAIN_HELLO.match(directive.group("say") or ""):
        said = directive.group("say") or directive.group("quoted")
        return Persona(directive=_spoken(said, directive.group("verb")))
    used: list[tuple[int, int]] = []
    rules = []
    for pattern in _RULES:
        for match in pattern.finditer(text):
            topic = frozenset(lexicon.content_stems(match.group("topic"))) | frozenset(
                _greeting_stems(match.group("topic"))
            )
            rules.append(Rule(topic, _spoken(match.group("say"), match.group("verb"))))
            used.append(match.span())
    greeting = _first_said(_GREETINGS, text, used)
    farewell = _first_said(_FAREWELLS, text, used)
    name = next(
        (m.group("name") for p in _NAMES for m in p.finditer(text) if m.group("name") not in _NOT_NAMES), None
    )
    return Persona(
        name=name,
        role=_role(text),
        greeting=greeting,
        farewell=farewell,
        rules=tuple(rules),
        facts=tuple(_facts(text, used)),
    )


def _first_said(patterns: list[re.Pattern[str]], text: str, used: list[tuple[int, int]]) -> str | None:
    for pattern in patterns:
        for match in pattern.finditer(text):
            if all(match.end() <= s or match.start() >= e for s, e in used):
                used.append(match.span())
                return _spoken(match.group("say"))
    return None


def _spoken(said: str, verb: str | None = None) -> str:
    """An instructed line as the agent says it: unquoted, "tell them X" turned to the listener."""
    said = said.strip()
    if said[:1] in "\"“'‘" and said[-1:] in "\"”'’":
        said = said[1:-1].strip()
    elif verb and verb.split()[0].lower() in ("tell", "let", "inform", "explain"):
        for pattern, replacement in _THIRD_TO_SECOND:
            said = re.sub(pattern, replacement, said, flags=re.I)
    said = re.sub(r"^(?:that|know\s+that)\s+", "", said, flags=re.I)
    said = said[:1].upper() + said[1:]
    return said if said.endswith((".", "!", "?")) else said + "."


def _role(text: str) -> str | None:
    match = _ROLE.search(text)
    if match is not None:
        words = re.split(r"(?<=,)\s*|\s+", match.group("role"))
        while words and words[0].rstrip(",").lower() in _ADJECTIVES:
            words.pop(0)
        role = re.split(r",|\s+(?:who|that|which|whose|and\s+you|named|called|with\s+a)\s+", " ".join(words))[
            0
        ]
        role = role.strip()
        if role and role.lower() not in _GENERIC_ROLES and len(role.split()) <= 8:
            return role if role.split()[0].endswith("'s") else f"your {role}"
    workplace = _WORKPLACE.search(text)
    if workplace is not None and len(workplace.group("place").split()) <= 8:
        return f"from {workplace.group('place').strip()}"
    return None


def _facts(text: str, used: list[tuple[int, int]]) -> list[str]:
    """Plain statements ("We are open 9 to 5."), not instructions to the agent."""
    facts = []
    for match in re.finditer(r"[^.!?\n]+[.!?]?", text):
        if any(match.start() < e and match.end() > s for s, e in used):
            continue
        sentence = re.sub(r"^[\s#*•-]+", "", match.group(0)).strip()
        words = lexicon.tokens(sentence)
        if (
            len(words) < 4
            or words[0] in _COMMANDS
            or _ABOUT_THE_AGENT & set(words)
            or re.search(r"[\[\]{}\"“”]|\?$", sentence)  # data, examples and questions
        ):
            continue
        facts.append(sentence if sentence.endswith((".", "!", "?")) else sentence + ".")
    return facts
