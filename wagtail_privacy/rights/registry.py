"""The public extension API: sources of personal data, and the registry that orders them.

A host registers one source per kind of personal data it keeps::

    from wagtail_privacy.rights.registry import ModelSource, register

    @register
    class OrderSource(ModelSource):
        name = "orders"
        label = _("Orders")
        order = 100
        model = Order
        user_field = "customer"
        fields = ("number", "placed_at", "total", "status")
        purposes = _("Delivering your orders and handling complaints.")
        recipients = _("Parcel service; payment provider.")
        retention = _("10 years (accounting law).")
        origin = _("You, when you order.")

Put sources in a ``privacy_sources`` module of any installed app: it is imported at start-up.
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Blocker:
    """A reason the account cannot be deleted yet, that the customer can act on."""

    code: str
    message: str


@dataclass(frozen=True)
class Hold:
    """Records kept (anonymised) until ``until`` because the law requires it."""

    reason: str
    until: datetime
    count: int = 0


@dataclass
class ErasureResult:
    deleted: int = 0
    anonymised: int = 0
    held: list[Hold] = field(default_factory=list)


class DataSource:
    """The contract of a source of personal data.

    Subclasses must provide:

    - ``name``: a stable identifier (letters, digits, ``_``), used in export file names;
    - ``label``: a translatable name shown to customers and staff;
    - ``records(user)``: an iterable of dicts of JSON-serialisable values (iterate lazily:
      exports stream them with bounded memory);
    - ``fields``: the keys of those dicts, in column order (the CSV header).

    They may provide ``order`` (lower comes first, default 100), the Art. 15 information
    (``purposes``, ``recipients``, ``retention``, ``origin``), ``blockers(user)`` (a list of
    ``Blocker``), ``holds(user)`` (a list of ``Hold``) and ``erase(user)`` (an
    ``ErasureResult``).
    """

    name: str = ""
    label = ""
    order: int = 100
    fields: tuple[str, ...] = ()
    purposes = ""
    recipients = ""
    retention = ""
    origin = ""

    def records(self, user):
        raise NotImplementedError(f"{type(self).__name__} must implement records(user).")

    def blockers(self, user):
        return []

    def holds(self, user):
        return []

    def erase(self, user):
        return ErasureResult()

    def describe(self):
        """The Art. 15 information of this source, as text."""
        return {
            "name": self.name,
            "label": str(self.label),
            "purposes": str(self.purposes),
            "recipients": str(self.recipients),
            "retention": str(self.retention),
            "origin": str(self.origin),
            "fields": list(self.fields),
        }


class ModelSource(DataSource):
    """A source backed by one model: the declarative common case.

    Subclasses must provide ``model``, ``fields`` (model field names or lookups such as
    ``"address__city"``), and ``user_field``: the lookup from the model to the user.
    """

    model = None
    user_field = "user"
    chunk_size = 2000

    def queryset(self, user):
        return self.model._default_manager.filter(**{self.user_field: user}).order_by("pk")

    def records(self, user):
        names = list(self.fields)
        for row in self.queryset(user).values_list(*names).iterator(chunk_size=self.chunk_size):
            yield dict(zip(names, row, strict=True))


class Registry:
    def __init__(self):
        self._sources = {}

    def register(self, source_class):
        """Register a ``DataSource`` subclass (usable as a class decorator)."""
        if not issubclass(source_class, DataSource) or not source_class.name:
            raise TypeError(f"{source_class!r} must be a DataSource subclass with a name.")
        if not source_class.name.replace("_", "").isalnum():
            raise ValueError(f"Source name {source_class.name!r}: letters, digits and _ only.")
        self._sources[source_class.name] = source_class
        return source_class

    def unregister(self, name):
        self._sources.pop(name, None)

    def sources(self):
        """Instances of every registered source, in ``order`` then ``name``."""
        classes = sorted(self._sources.values(), key=lambda cls: (cls.order, cls.name))
        return [cls() for cls in classes]

    def get(self, name):
        return self._sources[name]()


registry = Registry()
register = registry.register

__all__ = [
    "Blocker",
    "DataSource",
    "ErasureResult",
    "Hold",
    "ModelSource",
    "register",
    "registry",
]
