"""Placing SIP calls with SIPp (Debian's `sip-tester`) and baresip, for tests and benchmarks.

SIPp is an independent SIP implementation: it sends the INVITE, ACK and BYE, answers REFER, and
replays RTP from pcap files: recorded speech as PCMU (written here, `speech_pcap`) and the RFC
4733 key presses SIPp ships. What the caller hears is caught by `RtpReceiver`: the INVITE's SDP
points the media at it, so the server's RTP comes to the test instead of to SIPp.
"""

from __future__ import annotations

import asyncio
import shutil
import struct
import subprocess
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path

from .live_server import free_port

SIPP = shutil.which("sipp") or "/usr/bin/sipp"
DTMF_PCAP = "/usr/share/sip-tester/dtmf_2833_{digit}.pcap"
"""Key presses SIPp ships (RFC 2833/4733 events, payload type 101)."""


def speech_pcap(path: Path, ulaw: bytes, *, port: int = 6000) -> Path:
    """A pcap of RTP packets (PCMU, 20 ms each) carrying `ulaw`, timed at real time."""
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))  # Ethernet
    for n, offset in enumerate(range(0, len(ulaw), 160)):
        payload = ulaw[offset : offset + 160].ljust(160, b"\xff")
        rtp = struct.pack("!BBHII", 0x80, 0, n & 0xFFFF, n * 160, 0x5EECA11) + payload
        udp = struct.pack("!HHHH", port, port, 8 + len(rtp), 0) + rtp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xFFFF, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp  # fmt: skip
        frame = b"\0" * 12 + b"\x08\x00" + ip
        seconds, micros = divmod(n * 20_000, 1_000_000)
        out += struct.pack("<IIII", seconds, micros, len(frame), len(frame)) + frame
    path.write_bytes(bytes(out))
    return path


class RtpReceiver(asyncio.DatagramProtocol):
    """Collects the PCMU the server sends the caller, with arrival times."""

    def __init__(self) -> None:
        self.audio = bytearray()
        self.packets = 0
        self.first_packet_at: float | None = None
        self.arrivals: list[tuple[float, int]] = []
        """(arrival time, offset in `audio`) of each packet."""
        self.transport: asyncio.DatagramTransport | None = None

    @classmethod
    async def open(cls) -> RtpReceiver:
        loop = asyncio.get_running_loop()
        _, receiver = await loop.create_datagram_endpoint(cls, local_addr=("127.0.0.1", 0))
        return receiver

    @property
    def port(self) -> int:
        assert self.transport is not None
        return int(self.transport.get_extra_info("sockname")[1])

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if len(data) > 12 and data[1] & 0x7F == 0:
            now = time.monotonic()
            self.packets += 1
            if self.first_packet_at is None:
                self.first_packet_at = now
            self.arrivals.append((now, len(self.audio)))
            self.audio += data[12:]

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


INVITE = """\
INVITE sip:agent@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Alice" <sip:{caller}@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:agent@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
X-Customer-Id: 42
Content-Type: application/sdp
Content-Length: [len]

v=0
o=alice 53655765 2353687637 IN IP4 127.0.0.1
s=-
c=IN IP4 127.0.0.1
t=0 0
m=audio {media_port} RTP/AVP {payload_types}
{rtpmaps}a=ptime:20
a=sendrecv
"""

ACK = """\
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
[last_From:]
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

"""

OK_TO_REQUEST = """\
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Contact: <sip:sipp@[local_ip]:[local_port]>
Content-Length: 0

"""

ACCEPTED_202 = OK_TO_REQUEST.replace("200 OK", "202 Accepted")

BYE = """\
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "Alice" <sip:caller@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: [$dialog_to]
Call-ID: [call_id]
CSeq: 3 BYE
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

"""

REINVITE = (
    INVITE.replace("CSeq: 1 INVITE", "CSeq: 2 INVITE")
    .replace("INVITE sip:agent@[remote_ip]:[remote_port] SIP/2.0", "INVITE [next_url] SIP/2.0")
    .replace("To: <sip:agent@[remote_ip]:[remote_port]>", "To: [$dialog_to]")
    .replace('"Alice" <sip:{caller}@', '"Alice" <sip:caller@')
)
"""A re-INVITE in the dialog (a session refresh), with the same SDP."""
REACK = ACK.replace("CSeq: 1 ACK", "CSeq: 2 ACK")

PCMU_AND_EVENTS = ("0 101", "a=rtpmap:0 PCMU/8000\na=rtpmap:101 telephone-event/8000\na=fmtp:101 0-16\n")
G729_ONLY = ("18", "a=rtpmap:18 G729/8000\n")


def _send(message: str, *, retrans: bool = False) -> str:
    attrs = ' retrans="500"' if retrans else ""
    return f"<send{attrs}><![CDATA[\n{message}]]></send>\n"


def scenario(
    steps: str, *, media_port: int, codecs: tuple[str, str] = PCMU_AND_EVENTS, caller: str = "+15550001111"
) -> str:
    """A UAC scenario: INVITE with SDP (media to `media_port`), then `steps` (SIPp XML)."""
    invite = INVITE.format(caller=caller, media_port=media_port, payload_types=codecs[0], rtpmaps=codecs[1])
    head = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<scenario name="realtalk">\n'
    return f"{head}{_send(invite, retrans=True)}{steps}</scenario>\n"


def answered(after_ack: str) -> str:
    """Steps: 100/180/200, ACK, then `after_ack`."""
    return (
        '<recv response="100" optional="true"/>\n<recv response="180"/>\n'
        '<recv response="200" rrs="true"><action>'
        '<ereg regexp=".*" search_in="hdr" header="To:" assign_to="dialog_to"/></action></recv>\n'
        '<Reference variables="dialog_to"/>\n' + _send(ACK) + after_ack
    )


def play(pcap: str | Path, then_pause_ms: int = 0) -> str:
    step = f'<nop><action><exec play_pcap_audio="{pcap}"/></action></nop>\n'
    return step + (f'<pause milliseconds="{then_pause_ms}"/>\n' if then_pause_ms else "")


WAIT_FOR_BYE = '<recv request="BYE" timeout="90000"/>\n' + _send(OK_TO_REQUEST)


def reinvited(media_port: int) -> str:
    """Steps: a re-INVITE answered 200 with SDP, and its ACK."""
    reinvite = REINVITE.format(
        caller="caller", media_port=media_port, payload_types=PCMU_AND_EVENTS[0], rtpmaps=PCMU_AND_EVENTS[1]
    )
    return (
        _send(reinvite, retrans=True)
        + '<recv response="200"><action><ereg regexp="m=audio" search_in="body" check_it="true"'
        ' assign_to="sdp"/></action></recv>\n<Reference variables="sdp"/>\n' + _send(REACK)
    )


EXPECT_REFER_THEN_HANG_UP = (
    '<recv request="REFER" timeout="90000"><action>'
    '<ereg regexp="sip:human@example.com" search_in="hdr" header="Refer-To:" check_it="true"'
    ' assign_to="target"/>'
    '</action></recv>\n<Reference variables="target"/>\n'
    + _send(ACCEPTED_202)
    + _send(BYE)
    + '<recv response="200"/>\n'
)


def rejected(status: int) -> str:
    return (
        '<recv response="100" optional="true"/>\n<recv response="180" optional="true"/>\n'
        f'<recv response="{status}"/>\n' + _send(ACK)
    )


@dataclass
class SippRun:
    """A SIPp process placing one call."""

    process: subprocess.Popen[bytes]
    workdir: Path
    log: list[str] = field(default_factory=list)

    async def wait(self, timeout: float = 120.0) -> int:
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.process.kill()
                raise TimeoutError(f"SIPp still running; messages:\n{self.messages()[-3000:]}")
            await asyncio.sleep(0.1)
        return self.process.returncode

    def messages(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.workdir.glob("*_messages.log"))

    def errors(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.workdir.glob("*_errors.log"))


def place_call(
    workdir: Path, xml: str, sip_port: int, *, transport: str = "u1", local_ip: str = "127.0.0.1"
) -> SippRun:
    """Start SIPp on one call of `xml` against 127.0.0.1:`sip_port` (`t1` for TCP) from `local_ip`."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "scenario.xml"
    path.write_text(xml)
    command = [SIPP, f"127.0.0.1:{sip_port}", "-sf", str(path), "-m", "1", "-l", "1", "-t", transport,
               "-i", local_ip, "-p", str(free_port()), "-mp", str(free_port()), "-nostdin",
               "-trace_msg", "-trace_err", "-timeout", "150s"]  # fmt: skip
    process = subprocess.Popen(command, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return SippRun(process, workdir)


BARESIP = shutil.which("baresip") or "/usr/bin/baresip"
BARESIP_CONFIG = """\
poll_method epoll
sip_listen 127.0.0.1:{sip_port}
audio_source aufile,{workdir}/say.wav
audio_player aufile,{workdir}/played.wav
audio_alert aufile,{workdir}/played.wav
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module sndfile.so
snd_path {workdir}
module_app account.so
module_app menu.so
rtp_ports {rtp_port}-{rtp_end}
"""


@dataclass
class Softphone:
    """baresip (Debian's `baresip-core`) dialing once: it speaks a WAV file and records what it hears.

    The call ends when the file does (baresip hangs up at its end), or after `seconds`.
    """

    process: subprocess.Popen[bytes]
    workdir: Path

    async def wait(self, timeout: float = 90.0) -> int:
        return await SippRun(self.process, self.workdir).wait(timeout)

    def heard(self) -> bytes:
        """The audio baresip decoded from the call: 8 kHz 16-bit PCM."""
        [dump] = self.workdir.glob("dump-*-dec.wav")
        with wave.open(str(dump)) as recording:
            assert recording.getframerate() == 8000
            return recording.readframes(recording.getnframes())

    def log(self) -> str:
        return (self.workdir / "baresip.log").read_text(errors="replace")


def softphone_call(workdir: Path, pcm8k: bytes, sip_port: int, *, seconds: int = 60) -> Softphone:
    """Dial sip:agent@127.0.0.1:`sip_port` with baresip, saying `pcm8k` (8 kHz 16-bit PCM)."""
    workdir.mkdir(parents=True, exist_ok=True)
    with wave.open(str(workdir / "say.wav"), "wb") as say:
        say.setnchannels(1)
        say.setsampwidth(2)
        say.setframerate(8000)
        say.writeframes(pcm8k)
    rtp = free_port() // 2 * 2
    config = BARESIP_CONFIG.format(sip_port=free_port(), workdir=workdir, rtp_port=rtp, rtp_end=rtp + 10)
    (workdir / "config").write_text(config)
    (workdir / "accounts").write_text("<sip:softphone@127.0.0.1>;regint=0;audio_codecs=PCMU\n")
    log = open(workdir / "baresip.log", "wb")  # noqa: SIM115 - lives as long as the process
    command = [BARESIP, "-f", str(workdir), "-e", f"/dial sip:agent@127.0.0.1:{sip_port}", "-t", str(seconds)]
    return Softphone(subprocess.Popen(command, cwd=workdir, stdout=log, stderr=subprocess.STDOUT), workdir)
