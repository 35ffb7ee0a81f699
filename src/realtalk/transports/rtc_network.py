"""How a node's WebRTC media is reached from outside: ICE servers and the advertised address.

Media goes straight from the browser to the node that owns the call (the SDP exchange may go
through the load balancer; RTP cannot). aiortc offers the addresses of the node's interfaces as
host candidates. Behind a 1:1 NAT (a cloud VM's public IP, a Kubernetes pod on `hostNetwork`) those
are private: `REALTALK_RTC_ADVERTISE_ADDRESS` replaces them in the answer with the address
browsers can reach, on the same ports. Where no such mapping exists, STUN/TURN servers
(`REALTALK_RTC_ICE_SERVERS`) add server-reflexive and relayed candidates instead.
"""

from __future__ import annotations

from typing import Any

from aiortc import RTCConfiguration, RTCIceServer


def ice_configuration(ice_servers: list[dict[str, Any]]) -> RTCConfiguration:
    """aiortc's configuration for `[{"urls": …, "username": …, "credential": …}]` (the browser's
    `RTCIceServer` shape). None: host candidates only."""
    return RTCConfiguration(
        iceServers=[
            RTCIceServer(urls=s["urls"], username=s.get("username"), credential=s.get("credential"))
            for s in ice_servers
        ]
    )


def advertise(sdp: str, address: str | None) -> str:
    """The SDP with every host candidate's address (and `c=` line) replaced by `address`."""
    if not address:
        return sdp
    lines = []
    seen: set[str] = set()
    for line in sdp.split("\r\n"):
        if line.startswith("a=candidate:"):
            fields = line.split(" ")
            # a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type>
            if len(fields) >= 8 and fields[7] == "host":
                fields[4] = address
                line = " ".join(fields)
                if line in seen:  # two interfaces on one port cannot both be the advertised one
                    continue
                seen.add(line)
        elif line.startswith("c=IN "):
            line = f"c=IN {'IP6' if ':' in address else 'IP4'} {address}"
        lines.append(line)
    return "\r\n".join(lines)
