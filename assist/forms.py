"""The synonym-group form staff fill in (assist/synonyms/): words checked and normalised, messages in Chinese."""

from __future__ import annotations

from django import forms

from .models import SynonymGroup, split_words
from .text import normalise

MIN_WORD, MAX_WORD, MAX_WORDS = 2, 20, 30


class SynonymGroupForm(forms.Form):
    words = forms.CharField(
        label="同义词",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="同一事项的不同说法，用空格、逗号或顿号分隔，第一个词作为该组的名称。例如：停车难 停车位 停车场",
        error_messages={"required": "请填写同义词。", "max_length": "同义词总共不能超过1000个字。"},
    )
    active = forms.BooleanField(label="启用", required=False, initial=True)
    note = forms.CharField(
        label="说明",
        max_length=200,
        required=False,
        error_messages={"max_length": "说明不能超过200个字。"},
    )

    def __init__(self, *args, group: SynonymGroup | None = None, **kwargs):
        self.group = group
        if group is not None and "initial" not in kwargs:
            kwargs["initial"] = {"words": " ".join(group.word_list()), "active": group.active, "note": group.note}
        super().__init__(*args, **kwargs)

    def clean_words(self) -> list[str]:
        words = list(dict.fromkeys(split_words(self.cleaned_data["words"])))  # a word typed twice counts once
        short = [w for w in words if len(w) < MIN_WORD]
        if short:
            raise forms.ValidationError(f"“{'”“'.join(short)}”太短：每个词至少{MIN_WORD}个字，单字会匹配太多提案。")
        long = [w for w in words if len(w) > MAX_WORD]
        if long:
            raise forms.ValidationError(f"“{'”“'.join(long)}”太长：每个词不超过{MAX_WORD}个字。")
        if len({normalise(w) for w in words}) < 2:
            raise forms.ValidationError("一组至少要有两个不同的说法，例如：停车难 停车位。")
        if len(words) > MAX_WORDS:
            raise forms.ValidationError(f"一组最多{MAX_WORDS}个词，请拆成几组。")
        return words

    def clean(self):
        cleaned = super().clean() or {}
        words = cleaned.get("words")
        if words and cleaned.get("active"):
            # One word, one group: the index maps a phrase to the first active group naming it, so a second
            # group with the same word would silently lose it.
            mine = {normalise(w): w for w in words}
            others = SynonymGroup.objects.filter(active=True)
            if self.group is not None:
                others = others.exclude(pk=self.group.pk)
            for other in others:
                shared = [mine[k] for k in mine.keys() & {normalise(w) for w in other.word_list()}]
                if shared:
                    self.add_error(
                        "words", f"“{'”“'.join(sorted(shared))}”已在另一组（{other}）中，一个词只能属于一个启用的组。"
                    )
                    break
        return cleaned
