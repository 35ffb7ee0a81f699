"""Small talk and what an utterance says beyond a request: greetings, thanks, "what can you do?",
"yes" and "no", fillers, and asking to hear the rest of a long answer."""

from __future__ import annotations

import re

from . import lexicon, yes_no

# A question about the agent itself, not the user's agenda ("your day", not "my day").
ABOUT_YOU = (
    r"\bhow(?:'s|\s+is|\s+was|\s+has)\s+your\s+(?:day|morning|afternoon|evening|weekend|week|night)\b"
    r"|\bwhat\s+(?:have|'ve)\s+you\s+been\s+(?:up\s+to|doing)\b|\bwhat\s+are\s+you\s+(?:up\s+to|doing)\b"
    r"|\b(?:are\s+you\s+)?having\s+a\s+(?:good|nice|great|busy)\s+(?:day|one|week|time)\b"
    r"|\bhow\s+(?:are|were)\s+you\s+(?:today|keeping|getting\s+on)\b|\bwhat(?:'s|\s+is)\s+new\s+with\s+you\b"
)

INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (intent, re.compile(pattern, re.IGNORECASE))
    for intent, pattern in (
        ("cancel", r"\b(?:never\s*mind|forget\s+(?:about\s+)?(?:it|that)|cancel\s+(?:that|it)"
                   r"|don't\s+bother)\b"),
        ("bye", r"\b(?:bye|goodbye|good\s+bye|see\s+you|talk\s+to\s+you\s+later|that's\s+all|that\s+is\s+all"
                r"|that(?:'ll|\s+will|\s+would)\s+be\s+all"
                r"|have\s+a\s+(?:good|great|nice)\s+(?:day|night|one|evening))\b"),
        ("thanks", r"\b(?:thanks|thank\s+you|cheers|appreciate\s+it|thx)\b|^\W*ta(?:\s+very\s+much)?\W*$"),
        ("capabilities", r"\b(?:what\s+(?:can|do|else\s+can)\s+you\s+do|how\s+can\s+you\s+help"
                         r"|what\s+are\s+you\s+(?:able|capable)|what\s+can\s+i\s+ask|what\s+are\s+my\s+options"
                         r"|what\s+can\s+you\s+help|what\s+services"
                         # "what sort of things can you help me with?", "what kind of stuff do you do?"
                         r"|what\s+(?:sorts?|kinds?|types?)\s+of\s+(?:things|stuff)\s+(?:can|do)\s+you)\b"
                         r"|^\W*(?:(?:can|could|will|would)\s+you\s+)?help(?:\s+me)?(?:\s+please)?\W*$"),
        ("who", r"\b(?:who\s+(?:even\s+|exactly\s+|actually\s+|really\s+)?are\s+you"
                r"|what(?:'s|\s+is)\s+your\s+name|who\s+am\s+i\s+(?:talking|speaking)"
                r"|who\s+is\s+this|are\s+you\s+(?:a\s+)?(?:robot|bot|human|real|an?\s+ai))\b"),
        ("how_are_you", r"\b(?:how\s+are\s+you|how\s+do\s+you\s+do|how\s+(?:have|'ve)\s+you\s+been"
                        r"|how\s+you\s+doing|how(?:'s|\s+is|\s+are)\s+(?:it\s+going|things|life|everything))\b"
                        # "How's your day going?", "what have you been up to?": about the agent's own day.
                        rf"|{ABOUT_YOU}"),
        ("repeat", r"\b(?:repeat\s+(?:that|it)|say\s+(?:that|it)\s+again|what\s+did\s+you\s+say|come\s+again"
                   r"|^\s*pardon|^\s*sorry\s+what)\b"),
        ("time", r"\b(?:what(?:'s|\s+is)\s+the\s+time|what\s+time\s+is\s+it|current\s+time"
                 r"|time\s+(?:is\s+it\s+)?now)\b"),
        ("date", r"\b(?:what(?:'s|\s+is)\s+(?:the\s+|today's\s+)?date|what\s+day\s+is\s+(?:it|today)"
                 r"|today's\s+date|what\s+is\s+today)\b"),
        # "What are the rules?", "what am I supposed to do in here?": how this conversation works.
        ("rules", r"\b(?:what\s+(?:are|were)\s+the\s+rules|explain\s+the\s+rules"
                  r"|how\s+does\s+(?:this|it|the\s+game)\s+work|how\s+do\s+i\s+(?:play|win|get\s+out)|what(?:'s|\s+is)\s+the\s+(?:goal|point|aim))\b"
                  r"|\bwhat\s+(?:am\s+i\s+(?:supposed|meant)\s+to(?:\s+be)?|should\s+i(?:\s+be)?|do\s+i)\s+do(?:ing)?"
                  r"(?:\s+(?:here|in\s+here))?\W*$"
                  # "what happens if I get it wrong?", "is there a time limit?", "how many tries do I get?"
                  r"|\bwhat\s+happens\s+(?:if|when)\s+i\b|\bis\s+there\s+an?\s+(?:time\s+)?limit\b"
                  r"|\bhow\s+many\s+(?:guesses|tries|attempts|goes|chances|lives)\b"
                  r"|\b(?:do|can|will)\s+i\s+get\s+(?:unlimited|infinite|more|another|extra)\s+"
                  r"(?:guesses|tries|attempts|goes|chances)\b"
                  # "do I have to say the code digit by digit?", "how should I give the answer?": how
                  # a value is to be given, not the value
                  r"|\b(?:how\s+(?:do|should|must|can)\s+i|(?:do|must|should)\s+i\s+(?:have|need)\s+to)\s+"
                  r"(?:say|give|enter|type|spell|put\s+in|read\s+out)\s+(?:the|my|it|them)\b"),
        ("greeting", r"^\W*(?:hi|hello|hey|hiya|howdy|yo|greetings|good\s+(?:morning|afternoon|evening))\b"
                     r"(?:\W+\w+){0,4}\W*$|\bare\s+you\s+(?:still\s+)?there\b"
                     # "Morning!", "evening, all": the greeting said without its "good".
                     r"|^\W*(?:morning|afternoon|evening)(?:\s+(?:all|everyone|there))?\s*(?:!|,\s*\w)"),
        ("no", r"^\W*(?:no|nope|nah|no\s+thanks|no\s+thank\s+you|nothing|nothing\s+else|leave\s+it|not\s+now"
               r"|not\s+really|no\s+need|i'm\s+(?:good|fine|all\s+good)|all\s+good)\W*$"),
        ("ok", r"^\W*(?:(?:so|well|oh)\W+)?(?:ok|okay|cool|great|nice|perfect|alright|all\s+right|got\s+it"
               r"|sounds\s+good|awesome|good|fine|yes|yeah|yep|yup|sure|sure\s+thing|go\s+for\s+it|go\s+ahead|absolutely|definitely"
               r"|of\s+course|fair\s+enough)\W*$"),
        # "What a day!", "ugh, what a mess", "what a lovely day for it": an exclamation, no question.
        ("exclaim", r"^\W*(?:(?:ugh|oh|wow|god|man|gosh|phew|well|so)\W+)*"
                    r"what\s+an?\s+\w+(?:\s+\w+){0,4}\W*$"),
        # "um", "so, well...": nothing asked yet.
        ("filler", r"^\W*(?:(?:u+m+|u+h+|e+r+m*|h+m+|so|well|like|and)\W*)+$"),
    )
)  # fmt: skip

# Asking to hear the rest: "yes", "go on", "read me the rest", "what else", "the other 14 please".
GO_ON = re.compile(
    r"^\W*(?:(?:yes|yeah|yep|sure|ok(?:ay)?|please|and|so|go\s+on|go\s+ahead|continue|keep\s+going|read|tell"
    r"|say|give|me|let's|let\s+me|hear|what|else|the|rest|more|others?|other\s+\w+|them|all|of|ones|next|few"
    r"|too|as\s+well|i\s+want|to)\b\W*)+$",
    re.I,
)

ASKS_MORE = re.compile(r"\b(?:rest|more|else|others?|go\s+on|keep\s+going|continue|next)\b", re.I)


_NOW = frozenset(lexicon.stem(w) for w in ("today", "now", "please", "exactly", "again", "right"))


def only(intent: str, text: str) -> bool:
    """Whether `text` is that small talk and nothing more ("what's the date today?", not "what is
    today looking like?")."""
    pattern = dict(INTENTS)[intent]
    return bool(pattern.search(text)) and not set(lexicon.content_stems(pattern.sub(" ", text))) - _NOW


_ABOUT_YOU = re.compile(ABOUT_YOU, re.I)


def about_you(text: str) -> bool:
    """ "How's your day going?": a question about the agent itself (small talk, never a summary)."""
    return bool(_ABOUT_YOU.search(text))


# "Ugh, what a day.", "I'm absolutely knackered.", "I'm feeling totally swamped.": how the user is,
# said before a request or alone; it asks for nothing.
_EXCLAIMED = dict(INTENTS)["exclaim"]
_FEELING = re.compile(
    r"^\W*(?:(?:ugh|oh|honestly|god|man|phew|well|gosh|wow)\W+)*(?:i'm|i\s+am|i\s+feel|i'm\s+feeling|i've\s+been"
    r"|i\s+was)\s+(?:(?:so|really|totally|absolutely|a\s+bit|completely|just|utterly|quite|pretty|very)\s+)*"
    r"[a-z'-]+(?:\s+(?:today|tonight|now|lately|honestly))?\W*$",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?]+[.!?]*")


def without_asides(text: str) -> str | None:
    """The request after sentences that only say how the user is ("I'm feeling swamped. Can I talk
    to the coach?" -> the question); "" when every sentence is such an aside; None when none is."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    at = 0
    while at < len(sentences) and (_EXCLAIMED.match(sentences[at]) or _feeling(sentences[at])):
        at += 1
    return " ".join(sentences[at:]) if at else None


def without_greeting(text: str) -> str:
    """ "Good morning. I wonder if you could ...": the request after a sentence that only greets us
    (a greeting alone is left to be answered)."""
    sentences = [s.strip() for s in _SENTENCE.findall(text) if s.strip()]
    at = 0
    while at + 1 < len(sentences) and _GREETED.match(sentences[at]):
        at += 1
    return " ".join(sentences[at:]) if at else text


_GREETED = dict(INTENTS)["greeting"]
_NOT_FEELINGS = frozenset(
    {"done", "good", "fine", "ok", "okay", "ready", "back", "here", "finished", "sorted", "sure"}
)


def _feeling(sentence: str) -> bool:
    """ "I'm absolutely knackered": how the user feels ("I'm done", "I'm good" answer us instead)."""
    found = _FEELING.match(sentence)
    return found is not None and not _NOT_FEELINGS & set(re.findall(r"[a-z'-]+", sentence.lower()))


_CLAUSE = re.compile(r"[^,.;!?]+")
_ADDRESS_WORDS = 2
"""How long a clause beside small talk may be and still only address us ("dear", "my friend")."""
_SOCIAL = ("thanks", "bye", "capabilities", "who")
"""Small talk that is the whole point of an utterance it is in: never a request's words."""


def social(text: str, verbs: frozenset[str]) -> str | None:
    """ "Thank you ever so much, dear, that will be all for today.", "what sort of things can you
    help me with?": thanks, goodbye or a question about us and nothing else (a short address beside
    it, with none of the `verbs` that ask for something); the last one said, or None."""
    clauses = [c.strip() for c in _CLAUSE.findall(text) if c.strip()]
    said = [next((n for n, p in INTENTS if n in _SOCIAL and p.search(c)), None) for c in clauses]
    if not any(said):
        return None
    for intent, clause in zip(said, clauses, strict=True):
        words = lexicon.tokens(clause)
        answers = yes_no.answer(clause) is not None  # "I'm good, thanks" answers "no" to our question
        if intent is None and (len(words) > _ADDRESS_WORDS or set(words) & verbs or answers):
            return None
    return [s for s in said if s][-1]


_THANKS_FIRST = re.compile(
    r"^\W*(?:(?:thanks|thank\s+you|cheers|ta|lovely|great|perfect|brilliant)(?:\s+(?:so\s+much|very\s+much|a\s+lot"
    r"|for\s+that|for\s+doing\s+that|for\s+adding\s+that))?(?:,?\s+\w+)?\s*[,.;!]+\s*(?:and\s+|now\s+|also\s+)*)+(?=\w)",
    re.I,
)


def without_thanks(text: str) -> str:
    """ "Thanks, now add milk", "thanks, love. Add a note ...": the request after thanks (and a
    word that addresses us)."""
    return _THANKS_FIRST.sub("", text, count=1)
