"""Walking a large queryset in batches, with bounded memory, for every sweep and fan-out."""

from operator import attrgetter


def batches(queryset, size, *, after=None, key=attrgetter("pk")):
    """Lists of up to ``size`` rows of ``queryset`` by primary key, after the key ``after``.

    Keyset pagination: each batch is one query starting after the last key of the one before,
    so rows deleted or added meanwhile never shift a batch and no batch costs more than the
    first. ``key`` reads the primary key of a row (``itemgetter(0)`` for ``values_list`` rows
    that start with it); a caller that must resume after a crash stores the last key it
    finished and passes it as ``after``.
    """
    queryset = queryset.order_by("pk")
    while True:
        page = queryset if after is None else queryset.filter(pk__gt=after)
        batch = list(page[:size])
        if not batch:
            return
        after = key(batch[-1])
        yield batch
