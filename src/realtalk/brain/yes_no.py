"""Yes or no, said any way: "aye, go on then", "haan", "if you must", "best not", "yeah nah".

An answer to a yes/no question opens with words that agree or refuse, and the last of them says
what was meant: that is how "yeah nah" (no) and "nah yeah" (yes) are used in Australian English,
and how people correct themselves ("yes... no, wait"); "no, no, go ahead" is a yes. Phrases are
matched before the words in them ("I don't mind" agrees, though "don't" refuses; "no worries"
agrees, though "no" refuses). An utterance that opens with anything else ("add milk, please") is
no answer, whatever words it holds.
"""

from __future__ import annotations

import re

# At each place the alternation takes the first phrase that fits, so longer phrases come first.
_AGREE = (
    r"(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:good|fine|ok(?:ay)?|happy|cool)\s+with\b"  # not "I'm good" (no)
    r"|i\s+don'?t\s+mind|don'?t\s+mind|no\s+(?:problem|worries|bother|doubt)|why\s+not|by\s+all\s+means"
    r"|if\s+you\s+(?:must|like|want|insist|would|could|please)|(?:i\s+)?(?:suppose|guess|think)\s+so"
    r"|go\s+(?:on|ahead|for\s+it)|crack\s+on|on\s+you\s+go|get\s+on\s+with\s+it|do\s+it|please\s+do|(?:that|it)(?:'s|\s+is|\s+would\s+be)\s+"
    r"(?:right|correct|fine|ok(?:ay)?|good|great|lovely|grand|perfect)|that\s+one|of\s+course|sure\s+thing"
    r"|fair\s+enough|sounds\s+(?:good|great|fine|right)|fire\s+away|carry\s+on|too\s+right|you\s+bet"
    r"|very\s+well|all\s+right|make\s+it\s+so|let'?s\s+do\s+it|spot\s+on|bang\s+on|fine\s+by\s+me"
    r"|ji\s+haan|haan\s+ji"
    r"|yes|yeah|yea|yeh|yep|yup|ya|yah|yas+|ye|aye|ay|sure|ok(?:ay|ey)?|kk?|alright|righto|right"
    r"|correct|confirm(?:ed)?|absolutely|definitely|certainly|indeed|totally|affirmative|exactly|proceed"
    r"|please|fine|haan|han|ji|s[ií]|claro|vale|dale|oui|ja"
)
_REFUSE = (
    r"(?:best|better|rather|i'?d\s+(?:rather|better))\s+not|not\s+(?:really|now|yet|today|at\s+all|that|this)"
    r"|(?:don'?t|do\s+not)\s+(?:do\s+(?:it|that)|go\s+ahead|go\s+for\s+it)"
    r"|no\s+way|no\s+thanks?|no\s+thank\s+you|don'?t\s+bother|hold\s+(?:on|off|it)|hang\s+on"
    r"|leave\s+it|let\s+it\s+be|keep\s+it|never\s*mind|forget\s+it|scratch\s+that|on\s+second\s+thoughts?"
    r"|changed\s+my\s+mind|i'?d\s+rather\s+you\s+didn'?t|(?:i'?m\s+)?not\s+sure|i'?m\s+(?:good|fine|ok(?:ay)?)"
    r"|don'?t|do\s+not|no|nope|nah|naw|nae|nay|negative|never|cancel|stop|wait|nahi+n?|na"
)
_SIGNAL = re.compile(rf"\b(?:(?P<agree>{_AGREE})|(?P<refuse>{_REFUSE}))\b(?!')", re.I)
# What may come before an answer ("oh", "well, I think ...") or stand beside it in a bare one.
_FILLER = (
    r"oh|ah|och|ach|um+|uh+|er+m?|hmm+|well|so|just|actually|honestly|i\s+think|i'?d\s+say|then|dear|love"
    r"|mate|thanks|thank\s+you|cheers|lol|haha|ok|it|that|really|fam|bro|man|sir|ma'?am|after\s+all"
)
_OPENING = re.compile(rf"^(?:\W|\b(?:{_FILLER})\b)*$", re.I)
_ANY_FILLER = re.compile(rf"\b(?:{_FILLER})\b", re.I)


def answer(text: str) -> bool | None:
    """True for yes, False for no, None when the utterance does not open as an answer."""
    signals = list(_SIGNAL.finditer(text))
    if not signals or not _OPENING.match(text[: signals[0].start()]):
        return None
    return signals[-1].group("agree") is not None


def bare(text: str) -> bool | None:
    """Like `answer`, but only for an utterance that is an answer and nothing else ("aye go on then",
    "yeah nah"), not one that goes on to ask for something ("yes, and add milk")."""
    rest = _ANY_FILLER.sub(" ", _SIGNAL.sub(" ", text))
    return answer(text) if not re.search(r"\w", rest) else None
