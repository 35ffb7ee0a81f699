"""The request inside an utterance, found by the shape of the sentence rather than by its words.

People wrap a request in talk: hesitations ("um, can you add, uh, ..."), texting shorthand ("pls",
"can u"), a story before it ("so my sister's birthday is coming up, could you add ..."), a time
put first ("On Friday I need to ..."), a pronoun standing for a clause said before ("the lawn
needs mowing, can you add that?"), or a phrasal verb split around its object ("cross the passport
off"). `request` rewrites such an utterance into the plain request the rest of the brain reads,
so routing and argument filling see "could you add order flowers for her for tuesday" rather
than the whole story. Nothing here knows a tool: it is English sentence structure only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from . import dialogue, extract, lexicon, openers, yes_no

_ASKING = lexicon.run_of(r"(?:so\s+)?(?:can|could|would|will)\s+you|(?:can|could|may)\s+i|please|just|do")
"""The asking before a request's verb: "can you", "so could you please", "just", "can I", and the
emphatic "do" ("do jot down that ...")."""
_OPENED = openers.run() + _ASKING
"""The asking after what people open with: "right, stick on the list: ...", "oh, so can you ..."."""

# Hesitations and fillers carry nothing; "like" and "you know" are left alone (they can mean something).
_FILLER = re.compile(r"(?:^|(?<=[\s,.;!?]))(?:u+m+|u+h+m*|e+r+m*|h+m+|mm+)(?:[\s,.;!?]+|$)", re.I)
_SHORTHAND = {"u": "you", "ur": "your", "pls": "please", "plz": "please", "thx": "thanks", "r": "are",
              "2morrow": "tomorrow", "tmr": "tomorrow", "b4": "before", "rn": "right now"}  # fmt: skip
_SHORT = re.compile(r"\b(?:" + "|".join(map(re.escape, _SHORTHAND)) + r")\b", re.I)
# "cross the passport off" -> "cross off the passport": the particle rejoins its verb.
_SPLIT_PHRASAL = re.compile(
    r"\b(cross|tick|check|knock|take|strike|scratch|rub|mark)\s+(?!(?:it|them|that|this)\s+(?:off|out)\b)"
    r"((?:(?!off\b|out\b)[\w'-]+\s+){1,5}?)(off|out)\b"
    r"(?=\s*(?:[,.;!?]|$|please|for\s+me|now|too|as\s+well|already))",
    re.I,
)
# A request that starts after some talk: "..., could you (maybe) add", "... so please add".
_FRAME = re.compile(
    r"(?:^|[,.;!?]\s*|\s(?:and|so|but|then)\s+)"
    rf"(?P<frame>{openers.run()}"
    r"(?:(?:can|could|would|will)\s+you|i\s+need\s+you\s+to|i'd\s+like\s+you\s+to|please)\s+"
    rf"{lexicon.run_of(r'maybe|please|just|also|quickly|kindly')}[a-z]+)",
    re.I,
)
_WANT_YOU_TO = re.compile(r"^(?:i\s+need\s+you\s+to|i'd\s+like\s+you\s+to)\s+(?=[a-z])", re.I)
# "I was wondering if you could maybe put down that I should call the plumber": the frame is polite.
_WONDER = re.compile(
    r"^\s*(?:(?:i\s+(?:was|am|'m)\s+wondering|i\s+wonder|do\s+you\s+think|i'd\s+(?:really\s+)?appreciate\s+it"
    r"|it\s+would\s+be\s+(?:great|nice|good|helpful)"
    r"|(?:i'd|i\s+(?:would|should))\s+be\s+(?:most\s+|very\s+|so\s+|really\s+)?(?:grateful|obliged))"
    r"\s+(?:if|whether)\s+(?:you|we)\s+(?:could|can|would)(?:\s+be\s+(?:so\s+kind|kind\s+enough|good\s+enough)"
    r"\s+as\s+to)?"  # "I wonder if you would be so kind as to ...": the same frame, twice as polite
    r"|(?:would|is)\s+(?:it\s+)?(?:be\s+)?possible\s+(?:for\s+you\s+)?to|(?:is\s+there\s+)?any\s+chance\s+you\s+(?:could|can)"
    r"|do\s+you\s+think\s+you\s+(?:could|can)"
    r"|(?:would|could)\s+you\s+be\s+(?:so\s+kind|kind\s+enough|good\s+enough|a\s+dear)\s+(?:as\s+)?(?:and\s+)?to)"
    rf"\s+{lexicon.run_of(r'maybe|please|just|possibly|perhaps|kindly')}",
    re.I,
)
# "I was wondering if I'd put milk on", "do you know whether the bill's paid", "can you tell me when
# the MOT is", "the bins are Tuesday, right": a question said inside a statement or a request, or
# as a statement with a tag, asks all the same (and never writes).
_NOT_KNOWING = (
    r"(?:i\s+(?:was\s+|am\s+|'m\s+)?wonder(?:ing)?|(?:i'm|i\s+am)?\s*not\s+(?:sure|certain)"
    r"|i\s+(?:can't|cannot|don't|do\s+not)\s+(?:remember|recall)|i\s+forg[eo]t|i\s+need\s+to\s+know"
    r"|(?:do|does|would|could|did)\s+you\s+(?:happen\s+to\s+)?know|(?:any|no)\s+idea|just\s+checking)"
)
_EMBEDDED = re.compile(
    r"^\W*"
    + openers.run(also=("just",))
    + rf"(?:{_NOT_KNOWING}\s+(?=(?:when|what|which|where|who|how)\b)"  # "tell me when ..." asks already
    rf"|(?:{_NOT_KNOWING}|(?:(?:can|could|would|will)\s+you\s+)?(?:please\s+)?(?:tell\s+me|check|see|find\s+out"
    r"|let\s+me\s+know))\s+(?:if|whether)\s+(?!(?:you|u|we)\s+(?:could|can|would|will|might)\b|to\b))",
    re.I,
)
_TAGGED = re.compile(r"^(?P<statement>.*\w)\s*,\s*(?:right|yeah|yes|no|innit|eh|correct|true)\W*$", re.I)
# What a tagged statement opens with or says ("the bins are Tuesday, right"); a request with a tag
# ("add milk, yeah", "mark the passport done, right") is still a request.
_STATES = re.compile(
    r"^\W*(?:i|i'm|i've|it|it's|we|we're|you|you're|they|they're|he|she|there|there's|this|that|that's"
    r"|the|my|our|your|his|her|their)\b|\b(?:is|are|was|were|isn't|aren't|wasn't|weren't)\b",
    re.I,
)
# "Don't delete it, just mark it done": the request is what follows the refusal, about its object.
_INSTEAD = re.compile(
    r"^\W*"
    + openers.run([*openers.USUAL, *openers.REFUSALS])
    + r"(?:don't|dont|do\s+not|please\s+don't)\s+(?P<verb>[a-z]+)\s+"
    r"(?P<object>[^,;.]{1,80}?)\s*(?:[,;.]|\s(?=but\b|instead\b|rather\b|just\b))\s*"
    r"(?:(?:just|but|instead|rather|only|please)\s+)*(?P<rest>[a-z].*)$",
    re.I,
)
_PRONOUN = re.compile(r"\b(?:it|that|this|them)\b", re.I)
# "Bin the portfolio update", "chuck that": everyday verbs for throwing away, said first, are "delete"
# ("take the bins out" is not one: there the word is a noun).
_DISCARD = re.compile(
    rf"^(?P<ask>\W*{_OPENED})(?:bin|chuck|axe|nix|junk|dump|yeet|nuke)(?=\s+(?:the|my|that|this|it|those|these|them)\b(?!.*\bout\b))",
    re.I,
)
# "The report needs to be done by Friday": a deadline, said with the word for done; nothing is done yet.
_TO_BE_DONE = re.compile(
    r"\b(?:needs?|has|have|got|is|are|ought)\s+to\s+be\s+(?:done|finished|completed|sorted|ready)\b", re.I
)
_OBLIGED = re.compile(
    r"^\W*(?:i|we)(?:'ve|\s+have)?\s+(?:got\s+to|gotta|have\s+to|need\s+to|must|should|ought\s+to)\b", re.I
)
# "Just a quick one, buy batteries", "one more thing: ...": a preface that announces a request.
_PREFACE = re.compile(
    r"^\W*" + openers.run(also=("just",)) + r"(?:a\s+quick\s+one|quick\s+one|one\s+(?:more|last)\s+thing"
    r"|another\s+thing|quick\s+question|before\s+i\s+forget)\s*[,:;.!-]+\s*(?=\w)",
    re.I,
)
# Verbs whose refusal is no change refused ("don't forget to ...", "don't worry, ...").
# "On Friday, no wait, make that Saturday", "at 5, sorry, I mean 6": a repair said mid-sentence. The
# words after the marker take the place of the phrase they repair: the one after the last preposition.
_BROKE_OFF = (
    r"(?:(?:no|nah|nope)\s*,?\s*(?:wait|sorry|hang\s+on|hold\s+on|actually|oops)\b,?|(?:wait|sorry|actually)\s*,?\s*no\b,?"
    r"|sorry\s*,?\s*i\s+mean[t]?\b|or\s+rather\b)"
)
_REPAIR = re.compile(
    rf"(?:\s*[,;.]\s*(?:(?:no|nah)\s*,(?:\s*wait\b,?)?|{_BROKE_OFF}|sorry\s*,|i\s+mean[t]?\b|make\s+(?:that|it)\b)"
    # said with no pause before it ("on tuesday no wait wednesday"), the marker must be unmistakable
    rf"|\s+{_BROKE_OFF})"
    r"\s*(?:(?:make\s+(?:that|it)|i\s+mean[t]?|rather)\s+)?"
    r"(?P<fix>[^,;.]+(?:,\s*[^,;.]+)?)\W*$",
    re.I,
)
_NOT_THAT = re.compile(r"^not\s+(?P<old>[\w' -]{1,40}?)\s*,\s*(?P<new>[\w' -]{1,40})$", re.I)
_PREPOSITION = lexicon.words("on for at by to until till in before after from")
_A_CLAUSE = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|won't|isn't|aren't|because|since|cos)\b|'(?:s|re)\b", re.I
)
_REPAIR_WORDS, _REPAIR_REACH = 6, 4
"""A repair is a short phrase; the phrase it repairs opens at most this many words from the marker."""
# "Stick it on my list, would you?": a polite tag after an imperative asks for it to be done.
_POLITE_TAG = re.compile(r"\s*,\s*(?:please\s+)?(?:would|could|will|can|won't)\s+you(?:\s+please)?\W*$", re.I)
# "..., if you can", "when you get a chance", "no rush though": a hedge or a discourse particle said
# around the request asks nothing and names nothing, so it never reaches a title.
_HEDGE = re.compile(
    r"\s*,?\s*\b(?:if\s+(?:you\s+)?(?:can|could|would|will|please|possible|poss|you\s+(?:don't|do\s+not)\s+mind"
    r"|(?:it's|that's)\s+(?:ok(?:ay)?|alright|all\s+right|no\s+bother))"
    r"|when(?:ever)?\s+you\s+(?:can|(?:get|have)\s+(?:a|the)\s+(?:chance|sec|second|minute|moment)))"
    r"(?=\s*(?:[,.;!?]|$))"
    r"|(?<!\beven)(?<!\bas)\s+(?:though|tho|anyway|anyhow)\b(?=\s*(?:[,.;!?]|$))"
    # "..., around noon-ish I suppose.": the speaker's hedge on the whole ends the utterance
    r"|(?<!\bwhat)(?<!\bwho)(?<!\bwhich)\s+i\s+(?:suppose|guess|reckon|think|imagine)\W*$",
    re.I,
)
# "Tag it finance as well": an additive adverb after a change to the thing referred to is no value.
_ADDITIVE_TAIL = re.compile(r"(?<=\w)\s*,?\s+(?:as\s+well|too)\W*$", re.I)
_VERB_ON_IT = re.compile(r"\b[a-z]+\s+(?:it|them)\s+\w", re.I)
_NOT_CHANGING = lexicon.words("forget worry bother mind panic care know think let remind hesitate be")
# "... put down that I should call the plumber", "make a note to myself to email Priya": add what follows.
_ADD_WHAT_FOLLOWS = re.compile(
    r"\b(?:(?:put|write|note|jot)\s+down|note|add|remember)(?:\s+for\s+me)?\s+that\s+(?:i|we)"
    r"(?:\s+(?:should|need\s+to|have\s+to|must|ought\s+to|gotta|have\s+got\s+to|got\s+to)|'ve\s+got\s+to)\s+|\bmake\s+(?:a\s+)?note\s+(?:to\s+(?:myself|self)\s+)?to\s+",
    re.I,
)
# "For the car service, note that I should ask about the brakes": a thing put first, then a note on it.
_NOTE_ON_FRONTED = re.compile(
    # the thing with its preposition, or bare with its article ("The GP appointment, note it's for my back")
    r"^\W*(?:(?:for|about|on|re|regarding|concerning|with(?:\s+(?:regard|respect|reference)\s+to)?"
    rf"|as\s+(?:for|regards))\s+|(?=(?:the|my|our)\s))(?P<thing>[^,;:.]{{1,60}}?)\s*[,:;-]\s*{_ASKING}"
    r"(?:note(?:\s+down)?|jot\s+down|write\s+down|write(?=\s+that\b)|(?P<verb>comment)"
    r"|(?:add|put|leave|write|make|jot\s+down|append|attach)\s+a\s+(?:short\s+|quick\s+|little\s+)?(?P<noun>note|comment))"
    r"(?:\s+(?:that|saying|to\s+the\s+effect\s+that)\b|\s*[:-])?\s*(?P<body>\w.*)$"
    # "Jot down on the accountant task: ask about the VAT return", "note against X that Y": the verb,
    # the thing, then the body
    rf"|^\W*{_ASKING}(?:note|jot|write|scribble|put)(?:\s+down)?\s+(?:on|against|under)\s+"
    r"(?P<thing_after>[^,;:.]{1,60}?)(?:\s*[:-]\s*|\s+that\s+)(?P<body_after>\w.*)$"
    # "Can I add to the Priya one that she said ...": words added to a thing named, not to the list
    rf"|^\W*{_ASKING}add\s+to\s+(?P<thing_to>(?:the|my)\s+(?![^,;:.]*\blist\b)[^,;:.]{{1,60}}?)"
    r"(?:\s*[:-]\s*|\s+that\s+)(?P<body_to>\w[^?!]*)(?:[?!].*)?$",
    re.I,
)
# "the lawn needs mowing, can you add that?": the request's object is the clause before it.
_PRONOUN_REQUEST = re.compile(
    rf"^(?P<content>.+?)[,.;!?]?\s+{_ASKING}"
    r"(?P<verb>add|note|save|put|write|jot|remember|log|record|keep)\s+(?:that|it|this)"
    r"(?:\s+(?:down|on\s+(?:my|the)\s+list|to\s+(?:my|the)\s+list|for\s+me))*\s*(?:please)?\W*$",
    re.I,
)
# A time said first: "On Friday I need to ...", "Tomorrow afternoon at 2, remind me to ...".
_WEEKDAY = "|".join(extract.WEEKDAYS)
_FRONT_TIME = re.compile(
    rf"^\s*(?P<when>(?:(?:on|by|this|next|for)\s+)?(?:{_WEEKDAY}|today|tonight|tomorrow|the\s+weekend|this\s+weekend"
    rf"|next\s+week)(?:\s+(?:morning|afternoon|evening|night))?(?:\s+(?:at|around|by)\s+[\w:]+(?:\s*[ap]\.?m\.?)?)?)"
    r"\s*,?\s+(?P<rest>(?:i|we|remind|please|can|could|add|put|don't|dont|remember)\b.*)$",
    re.I,
)


# "Remind me in three days to check the tyres": the time moves after the thing to do.
_REMIND_WHEN = re.compile(
    r"^(?P<ask>\s*(?:please\s+)?remind\s+me)\s+(?P<when>(?:in\s+\w+\s+\w+|on\s+\w+|at\s+[\w:]+(?:\s*[ap]m)?|tomorrow"
    r"|today|tonight|next\s+\w+|this\s+\w+)(?:\s+(?:morning|afternoon|evening|night))?)\s+(?P<rest>to\s+.+)$",
    re.I,
)


# "Put sort out the garage on my list, no rush", "bung milk on my to-do list": to put something on
# a list is to add it, whatever the verb, unless the verb reads or means another change.
_ON_THE_LIST = re.compile(
    rf"^(?P<ask>\W*{_OPENED})(?P<verb>[a-z]+)\s+"
    r"(?P<what>.+?)\s+(?:on|onto|in|to)\s+(?:my|the)\s+(?:[\w-]+\s+)?list\b(?P<rest>.*)$",
    re.I,
)
# "Knock the tap off the list": off a list is away from it; ticked or crossed off is done, else gone.
_OFF_THE_LIST = re.compile(
    # in the first clause, or in a later one ("I shan't be pruning the roses, so take them off my list")
    rf"^(?P<lead>(?:[^,.;!?]{{0,200}}?[,.;!?]\s+(?:so\s+|and\s+|then\s+)?)?)(?P<ask>\W*{_OPENED})(?P<verb>[a-z]+)\s+(?P<what>[^,.;!?]{{1,80}}?)\s+off\s+(?:of\s+)?(?:my|the|your|our)\s+"
    r"(?:[\w-]+\s+)?list\b",
    re.I,
)
# "I'd better take the cards off" (rejoined "take off the cards"): off, with no list said, is gone too.
_TAKEN_OFF = re.compile(
    rf"^(?P<ask>\W*{_OPENED}(?:i\s+think\s+)?(?:i'd\s+better\s+|i\s+(?:want|need)\s+to\s+|let's\s+)?)"
    r"(?:take|knock|strike)\s+off\s+(?=(?:the|my|that|those|these)\s)",
    re.I,
)
# "Stick on the list: the car's MOT": the list first, then what goes on it.
_LIST_FIRST = re.compile(
    rf"^(?P<ask>\W*{_OPENED})(?P<verb>[a-z]+)\s+(?:on|onto|in|to)\s+(?:my|the)\s+(?:[\w-]+\s+)?list\s*[:,-]\s*"
    r"(?P<what>.+)$",
    re.I,
)
# "Chuck take the ute in for a service on for Thursday arvo": put on (the list) for a day.
_PUT_ON_FOR = re.compile(
    rf"^(?P<ask>\W*{_OPENED})(?P<verb>[a-z]+)\s+(?P<what>(?!(?:it|that|this|them)\b)[^,.;!?]+?)\s+on"
    r"\s+(?P<when>(?:for|by)\s+.+)$",
    re.I,
)
_TICKING = lexicon.words("tick cross check mark")
_PUTTING = lexicon.words("put stick pop throw get write chuck bung whack shove slap")
_PUTTING_ON = _PUTTING - {"get", "write"}
_READING = lexicon.words("read check see view show list display review find look search tell give")
_NO_THING = lexicon.words("what what's whatever everything anything something all stuff things it")
_ADDING = lexicon.concepts(lexicon.stem("add"))


def _puts_on_list(verb: str, what: str) -> bool:
    """Whether "VERB X on my list" adds X: a verb of putting or adding, or one English gives no other
    meaning here ("bung", "chuck in"); not a verb that reads ("check X on my list") or changes (a
    "move"), nor a "what"/"everything" for X."""
    verb, first = verb.lower(), what.split()[:1]
    if not first or first[0].lower() in _NO_THING or verb in _READING:
        return False
    if verb in _PUTTING:
        return True
    meanings = lexicon.concepts(lexicon.stem(verb))
    return verb not in lexicon.STOPWORDS and (not meanings or bool(meanings & _ADDING))


# "add to my list: call the electrician": the list is where, not what.
_ADD_TO_LIST = re.compile(
    r"\b(?P<verb>add|put|write|jot)\s+(?:(?:this|these)\s+)?(?:to|on|onto)\s+(?:my|the)\s+(?:\w+\s+)?list\s*[:,-]?\s+(?=\w)",
    re.I,
)


# "Put down 'ring the vet' for tomorrow": words written down in quotes are a new thing's.
_DOWN_QUOTED = re.compile(rf"^(?P<ask>\W*{_OPENED})(?:put|jot|write|note|pop)\s+down\s+(?=['\"‘“])", re.I)
# "I'd like a reminder to back up my laptop", "put in a task for the vet": the new thing is what follows
# (the word for it is one the tools use for what they hold: `request`'s `things`).
_A_REMINDER = re.compile(
    r"\b(?:i'd\s+like|i\s+would\s+like|i\s+want|i\s+need|give\s+me|set(?:\s+up)?|create|make|add|put\s+in|get)\s+"
    r"(?:a|an|another)\s+(?:new\s+)?(?P<thing>[a-z]+(?:-[a-z]+)?)(?:\s+for\s+me)?"  # ("a reminder for me to")
    r"\s+(?:to|about|for|that\s+i\s+(?:should|need\s+to))\s+"
    # "pop a note in for me to take the books back": a note put in for the speaker is a reminder
    r"|\b(?:put|pop|stick|leave|make|write|jot)\s+(?:in\s+|down\s+)?(?:a|an)\s+(?:quick\s+|little\s+)?(?:note|reminder)"
    r"(?:\s+in\s+for\s+me|\s+in|\s+for\s+me)\s+to\s+(?=[a-z])",
    re.I,
)


# "Put a note on the ladder one: the receipt is in the glovebox": the colon opens what the note says,
# as "that" does in "a little note on the Oliver one that he's a shepherd".
# "add X, and put a note on it: Y", "add X. Add a note that Y", "add X, note: Y": a new thing said with
# a note on it in one breath is a new thing with a note ("add X with a note: Y").
_NOTE_ON_THE_NEW = re.compile(
    r"\s*(?:[,.;]\s*(?:and\s+)?|\s+and\s+)(?:(?:also\s+|then\s+|please\s+)?(?:put|add|stick|pop|leave|write|make)\s+"
    r"(?:a\s+)?(?:little\s+|quick\s+)?(?P<noun>note|comment)(?:\s+(?:on|to)\s+(?:it|that|this))?"
    r"|(?P<bare>note|comment))\s*(?::|\s+that\b|\s+saying\b)\s*(?=\S)",
    re.I,
)
_STARTS_NEW = re.compile(
    rf"^\W*{_ASKING}(?:add|new\s+(?P<noun>[a-z-]+)|create|put\s+down|(?:i|we)(?:'ve|\s+have)?\s+(?:got\s+)?to)\b",
    re.I,
)
# "a new one", "a new thing": words for any thing; the tools' own ("task", "job") are read from them.
_ANY_THING = frozenset(["item", "one", "thing"])
_COLON_BODY = re.compile(
    r"\b(?P<lead>(?:(?:a|the|this)\s+)?(?:little\s+|quick\s+|short\s+)?(?:note|comment|message|memo)\s+"
    r"(?:to|on|for|onto)\s+(?:(?!\bsaying\b)[^:,]){1,80}?)(?:\s*:|\s+that)\s+(?=\S)",
    re.I,
)


# "I'm stuck, can you help me out?": a request whose object is only "me" says no more than the talk before it.
_NO_OBJECT = frozenset(
    ["me", "us", "it", "this", "that", "them", "out", "up", "with", "please", "now", "for"]
)


# "at like 10", "around, like, six", "could you, like, add": a hedging "like" after a preposition, or
# set apart after "you", says nothing.
_HEDGING_LIKE = re.compile(
    r"\b(at|around|about|by|till|until|before|after|for)\s*,?\s+like\s*,?\s+(?=\w)|\b(you)\s*,\s*like\s*,\s*(?=\w)",
    re.I,
)
# "Change 'chase payment' to 'final reminder'": both names quoted, the old and the new.
# "In the interests of clarity, would you ...", "to be safe, can you ...": an idiom put before a polite
# request says why, and names nothing the request is about ("for the vet one, can you ..." does).
_FRONTED_ASIDE = re.compile(
    r"^\W*(?:in\s+the\s+interests?\s+of|for\s+the\s+sake\s+of|out\s+of|in\s+(?:fairness|truth|any\s+case|that\s+case"
    r"|the\s+meantime)|to\s+be\s+(?:safe|sure|honest))\b[^,;:]{0,30},\s*(?=(?:please\s+)?(?:would|could|can|will)\s+you\b)",
    re.I,
)
# "Okay, I don't want to waste a guess, but, um, could it be 0017?": what one says of oneself, then
# "but" and a question: the question is what is asked.
_SELF_THEN_ASKED = re.compile(
    rf"^\W*{openers.run()}(?:i|i'm|i've|i'd|i'll)\b[^.;?!]{{0,80}}?,?\s+but\b\W*{openers.run()}"
    r"(?P<asked>(?:could|can|would|will|is|are|was|might|may|should|do|does)\b[^?]*\?)\W*$",
    re.I,
)
_QUOTED_RENAME = re.compile(
    r"^\W*(?:(?:can|could|would|will)\s+you\s+|please\s+)*(?:change|rename|retitle|edit|switch)\s+"
    r"(?:the\s+task\s+|the\s+one\s+)?(?:['\"‘“])(?P<old>[^'\"’”]+)['\"’”]\s+(?:to|into|as)\s+"
    r"['\"‘“](?P<new>[^'\"’”]+)['\"’”]\W*$",
    re.I,
)


def tidy(text: str) -> str:
    """Fillers out, shorthand spelled out, split phrasal verbs joined."""
    text = _FILLER.sub(" ", text)
    text = _HEDGING_LIKE.sub(lambda m: f"{m.group(1) or m.group(2)} ", text)
    text = _SHORT.sub(lambda m: _SHORTHAND[m.group(0).lower()], text)
    text = _SPLIT_PHRASAL.sub(lambda m: f"{m.group(1)} {m.group(3)} {m.group(2).strip()}", text)
    return " ".join(text.split()).strip(" ,")


def request(text: str, things: Callable[[str], bool] = lambda word: False) -> str:
    """The plain request an utterance makes (the utterance itself when it is already plain, or
    when it is nothing but a hesitation: "hmm" is not an answer, but it was said). `things` tells a
    word the tools use for what they hold ("task", "reminder")."""
    text = _FRONTED_ASIDE.sub("", text, count=1)
    asked_after = _SELF_THEN_ASKED.match(text)
    text = asked_after.group("asked") if asked_after is not None else text
    quoted = _QUOTED_RENAME.match(text)
    if quoted is not None:  # "as" parts the two names where "to" may be inside the new one
        return f"rename {quoted.group('old')} as {quoted.group('new')}"
    text = _POLITE_TAG.sub("", repaired(tidy(text) or text)) or text
    text = _HEDGE.sub("", text).strip(" ,") or text
    tagged = _TAGGED.match(text)
    if tagged is not None and not _STATES.search(tagged.group("statement")):
        # "add milk, yeah": a request with a tag that agrees is the request ("delete it, no" stays)
        agrees = yes_no.answer(text[tagged.end("statement") :]) is True
        text, tagged = (tagged.group("statement") if agrees else text), None
    asked = _EMBEDDED.match(text) or tagged
    if asked is not None:
        question = text[asked.end() :] if asked.re is _EMBEDDED else asked.group("statement")
        return f"{question.strip().rstrip('.!?')}?" if question.strip() else text
    if _VERB_ON_IT.search(text):
        text = _ADDITIVE_TAIL.sub("", text) or text
    text = _PREFACE.sub("", text, count=1)
    pronoun = _PRONOUN_REQUEST.match(text)
    if (
        pronoun is not None
        and len(pronoun.group("content").split()) >= 2
        and yes_no.bare(pronoun.group("content")) is None  # "nah mate, keep it" answers us
    ):
        # "I've got to file my taxes, can you note that?": something to do is a new thing to remember.
        content = pronoun.group("content")
        obliged = _OBLIGED.match(content)
        text = f"add {content[obliged.end() :].strip()}" if obliged else f"{pronoun.group('verb')} {content}"
    polite = _WONDER.match(text)
    if polite is not None:  # "is it possible to move X?": the frame made a request a question
        text = text[polite.end() :].replace("?", ".")
    text = _DISCARD.sub(r"\g<ask>delete", text, count=1)
    text = _TO_BE_DONE.sub("is due", text)
    instead = _INSTEAD.match(text)
    if (
        instead is not None
        and instead.group("verb").lower() not in _NOT_CHANGING
        and instead.group("rest").split()[0].lower() not in lexicon.STOPWORDS  # a verb, not "I'm ..."
    ):
        thing = instead.group("object")
        rest = instead.group("rest")
        text = rest if _PRONOUN.fullmatch(thing) else _PRONOUN.sub(thing, rest, count=1)
    fronted = _NOTE_ON_FRONTED.match(text)
    if fronted is not None:
        noun = (fronted.group("noun") or fronted.group("verb") or "note").lower()
        thing = fronted.group("thing") or fronted.group("thing_after") or fronted.group("thing_to")
        body = fronted.group("body") or fronted.group("body_after") or fronted.group("body_to")
        text = f"add a {noun} to {thing} saying {body}"
    text = _ADD_WHAT_FOLLOWS.sub("add ", text, count=1)
    front = _FRONT_TIME.match(text)
    if front is not None:
        text = f"{front.group('rest').rstrip(' .!')} {front.group('when')}"
    text = _ADD_TO_LIST.sub(r"\g<verb> ", text, count=1)
    text = _DOWN_QUOTED.sub(r"\g<ask>add ", text, count=1)
    text = _A_REMINDER.sub(
        # "add a thing to call Marek": a placeholder for the thing is as good as the tools' word
        lambda m: (
            "add "
            if not m.group("thing") or things(m.group("thing")) or m.group("thing").lower() in _ANY_THING
            else m[0]
        ),
        text,
        count=1,
    )
    text = _COLON_BODY.sub(r"\g<lead> saying ", text, count=1)
    starts = _STARTS_NEW.match(text)
    if starts is not None and (
        not starts["noun"] or starts["noun"].lower() in _ANY_THING or things(starts["noun"])
    ):
        text = _NOTE_ON_THE_NEW.sub(
            lambda m: f" with a {(m.group('noun') or m.group('bare')).lower()}: ", text, count=1
        )
    off = _OFF_THE_LIST.match(text)
    if off is not None:
        verb = "tick off" if off.group("verb").lower() in _TICKING else "delete"
        text = f"{off.group('lead')}{off.group('ask')}{verb} {off.group('what')}{text[off.end() :]}"
    else:
        text = _TAKEN_OFF.sub(r"\g<ask>delete ", text, count=1)
    first = _LIST_FIRST.match(text)
    if first is not None and _puts_on_list(first.group("verb"), first.group("what")):
        text = f"{first.group('ask')}add {first.group('what')}"
    put_on = _PUT_ON_FOR.match(text)
    if (
        put_on is not None
        and put_on.group("verb").lower() in _PUTTING_ON
        and extract.when(extract.Utterance(put_on.group("when"), datetime.now()), "datetime") is not None
    ):
        text = f"{put_on.group('ask')}add {put_on.group('what')} {put_on.group('when')}"
    listed = _ON_THE_LIST.match(text)
    if listed is not None and _puts_on_list(listed.group("verb"), listed.group("what")):
        text = f"{listed.group('ask')}add {listed.group('what')}{listed.group('rest')}"
    remind = _REMIND_WHEN.match(text)
    if remind is not None:
        text = f"{remind.group('ask')} {remind.group('rest').rstrip(' .!')} {remind.group('when')}"
    frames = [m for m in _FRAME.finditer(text) if m.start("frame") > 0]
    if frames:
        # The request proper is the last frame: what came before was the story around it ("I'd like
        # you to add X" asks as "add X" does).
        rest = _WANT_YOU_TO.sub("", text[frames[-1].start("frame") :], count=1)
        said = re.findall(r"[\w']+", text[frames[-1].end("frame") :].lower())
        if len([w for w in said if w not in _NO_OBJECT]) >= 1 and len(said) >= 2:  # it says what, too
            text = rest
    return text


def repaired(text: str) -> str:
    """The utterance with a mid-sentence repair made: "put it on Friday, no wait, make that Saturday"
    is "put it on Saturday" (the words after the last preposition before the marker are replaced)."""
    found = _REPAIR.search(text)
    fix = found.group("fix").strip() if found is not None else ""
    first, _, then = fix.partition(",")
    if _A_CLAUSE.search(then) or len(then.split()) > _REPAIR_WORDS:
        fix = first.strip()  # "make that Thursday, the post office is shut tomorrow": the repair, then why
    if found is None or len(first.split()) > _REPAIR_WORDS:
        return text
    marker = text[found.start() : found.start("fix")]
    if "." in marker and not re.search(r"\b(?:wait|make|mean|meant|rather)\b", marker, re.I):
        return text  # "Move it to Monday. No, it's fine": a new sentence, not a repair
    before = text[: found.start()]
    instead = _NOT_THAT.match(fix)
    if instead is not None:  # "the tag family on X, no sorry, not family, flat": the word named goes
        old = re.search(
            rf"\b{re.escape(instead.group('old'))}\b(?!.*\b{re.escape(instead.group('old'))}\b)", before, re.I
        )
        return before[: old.start()] + instead.group("new") + before[old.end() :] if old else text
    words = before.split()
    near = range(len(words) - 1, max(-1, len(words) - 1 - _REPAIR_REACH), -1)
    # "to Thursday at eight, no sorry, Friday at eight": a repair with a preposition inside it
    # replaces as many phrases as it says ("Thursday at eight", not only "eight")
    inner = sum(w.lower() in _PREPOSITION for w in fix.split()[1:])
    opened = [i for i in near if words[i].lower() in _PREPOSITION]
    at = opened[min(inner, len(opened) - 1)] if opened else None
    placed = dialogue.in_place(before, first.strip()) if at is None else before
    if at is None and placed != first.strip():
        # "Add buy oat milk, no wait, make that soya milk, for tomorrow": the words that end on the
        # same word are replaced; what follows the repair goes on
        rest = fix[len(first) :].strip(" ,")
        return f"{placed}, {rest}" if rest else placed
    if at is None or at == len(words) - 1:
        return text
    # "to tomorrow, no sorry, to Wednesday": a repair that says its own preposition replaces it too
    own = fix.split()[0].lower() in _PREPOSITION
    return " ".join([*words[: at + (0 if own else 1)], fix])
