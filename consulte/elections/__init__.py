"""The election of the councils' delegates: part of the consulte app (same app label, models in
consulte/models.py, tasks in tasks.py), one module per topic. The services are called
by the views, the admin, the tasks and the commands alike.

- common.py: ElectionError, the election's log, the normal form of fiscal codes and codes.
- rolls.py: the electoral roll's import from the civil registry's CSV.
- verification.py: voting codes, identity providers, the voting point terminal's session.
- oidc.py: SPID/CIE through allauth's OpenID Connect provider.
- nominations.py: candidacies, from the elector's submission to staff's decision.
- ballot_box.py: the election's key, its guardians' shares, sealing and opening the envelopes.
- casting.py: the ballot, the checks of the choices, the cast, the receipt lookup.
- desk.py: the polling desk (presence, paper voters, paper counts) and the declared count.
- tally.py: the count, the gender and tie rules, the digest, the stored result, the seats.
- notifications.py: what the ambito's residents are told, once per election.
- opendata.py: the published ballots (JSON, CSV) and the recount from them.
- views.py: the public pages (list, election, verification, candidacy, ballot, results).
- desk_views.py: the polling desk's pages; ballot_box_views.py: the guardians' pages.
- forms.py: the forms of all those pages.
- admin.py: elections, candidates, counts, the log; roll_admin.py: the roll and voting codes.
- demo.py: the demo elections, loaded by consulte/demo.py.

What is secret, from whom, and what trust remains.

- While voting is open, an online vote writes two rows in one transaction: the ElectorVote
  (outer envelope: who, channel, hour) and an Envelope (inner envelope: the ballot sealed with
  the election's public key; see ballot_box.py). No plain ballot exists. A reader of
  the database, its system columns (xmin, ctid), the WAL or a backup learns who voted and when
  to the hour, and can pair each voter with a ciphertext; never how anyone voted: opening a
  ciphertext needs the private key, which exists only as the guardians' shares (t of n), never
  stored by the portal.
- The opening, after the close, needs t guardians. Their shares rebuild the key in the memory
  of the process that opens (a Celery worker, or `manage.py open_ballot_box`); the envelopes
  are shuffled with the system's cryptographic RNG, decrypted, and written as plain Ballots in
  that order in one transaction that deletes the envelopes. From then on every ballot and
  preference of the election shares one xmin (the opening's), their physical order is random,
  their keys are random and nothing links them to an ElectorVote: the pairing a reader made of
  voters and ciphertexts during the vote leads nowhere, since the plain ballots carry no trace
  of the ciphertext they came from.
- The receipt code travels inside the envelope and is shown once, in the cast response; after
  the opening the voter finds it in the public list of ballots.
- The choices never appear in SQL text (the candidate check reads every approved candidate,
  whatever the choice), so pg_stat_activity and the server log hold none.
- What remains to trust: t guardians together could decrypt a copy of the envelopes taken by
  a reader of the database during the vote and, with the pairing above, learn votes; so could
  whoever controls the opening process's memory while it runs, or the web process's memory at
  the moment a ballot is cast (it sees the choices it encrypts). At the ceremony the officer's
  browser shows all the shares at once: the officer and the guardians present are trusted not
  to keep others' shares (the key cannot be replaced once voting opens, and every ceremony is
  in the election's log with its key). At the opening the web process holds the shares for the
  moment it checks them, and they reach the worker through the broker encrypted with a key
  derived from SECRET_KEY, acknowledged on receipt: whoever holds SECRET_KEY and a copy of
  the broker at that moment holds the shares. Dead row versions of the deleted envelopes stay
  in the heap until VACUUM, but they hold only ciphertext.
"""
