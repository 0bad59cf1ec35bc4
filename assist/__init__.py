"""Review assistance (issue 15): similar cases while drafting and reviewing, merge suggestions for a
session, and their evaluation.

assist owns: the synonym list staff edit (SynonymGroup), the similarity index of the cases (CaseIndex,
TermStat — kept up to date from proposals' post_save signal, rebuilt by ``assist_rebuild``), the
"类似提案" panels shown through template hooks on proposals' pages, ``GET /api/cases/{id}/similar/``,
the merge-suggestion page (acting through proposals.services.perform) and ``assist_eval``.
It reads cases only through proposals.access; proposals never imports assist.
"""
