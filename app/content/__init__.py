"""The question-bank content, named by its steps:

    questions/*.toml --read--> Catalog --generate--> questions --load--> database --export-->

- `documents`: the plain objects read from `questions/` (sources, facts, question drafts).
- `read`: read and validate `questions/` into a `Catalog`, every problem as file:line.
- `generate`: questions of the types that suit each fact (the bank generator).
- `drafts`: one question as written (a bank file or the API) into a storable draft.
- `evidence`: where an evidence span sits in its source text.
- `load`: write a Catalog into the database (idempotent; versions changed questions).
- `export`: read the loaded bank back out.
"""
