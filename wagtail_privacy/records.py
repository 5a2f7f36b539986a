"""Append-only models: rows that form the legal record are written once and never changed."""

from django.db import models

from .exceptions import ImmutableRecordError


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableRecordError(f"{self.model.__name__} rows cannot be updated.")

    def delete(self):
        raise ImmutableRecordError(f"{self.model.__name__} rows cannot be deleted.")

    def redact(self, **fields):
        """Blank personal identifiers (IP, user agent...) on erasure; nothing else may change.

        Only fields the model lists in ``redactable_fields`` are accepted.
        """
        allowed = set(getattr(self.model, "redactable_fields", ()))
        if not fields or not set(fields) <= allowed:
            raise ImmutableRecordError(
                f"{self.model.__name__}: only {sorted(allowed)} can be redacted."
            )
        return super().update(**fields)

    def fill_once(self, **fields):
        """Set fields the model lists in ``mutable_once_fields`` on the rows where they are
        still empty (a confirmation's date, say); returns how many rows changed."""
        allowed = set(getattr(self.model, "mutable_once_fields", ()))
        if not fields or not set(fields) <= allowed:
            raise ImmutableRecordError(
                f"{self.model.__name__}: only {sorted(allowed)} can be set once."
            )
        empty = super().filter(**{f"{name}__isnull": True for name in fields})
        return models.QuerySet.update(empty, **fields)

    update.queryset_only = True
    delete.queryset_only = True
    redact.queryset_only = True
    fill_once.queryset_only = True


class AppendOnlyModel(models.Model):
    """Refuses updates and deletes through the ORM.

    Subclasses may list in ``mutable_once_fields`` fields that may be set once after creation
    (a withdrawal date, say): such a save must name them in ``update_fields`` and may only fill
    fields that are still empty.
    """

    mutable_once_fields: tuple[str, ...] = ()
    redactable_fields: tuple[str, ...] = ()

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            fields = set(kwargs.get("update_fields") or ())
            allowed = set(self.mutable_once_fields) | {
                f"{name}_id" for name in self.mutable_once_fields
            }
            if not fields or not fields <= allowed:
                raise ImmutableRecordError(f"{type(self).__name__} rows cannot be altered.")
            stored = type(self)._base_manager.filter(pk=self.pk).values(*fields).first()
            if stored is None or any(value is not None for value in stored.values()):
                raise ImmutableRecordError(f"{type(self).__name__}: these fields are set once.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(f"{type(self).__name__} rows cannot be deleted.")
