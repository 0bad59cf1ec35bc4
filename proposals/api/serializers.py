"""What the API shows of cases and their parts. Reading only: every write goes through services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.models import AuditEvent
from members.models import Membership, Sector, Session, SpecialCommittee, Unit, User
from proposals import access
from proposals.models import Assignment, Attachment, Case, ContactRecord, Kind, Proposer, Rating, Reply


class ProposerSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    confirmation_label = serializers.CharField(source="get_confirmation_display", read_only=True)

    class Meta:
        model = Proposer
        fields = [
            "id",
            "user",
            "name",
            "role",
            "role_label",
            "order",
            "collective",
            "confirmation",
            "confirmation_label",
        ]


class ProposerContactSerializer(ProposerSerializer):
    """For staff and the units the case is assigned to (access.can_see_contact_details)."""

    phone = serializers.CharField(source="user.phone", read_only=True)
    address = serializers.CharField(source="user.address", read_only=True)

    class Meta(ProposerSerializer.Meta):
        fields = ProposerSerializer.Meta.fields + ["phone", "address"]


class ProposerDocSerializer(ProposerSerializer):
    """Schema only: phone and address appear for staff and the case's units."""

    phone = serializers.CharField(required=False)
    address = serializers.CharField(required=False)

    class Meta(ProposerSerializer.Meta):
        fields = ProposerSerializer.Meta.fields + ["phone", "address"]


class CaseListSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(read_only=True)
    display_number = serializers.CharField(read_only=True)
    session_name = serializers.CharField(source="session.name", read_only=True, default=None, allow_null=True)
    category_name = serializers.CharField(source="category.name", read_only=True, default=None, allow_null=True)
    initiator = serializers.SerializerMethodField()
    due_date = serializers.DateField(read_only=True, allow_null=True, help_text="在办承办单位中最早的答复期限")

    class Meta:
        model = Case
        fields = [
            "id",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "number",
            "display_number",
            "title",
            "term",
            "session",
            "session_name",
            "category",
            "category_name",
            "source",
            "is_key",
            "initiator",
            "created_at",
            "submitted_at",
            "filed_at",
            "assigned_at",
            "replied_at",
            "closed_at",
            "due_date",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_initiator(self, case: Case) -> str | None:
        row = case.initiator
        return row.display_name if row else None


class CaseDetailSerializer(CaseListSerializer):
    proposers = serializers.SerializerMethodField()
    merged_into = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "facts",
            "suggestions",
            "is_public",
            "not_public_reason",
            "published_at",
            "updated_at",
            "status_reason",
            "merged_into",
            "round",
            "rating_deadline",
            "follow_up_done",
            "proposers",
        ]

    @extend_schema_field(ProposerDocSerializer(many=True))
    def get_proposers(self, case: Case) -> list[dict]:
        user = self.context["request"].user
        cls = ProposerContactSerializer if access.can_see_contact_details(user, case) else ProposerSerializer
        return cls(case.proposers.all(), many=True).data


class CaseWriteSerializer(serializers.Serializer):
    """The body of POST /api/cases/ and PATCH /api/cases/{id}/ (drafts only; see services.create_draft)."""

    title = serializers.CharField(max_length=100, required=False)
    facts = serializers.CharField(required=False, allow_blank=True)
    suggestions = serializers.CharField(required=False, allow_blank=True)
    category = serializers.IntegerField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    is_public = serializers.BooleanField(required=False)
    not_public_reason = serializers.CharField(required=False, allow_blank=True, max_length=300)
    cosigners = serializers.ListField(child=serializers.IntegerField(), required=False, help_text="附议委员的用户编号")


class CaseCreateSerializer(CaseWriteSerializer):
    title = serializers.CharField(max_length=100)
    on_behalf_of = serializers.IntegerField(required=False, help_text="提案委代录时：领衔委员的用户编号")
    collective = serializers.ChoiceField(choices=Proposer.Collective.choices, required=False, allow_blank=True)
    organisation = serializers.IntegerField(required=False, allow_null=True)


class AvailableActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    assignment = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField(allow_null=True)
    url = serializers.CharField()
    fields = serializers.ListField(child=serializers.DictField())


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    on_behalf_of_name = serializers.SerializerMethodField()

    class Meta:
        model = AuditEvent
        fields = ["seq", "at", "action", "actor_name", "on_behalf_of_name", "from_state", "to_state", "outcome", "data"]

    @extend_schema_field(serializers.CharField())
    def get_actor_name(self, event: AuditEvent) -> str:
        return event.actor.display_name if event.actor else event.actor_label

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_on_behalf_of_name(self, event: AuditEvent) -> str | None:
        return event.on_behalf_of.display_name if event.on_behalf_of else None


class FullEventSerializer(EventSerializer):
    class Meta(EventSerializer.Meta):
        fields = EventSerializer.Meta.fields + ["actor", "ip", "hash"]


class EventDocSerializer(EventSerializer):
    """Schema only: actor, ip and hash appear in the full trail (staff, reviewers)."""

    actor = serializers.IntegerField(required=False, allow_null=True)
    ip = serializers.CharField(required=False, allow_null=True)
    hash = serializers.CharField(required=False)

    class Meta(EventSerializer.Meta):
        fields = EventSerializer.Meta.fields + ["actor", "ip", "hash"]


class AssignmentSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "unit",
            "unit_name",
            "role",
            "role_label",
            "status",
            "status_label",
            "round",
            "assigned_at",
            "return_deadline",
            "due_date",
            "original_due_date",
            "signed_at",
            "replied_at",
            "accepted_at",
        ]


class ReplySerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)

    class Meta:
        model = Reply
        fields = [
            "id",
            "assignment",
            "unit_name",
            "round",
            "state",
            "reply_class",
            "letter",
            "signer",
            "contact_person",
            "contact_phone",
            "letter_file",
            "submitted_at",
            "decided_at",
        ]


class RatingSerializer(serializers.ModelSerializer):
    proposer_name = serializers.CharField(source="proposer.display_name", read_only=True)
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)

    class Meta:
        model = Rating
        fields = [
            "id",
            "assignment",
            "unit_name",
            "proposer",
            "proposer_name",
            "round",
            "reply_rating",
            "contact_rating",
            "comment",
            "rated_at",
        ]


class ContactSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="assignment.unit.name", read_only=True)

    class Meta:
        model = ContactRecord
        fields = [
            "id",
            "assignment",
            "unit_name",
            "way",
            "point",
            "date",
            "people",
            "summary",
            "face_to_face",
            "created_at",
        ]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "purpose", "original_name", "content_type", "size", "uploaded_at", "assignment", "download_url"]

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, attachment: Attachment) -> str:
        return f"/api/cases/{attachment.case_id}/attachments/{attachment.pk}/download/"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    purpose = serializers.ChoiceField(choices=Attachment.Purpose.choices, required=False)
    assignment = serializers.IntegerField(required=False, allow_null=True)


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)
    sector = serializers.SerializerMethodField()
    committee = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "name", "sector", "committee"]

    def _membership(self, user) -> Membership | None:
        rows = getattr(user, "term_memberships", None)
        return rows[0] if rows else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_sector(self, user) -> str | None:
        m = self._membership(user)
        return m.sector.name if m else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_committee(self, user) -> str | None:
        m = self._membership(user)
        return m.committee.name if m else None


class MemberContactSerializer(MemberSerializer):
    class Meta(MemberSerializer.Meta):
        fields = MemberSerializer.Meta.fields + ["phone", "address", "work_unit"]


class MemberDocSerializer(MemberSerializer):
    """Schema only: contact fields appear for staff."""

    phone = serializers.CharField(required=False)
    address = serializers.CharField(required=False)
    work_unit = serializers.CharField(required=False)

    class Meta(MemberSerializer.Meta):
        fields = MemberSerializer.Meta.fields + ["phone", "address", "work_unit"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "active"]


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "name"]


class CommitteeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpecialCommittee
        fields = ["id", "name"]


class SessionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Session
        fields = ["id", "term", "number", "name", "opens", "closes"]
