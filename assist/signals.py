"""assist listens to proposals (which never imports assist): a case's text saved → its index row follows,
in the same transaction; the synonym list edited → the cases that mention the changed words are reindexed."""

from __future__ import annotations

from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from core import clock
from proposals.models import Case
from proposals.search import SOURCE_FIELDS
from proposals.services import action_performed

from . import index
from .models import PrecheckRecord, SynonymGroup


@receiver(post_save, sender=Case, dispatch_uid="assist_case_saved")
def _case_saved(sender, instance: Case, raw=False, update_fields=None, **kwargs) -> None:
    if raw or index.is_paused():  # loading fixtures, replaying the demo: assist_rebuild indexes them
        return
    if update_fields is not None and not (SOURCE_FIELDS & set(update_fields)):
        return
    index.reindex(instance)


@receiver(pre_delete, sender=Case, dispatch_uid="assist_case_deleted")
def _case_deleted(sender, instance: Case, **kwargs) -> None:
    # The index row goes with the case (CASCADE); its terms stop counting.
    index.forget(instance.pk)


@receiver(pre_save, sender=SynonymGroup, dispatch_uid="assist_synonyms_before")
def _remember_words(sender, instance: SynonymGroup, **kwargs) -> None:
    old = SynonymGroup.objects.filter(pk=instance.pk).values_list("words", flat=True).first() if instance.pk else None
    instance._old_words = old or ""  # type: ignore[attr-defined]


@receiver([post_save, post_delete], sender=SynonymGroup, dispatch_uid="assist_synonyms_changed")
def _synonyms_changed(sender, instance: SynonymGroup, **kwargs) -> None:
    index.synonyms_changed()
    words = set(instance.word_list()) | set(SynonymGroup(words=getattr(instance, "_old_words", "")).word_list())
    if not words:
        return
    mentions = Q()
    for word in words:
        mentions |= Q(title__icontains=word) | Q(facts__icontains=word) | Q(suggestions__icontains=word)
    syn = index.synonyms()
    for case in Case.objects.filter(mentions).only("id", "title", "facts", "suggestions").iterator():
        index.reindex(case, syn)


@receiver(action_performed, dispatch_uid="assist_precheck_on_submit")
def _record_precheck(sender, action, ctx, event, case: Case, **kwargs) -> None:
    """On submit, inside the submit's transaction: what the pre-submission check shows for the text as
    submitted (the drafting page showed the same for the same text), kept for staff and reviewers. The
    repeat rule looks at what the submitter may see, as their drafting page did."""
    if action.name != "submit":
        return
    from . import precheck, selectors

    if index.is_paused():  # the demo's replayed history: no index to search for repeats meanwhile
        advice = precheck.check_text(case.title, case.facts, case.suggestions)
    else:
        advice = selectors.precheck(
            ctx.user, case.title, case.facts, case.suggestions, exclude=case.pk, session_id=case.session_id
        )
    PrecheckRecord.objects.create(
        case=case,
        event=event,
        title=case.title[:200],
        advice=[a.as_dict() for a in advice],
        created_at=getattr(event, "at", None) or clock.now(),
    )
