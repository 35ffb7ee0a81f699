"""Is an utterance a question or a request, and does a tool change anything?

A question ("which of my tasks are high priority?", "anything overdue?", "did I finish the
report?") may only be answered by tools that read: it never creates, changes or deletes data.
Polite requests phrased as questions ("could you add milk?", "can I have a hint?") are requests.
Whether a tool writes is read from the verb its name or description starts with, so it works for
any client's tools.
"""

from __future__ import annotations

import re

from . import extract, lexicon, openers, routing
from .base import ToolSpec

# What people say before a question or a request proper: "wait, did I ...", "hang on, have I ...",
# "oh, is the ...", "sorry, could you ...".
_LEAD_IN = openers.run(also=("please", r"quick\s+question", r"just\s+(?:checking|wondering)"))
_REQUEST = re.compile(
    r"^\W*" + _LEAD_IN + r"(?:can|could|would|will|won't)\s+(?:you|u)\b"
    # "can I add milk?" asks for it; "can I add more than one tag?" asks what is possible
    r"|^\W*" + _LEAD_IN + r"(?:can|could|may)\s+i\s+(?:have|get|hear|try|add|enter|make|talk|speak"
    r"|chat)\b(?!\s+(?:more\s+than|multiple|several|as\s+many|any\s+number|unlimited|lots\s+of|a\s+lot\s+of)\b)"
    r"|^\W*" + _LEAD_IN + r"(?:can|could|shall)\s+we\s+(?!(?:have|see|get)\b)"
    r"|^\W*" + _LEAD_IN + r"(?:would|do)\s+you\s+mind\b",
    re.I,
)
# "..., so could it be two o'clock instead?": a change asked for as a question of what may be.
_INSTEAD = re.compile(
    r"\b(?:can|could)\s+(?:it|that|this|the\s+[\w'-]+(?:\s+[\w'-]+){0,3})\s+be\s+(?!done|finished|ready|sorted)[^?.!,;]{1,40}?\binstead\b",
    re.I,
)
# "Lovely day, isn't it?": a statement with a question tag asks for agreement, not for facts.
_TAG_QUESTION = re.compile(
    r"^(?P<statement>.+?),\s*(?:isn't|aren't|wasn't|weren't|doesn't|don't|didn't|won't|hasn't|haven't|is|are"
    r"|was|were)\s+(?:it|they|there|that|he|she|we)\W*$",
    re.I,
)
# An auxiliary opens a question only with a subject after it: "do I have ..." asks, while "do
# something about X", "do it now" tell (there "do" is the verb, and its object follows).
_QUESTION_START = re.compile(
    r"^\W*(?P<lead>" + _LEAD_IN + r")(?:what|what's|whats|which|when|when's|where|"
    r"who|whose|why|how|is|are|am|was|were|do(?!\s+(?:something|it|that|this|the\s+same)\b)|does|did|have|has|had|any|anything|anyone|isn't|aren't|didn't|"
    r"haven't|hasn't|doesn't|don't\s+i|should|shall\s+i)\b",
    re.I,
)
WRITE_VERBS = lexicon.words(
    """add create make new insert save store record register put delete remove cancel drop erase clear
    discard update change modify edit move reschedule postpone set mark complete finish tick rename tag
    label assign book reserve order buy purchase send post pay transfer schedule write submit log
    upload archive close reset enable disable turn switch file"""
)


_SHOW = re.compile(
    r"^\W*"
    + openers.run(also=("please",))
    + r"(?:(?:can|could|would)\s+you\s+)?(?:please\s+)?(?:show|list|read"
    r"|tell\s+me|let\s+me\s+(?:see|hear|know)|give\s+me\s+(?:a|the)\s+(?:list|rundown|summary|overview)"
    r"|remind\s+me\s*,?\s+(?:what|which|when|where|who|how|if|whether|of\s+what))\b",
    re.I,
)


_SENTENCE_END = re.compile(r"(?<=[.!;])\s+")


# "Remind me, if you would, whether ...": a hedge set apart by commas says nothing of what is asked.
_ASIDE = re.compile(
    r",\s*(?:if|please|perhaps|maybe|you\s+know|i\s+think|i\s+guess|i\s+suppose)\b[^,]{0,25},\s*", re.I
)
# "bruh what do i even have to do", "so like when am I seeing Jo": a question word, a verb that asks
# and its subject, whatever word or two came first.
_WH_AND_SUBJECT = re.compile(
    r"^\W*(?P<before>(?:[\w']+\W+){0,2}?)(?:what|which|when|where|who|how\s+many|how\s+much)\s+"
    r"(?:do|does|did|am|is|are|was|were|have|has|should|must|can)\s+(?:i|we|my|our)\b",
    re.I,
)


def _asks_after_a_word(text: str) -> bool:
    """ "bruh what do i even have to do": a question after a word or two that ask for nothing (a
    verb before it, "check what do I need", makes it a request's object)."""
    found = _WH_AND_SUBJECT.match(text)
    before = lexicon.tokens(found.group("before")) if found else []
    return found is not None and not any(w in WRITE_VERBS or w in routing.VERBS for w in before)


def is_question(text: str) -> bool:
    """Whether `text` asks something rather than asking for something to be done. "Show me ..."
    and "list ..." ask to be told, so they count as questions."""
    if _SHOW.search(text) or _SHOW.search(_ASIDE.sub(" ", text)) or _asks_after_a_word(text):
        return True
    if _REQUEST.search(text) or _INSTEAD.search(text):
        return False
    if _QUESTION_START.search(text):
        return True
    # "X isn't done, I never hit send. Can you reopen it?": a story that ends in a request asks for it
    return text.rstrip().endswith("?") and not _REQUEST.search(_SENTENCE_END.split(text.strip())[-1])


# "Wait, add milk", "um, hang on - delete it": a request after breaking off, set apart by punctuation
# ("wait until Friday" is no lead-in); "sorry, three, not two" keeps what makes it a correction.
_BROKEN_OFF = re.compile(
    r"^\W*(?:"
    + openers.alternation([*openers.PAUSES, *openers.HESITATIONS])
    + r"\b\s*[,;:.!\u2014-]+\s*)+(?=\w)",
    re.I,
)


# "I don't want to waste a guess, but ...", "sorry, this is probably silly, but ...": the speaker's
# hedge about themselves, conceded before the request.
_CONCEDED = re.compile(
    r"^\W*"
    + openers.run(also=("sorry",))
    + r"(?:i\s+(?:don'?t|do\s+not)\s+(?:want|mean)\s+to|i\s+know|i\s+hate\s+to"
    r"|this\s+(?:is|might\s+be|may\s+be|sounds)|it's\s+(?:probably|maybe|a\s+bit)|(?:i'm\s+)?not\s+sure\s+(?:if|whether))\b[^.;:?!]{0,80}?\bbut\b[\s,]*(?=\w)",
    re.I,
)


# "Do the needful and put X as high priority": the idiom asks for what follows to be done.
_NEEDFUL = re.compile(r"^\W*(?:(?:please|kindly)\s+)*do\s+the\s+needful\s*(?:,\s*|\s+and\s+)(?=\w)", re.I)


def without_lead_in(text: str) -> str:
    """A question or request without what was said before it ("wait, did I ..." -> "did I ...",
    "hang on, add milk" -> "add milk"): the lead-in names nothing, and its words ("wait") must not
    be read as a value ("low if it can wait") or a title."""
    text = _NEEDFUL.sub("", _CONCEDED.sub("", text, count=1), count=1)
    text = _ASIDE.sub(" ", text)  # "remind me, if you would, whether ..."
    asked = _WH_AND_SUBJECT.match(text)
    if asked is not None and _asks_after_a_word(text):  # "bruh what do i ...": "bruh" names nothing
        return text[asked.end("before") :]
    found = _QUESTION_START.search(text)
    if found is not None and found.group("lead"):
        return text[found.end("lead") :]
    broken_off = _BROKEN_OFF.match(text)
    return text[broken_off.end() :] if broken_off is not None else text


def writes(tool: ToolSpec) -> bool:
    """Whether calling `tool` changes something (by the verb it is named or described with)."""
    name = lexicon.name_words(tool.name)
    described = lexicon.tokens(tool.description)[:1]
    verbs = {w for w in [*name[:1], *described] if w}
    return any(routing.base_form(v) in WRITE_VERBS for v in verbs)


_DONE_REPORT = re.compile(
    r"^\W*"
    + openers.run([*openers.USUAL, *openers.AGREEMENT], ("great", "phew", r"good\s+news", "already"))
    # "I'm pleased to report that I ...": the news announced first
    # "The medicine, I already bought it": the thing put first
    + r"(?:(?:the|my|our)\s+[\w' -]{1,40},\s*)?"
    r"(?:(?:i'm|i\s+am)\s+(?:very\s+|so\s+)?(?:pleased|happy|glad|delighted|proud|relieved|thrilled)\s+to"
    r"\s+(?:report|say|announce|tell\s+you)\s+(?:that\s+)?)?"
    r"(?:i|we|i've|we've|i\s+have|we\s+have)\s+(?:just\s+|already\s+"
    r"|finally\s+|now\s+)*(?:\w+[^e\W]ed|paid|did|done|got|went|made|bought|sent|took|wrote|gave|ran|fed|sold|drove|met"
    r"|found|brought|caught|swept|left|told|won|put|cut|sorted|finished"
    # irregular past participles: "I've rung the plumber", "we've mown the lawn"
    r"|rung|rang|written|taken|given|thrown|hung|dug|chosen|spoken|shown|sewn|mown|ridden|driven|eaten"
    r"|drawn|grown|flown|sung|swum|kept|read|spent|built|lent|bound|fought|sought|taught)\b(?!')"
    # "Finally sent Harriet the drafts!": a diary's report, its subject dropped, after "finally" or "just"
    r"|^\W*(?:finally|just|already)\s+(?:\w+[^e\W]ed|paid|did|sent|bought|rang|took|wrote|gave|went|made|sold|fed)\b"
    # "got the nappies", "paid the nursery and fixed the gate": a past verb (never the same as its
    # imperative: not "put", "read", "set") opening the turn, then its object
    r"|^\W*"
    + openers.run()
    + r"(?:\w+[^e\W]ed|paid|got|sent|bought|rang|took|wrote|gave|made|sold|fed|did|found"
    r"|brought|caught|sorted)\s+(?:the|my|our|his|her|their|those|that|this|a|an)\s+\w"
    # "has, at long last, been completed": an aside between commas may come before what became of it
    r"|\b(?:has|have|is|are|was|were|'s|'re)(?:\s*,[^,.;]{1,30},)?\s+(?:been\s+|now\s+|already\s+)*"
    r"(?:[\w-]+[^e\W]ed|paid|done|finished|sorted"
    r"|taken\s+care\s+of|sent|bought|made)\b"
    # "that's the council tax paid": the thing, then what became of it
    r"|^\W*(?:that's|that\s+is|there's)\s+(?:the|my|our)\s+[\w' ]{1,40}?\s+"
    r"(?:paid|done|sorted|finished|sent)\b"
    # "I've been to the chemist and picked up my tablets": the errand, then what was done on it
    r"|^\W*(?:i've|i\s+have|we've|we\s+have|i|we)\s+(?:just\s+)?(?:been|gone|went)\s+to\b[^.?!]*?\band\s+"
    r"(?:\w+[^e\W]ed|paid|got|bought|sent|took|fed|dropped)\b",
    re.I,
)


def tag_statement(text: str) -> str | None:
    """The statement a question tag follows ("lovely day" of "lovely day, isn't it?"), or None."""
    found = _TAG_QUESTION.match(text)
    return found.group("statement") if found else None


# "The tip is closed on Sundays", "the gym's always shut": how things usually are, not a report.
_HABITUAL = re.compile(
    r"\b(?:always|usually|normally|never|every|on\s+(?:"
    + "|".join(extract.WEEKDAYS)
    + r")s|at\s+weekends)\b",
    re.I,
)


def reports_done(text: str) -> bool:
    """ "I already picked up the dry cleaning", "the bill is paid": a report that something is done."""
    return not is_question(text) and bool(_DONE_REPORT.search(text)) and not _HABITUAL.search(text)


_ASKS_DONE = re.compile(
    r"\b(?:cross|tick|check|knock|strike|scratch|mark)\s+(?:it|that|this|them|that\s+one|this\s+one)\s+off\b",
    re.I,
)


def asks_done(text: str) -> bool:
    """ "Right, cross that off. Went this morning": a thing pointed at, asked to be ticked off (the
    phrasal verb split by its pronoun); what is said after it is no new moment."""
    return not is_question(text) and bool(_ASKS_DONE.search(text))


# "Twelve-hour shift done.": a thing named first, then that it is done (not "I've done it").
_THING_DONE = re.compile(
    r"^\W*(?:that's\s+|that\s+is\s+|there's\s+)?(?P<thing>[\w'-]+(?:\s+[\w'-]+){0,5}?)"
    r"\s+(?:is\s+|are\s+|'s\s+)?(?:all\s+|now\s+|finally\s+)?(?:done|finished|sorted|paid)\b",
    re.I,
)
# A subject of its own ("I paid it"), or a pointer back ("the first one is done"): no words for the thing.
_SUBJECT = re.compile(
    r"\b(?:i|we|you|they|he|she|it|i've|we've|i'm|that|this|one|ones|first|second|third|fourth|fifth|last|next"
    r"|other)\b",
    re.I,
)


def done_thing(text: str) -> str | None:
    """The words that name the thing a "X done" report is about ("twelve-hour shift" of "Twelve-hour
    shift done. I'm shattered."), or None where it names none (`_SUBJECT`: "I paid it", "the first one")."""
    found = _THING_DONE.match(text)
    if found is None or _SUBJECT.search(found.group("thing")):
        return None
    return found.group("thing")


_MARKED_IN_ERROR = re.compile(
    r"\s+(?:off\s+|as\s+done\s+)?(?:by\s+(?:mistake|accident)|in\s+error|accidentally|too\s+(?:soon|early))\b.*$",
    re.I,
)
_MARKED = re.compile(r"\b(?:i|we)(?:'ve|\s+have)?\s+(?:\w+ly\s+)?\w+ed\s+(?:off\s+|out\s+)?", re.I)
"""The subject and verb of "I (accidentally) ticked off X": what follows is what was marked."""
_NOT_DONE = re.compile(
    r"\b(?:i|we)\s+(?:haven'?t|have\s+not|hadn'?t)\s+(?:actually\s+|really\s+|even\s+|quite\s+)*"
    r"(?:\w+[^e\W]ed|paid|done|did|got|made|bought|sent|took|wrote|gave|fed|sold|met|found|brought|finished)\b"
    r"|\b(?:i|we)\s+(?:didn'?t|did\s+not)\s+(?:actually\s+|really\s+|even\s+|quite\s+)*(?!(?:think|know|mean|say|want|get|catch|hear|understand|ask|realise|realize|expect|like|see)\b)\w+"
    r"|(?:\b(?:isn't|is\s+not|wasn't|was\s+not|hasn't\s+been|has\s+not\s+been)|'s\s+not)\s+(?:actually\s+|really\s+)?"
    r"(?:done|finished|paid|sent|sorted)\b"
    # "I ticked off the brand guidelines by mistake": marked done in error
    r"|\b(?:i|we)(?:'ve|\s+have)?\s+(?:\w+ly\s+)?\w+ed\b(?=[^,.;!?]{0,80}?\b(?:by\s+(?:mistake|accident)|in\s+error"
    r"|accidentally|too\s+soon|too\s+early)\b)",
    re.I,
)


def reports_not_done(text: str) -> str | None:
    """ "Oops, I haven't actually returned the blender yet", "the bill isn't paid after all": a report
    that something is still to do (after it was marked done); what is not done, in the words of the
    clause (its object, else its subject). Whether the request in it is a question is for the caller
    to judge ("..., can you put it back?" is not)."""
    found = _NOT_DONE.search(text)
    if found is None:
        return None
    after = re.split(r"[,.;!?]|\b(?:yet|after\s+all|either|still|but|so)\b", text[found.end() :], maxsplit=1)[
        0
    ]
    after = _MARKED_IN_ERROR.sub("", re.sub(r"^\s*(?:off|out)\b", "", after))  # "ticked off X by mistake"
    if lexicon.content_stems(after) and not _POINTING.match(after):  # ("I haven't finished it at all")
        return after.strip()
    # "the library books, I haven't handed them in": the last clause before that names something;
    # "I ticked off the brand guidelines by mistake, it's not finished": "it" is that clause's object
    before = [c for c in re.split(r"[,.;!?]", text[: found.start()]) if lexicon.content_stems(c)]
    if not before:
        return ""
    marked = _MARKED.search(before[-1])
    return _MARKED_IN_ERROR.sub("", before[-1][marked.end() :] if marked else before[-1]).strip()


def creates(tool: ToolSpec) -> bool:
    """Whether `tool` makes something new (a reference to the last thing is not a request for it)."""
    verb = routing.base_form((lexicon.name_words(tool.name) or [""])[0])
    return verb in {"add", "create", "new", "make", "insert", "register", "file"}


_REFUSED = re.compile(
    r"^\W*"
    + openers.run([*openers.USUAL, *openers.REFUSALS])
    + r"(?:don't|dont|do\s+not|no\s+need\s+to|you\s+don't\s+need\s+to"
    r"|please\s+don't|never)\s+(?:\w+\s+){0,1}?(?P<verb>[a-z]+)\b",
    re.I,
)


def refuses_writing(text: str) -> bool:
    """ "Don't add anything yet", "no need to delete it": a request *not* to change anything ("don't
    forget to ..." asks for a reminder, so only a verb that writes counts)."""
    found = _REFUSED.search(text)
    return found is not None and routing.base_form(found.group("verb").lower()) in WRITE_VERBS


# "I should have called the plumber", "stuff I should not have bought", "he keeps adding tasks": what
# might have been, or what someone keeps doing, is told about, not asked for.
_REMARK = re.compile(
    r"\b(?:should|shouldn't|could|couldn't|would|wouldn't|must|might)(?:\s+not)?\s+(?:have|'ve)\s+"
    r"(?:\w+ed|\w+en|been|done|gone|made|bought|paid|sent|got|told|said|left|forgot|spent|thought|brought|put"
    r"|let|read|lost|sold|kept|won|met|had)\b"
    r"|\b(?:keeps|kept)\s+(?:on\s+)?\w+ing\b",
    re.I,
)


def remarks(text: str) -> bool:
    """Whether `text` tells of what might have been or what keeps happening: a remark, not a request."""
    return bool(_REMARK.search(text))


# "Can you put it back on the list?", "add the gate back on my list": a thing done made to do again.
_BACK_ON = re.compile(
    r"\b(?:put|add|stick|pop|get)\s+(?P<what>[^,.;!?]{1,80}?)\s+back\s+(?:on(?:to)?|in)\s+(?:the|my)\s+(?:\w+\s+)?list\b"
    r"|\b(?:put|add|stick|pop|get)\s+(?P<what_on>[^,.;!?]{1,80}?)\s+back\s+on(?:to)?\W*$"
    # "put it back as not done", "mark the gate undone": the state asked for is to do again
    r"|\b(?:put|mark|set|make|change|turn)\s+(?P<what_as>[^,.;!?]{1,80}?)\s+(?:back\s+)?(?:as\s+|to\s+)?"
    r"(?:not\s+(?:done|finished|complete|completed)|undone|unfinished|incomplete|to\s+do|open)\W*$"
    # "can you open that one up again?", "reopen the kayak one"
    r"|\b(?:re-?open|reinstate|open\s+up)\s+(?P<what_re>[^,.;!?]{1,80}?)(?:\s+again)?\W*$"
    r"|\bopen\s+(?P<what_up>[^,.;!?]{1,80}?)\s+(?:up\s+)?again\W*$",
    re.I,
)
_STORY_LEAD = re.compile(r"^\W*(?:(?:it\s+)?turns\s+out\b\W*)?" + openers.run(), re.I)
_IT = re.compile(r"^\W*(?:it|that|this|that\s+one)\W*$", re.I)
_POINTING = re.compile(r"^\W*(?:it|that|this|them)\b", re.I)
_POINTS_AT_IT = re.compile(r"\s(?:it|them)\b", re.I)
_ASKING_TAIL = re.compile(r"\b(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?$|\bplease\s+$", re.I)
_OWNED = re.compile(
    r"\b(?:the|my|our|his|her|their)\s+[\w'-]+(?:\s+(?!(?:back|off|up|in|out|yet|again|the|my|our|his|her|their"
    r"|never|not|did|didn't|got|has|had|have|is|was|\w+ed)\b)[\w'-]+){0,3}",
    re.I,
)


def back_on_the_list(text: str) -> str | None:
    """What "put X back on the list" asks to reopen, in its words (for "it", the clause before:
    "turns out the garden gate's still broken, can you put it back on the list?"), or None."""
    found = _BACK_ON.search(text)
    if found is None:
        return None
    what = next(
        found.group(g) for g in ("what", "what_on", "what_as", "what_re", "what_up") if found.group(g)
    )
    if _IT.match(what):
        # "..., can u make it not done": the asking is no clause; "the agency wants it again": a
        # clause that points back itself names nothing
        told = _ASKING_TAIL.sub("", text[: found.start()])
        clauses = [
            c for c in re.split(r"[,.;!?]", told) if lexicon.content_stems(c) and not _POINTS_AT_IT.search(c)
        ]
        # "the garden gate's still broken": the clause's subject is the thing
        subject = (
            re.split(r"'s\b|\s+(?:is|are|was|were|still|isn't|hasn't)\b", clauses[-1])[0] if clauses else ""
        )
        subject = _STORY_LEAD.sub("", subject).strip()
        # "Dave never got the kayak back", "the plumber never fixed the tap": a subject that is someone,
        # then the thing as the object (the last thing the clause names)
        owned = _OWNED.findall(subject)
        return (owned[-1] if owned else subject) or None
    return what
