"""Review assistance (issue 15): similar cases while drafting and reviewing, merge suggestions for a
session, and their evaluation.

assist owns: the synonym list staff edit (SynonymGroup), the similarity index of the cases (CaseIndex,
TermStat — kept up to date from proposals' post_save signal, rebuilt by ``assist_rebuild``), the
"类似提案" panels shown through template hooks on proposals' pages, ``GET /api/cases/{id}/similar/``,
the merge-suggestion page (acting through proposals.services.perform) and ``assist_eval``; and (issue 22)
the suggested handling units (assist.units, shown beside the assignment pickers and in
``GET /api/cases/{id}/suggested-units/``) and the pre-submission check 预审 (assist.precheck, with the advice
recorded on submit in PrecheckRecord from proposals' action_performed signal).
It reads cases only through proposals.access; proposals never imports assist.
"""
