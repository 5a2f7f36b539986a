"""What a request says about the client, for proof: its IP address and user agent.

Every door (API, pages) reads them here, and every record keeps the IP address only as
``ACCEPTANCE_IP`` allows. Behind a proxy, set ``REMOTE_ADDR`` from the forwarded header in a
middleware you trust; this module never reads ``X-Forwarded-For`` itself, which any client can
forge.
"""

import ipaddress

from .conf import privacy_settings

#: The longest user agent kept (the column's size).
USER_AGENT_MAX_LENGTH = 512


def client_details(request):
    """``{"ip": ..., "user_agent": ...}`` of ``request``, as the services take them."""
    return {
        "ip": request.META.get("REMOTE_ADDR"),
        "user_agent": request.headers.get("User-Agent", "")[:USER_AGENT_MAX_LENGTH],
    }


def minimise_ip(address):
    """The IP address as ``ACCEPTANCE_IP`` allows it to be kept: full, truncated or not at all."""
    mode = privacy_settings.ACCEPTANCE_IP
    if not address or mode == "none":
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if mode == "full":
        return str(ip)
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)
