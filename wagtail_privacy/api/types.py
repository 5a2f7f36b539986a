"""Input types of the API, bounded so that out-of-range numbers are a 422, not a database error."""

from typing import Annotated

from pydantic import Field

#: The largest value of an integer column on every supported database (SQLite fails beyond 2⁶³).
INT_MAX = 2**31 - 1
BIGINT_MAX = 2**63 - 1

#: A version number.
Number = Annotated[int, Field(ge=1, le=INT_MAX)]
#: A row id.
RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
