"""The address of the client behind our own reverse proxies, for the admin lockout and the
consent rate limit.

Each proxy appends the address it received the request from to X-Forwarded-For. The
header is read only when the request comes from one of TRUSTED_PROXIES (addresses or
networks, like Gunicorn's `forwarded_allow_ips`; default 127.0.0.1 and ::1), and then
only as far back as there are trusted proxies: with TRUSTED_PROXY_COUNT proxies in front
of Gunicorn, each trusted hop names the one before it, and the first address that is not a
trusted proxy (or the entry TRUSTED_PROXY_COUNT places from the right) is the client.
Entries further left were written by the client itself and prove nothing, and anyone who
reaches an app server directly (another host on its network) is counted by the
connection's own address whatever header they send.
"""

import functools
import ipaddress

from django.conf import settings


@functools.lru_cache(maxsize=16)
def trusted_networks(proxies):
    """The networks of TRUSTED_PROXIES (a tuple); ValueError names a wrong entry."""
    networks = []
    for proxy in proxies:
        try:
            networks.append(ipaddress.ip_network(proxy.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"TRUSTED_PROXIES: {proxy!r} is not an IP address or network"
            ) from None
    return tuple(networks)


def _is_trusted(address, networks):
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in network for network in networks)


def client_ip(request):
    address = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return address
    networks = trusted_networks(tuple(settings.TRUSTED_PROXIES))
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for _ in range(count):
        if not hops or not _is_trusted(address, networks):
            break
        address = hops.pop()
    return address
