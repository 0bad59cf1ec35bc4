"""The API's views: thin — they scope through proposals.access and act through proposals.services."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.params import id_param, parse_id
from members.models import Membership, Sector, Session, SpecialCommittee, Term, Unit, User
from proposals import access, action_forms, payloads, services, uploads, workflow
from proposals.errors import forbidden, invalid, not_found
from proposals.models import Attachment, Case, Proposer

from . import serializers as s
from .filters import CaseFilter, CaseOrdering, CasePagination, with_sort_keys
from .schema import action_body_serializer, errors

PROPOSERS = Prefetch(
    "proposers",
    queryset=Proposer.objects.select_related("user", "organisation", "sector", "group", "committee"),
)


def cases_for(user):
    return (
        with_sort_keys(access.visible_cases(user))
        .select_related("session", "category")
        .prefetch_related(PROPOSERS, "assignments")
    )


def case_or_404(request, pk) -> Case:
    return access.get_case_or_404(request.user, pk)


def detail_response(request, case_id, fallback: Case | None = None, status: int = 200) -> Response:
    case = cases_for(request.user).filter(pk=case_id).first() or fallback
    return Response(s.CaseDetailSerializer(case, context={"request": request}).data, status=status)


def body_dict(request) -> dict | None:
    """The request body as a plain dict (None when it is not a JSON object)."""
    data = request.data
    if hasattr(data, "getlist"):
        return {k: (v if len(v) > 1 else v[0]) for k, v in data.lists()}
    return dict(data) if isinstance(data, dict) else None


# --- Cases -------------------------------------------------------------------------------------


@extend_schema(tags=["cases"])
class CaseListView(generics.ListCreateAPIView):
    """可见提案列表（游标分页）；委员新建草稿。"""

    serializer_class = s.CaseListSerializer
    filterset_class = CaseFilter
    pagination_class = CasePagination
    filter_backends = [*generics.ListCreateAPIView.filter_backends, CaseOrdering]

    def get_queryset(self):
        return cases_for(self.request.user)

    @extend_schema(responses={200: s.CaseListSerializer(many=True), **errors(400)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.CaseCreateSerializer, responses={201: s.CaseDetailSerializer, **errors(400, 403, 409)})
    def post(self, request):
        body = s.CaseCreateSerializer(data=request.data)
        if not body.is_valid():
            # The actor's refusal (403) comes before bad data (400), as for every action.
            if not access.is_staff(request.user) and "member" not in request.user.role_set():
                raise forbidden("actor_not_allowed", "只有委员可以起草提案。")
            body.is_valid(raise_exception=True)
        case = services.create_draft(request.user, **body.validated_data)
        return detail_response(request, case.pk, case, status=201)


@extend_schema(tags=["cases"])
class CaseDetailView(generics.RetrieveAPIView):
    """提案详情；领衔提案人在草稿或退回修改时可修改。"""

    serializer_class = s.CaseDetailSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return cases_for(self.request.user)

    @extend_schema(responses={200: s.CaseDetailSerializer, **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=s.CaseWriteSerializer, responses={200: s.CaseDetailSerializer, **errors(400, 403, 404, 409)})
    def patch(self, request, pk):
        body = s.CaseWriteSerializer(data=request.data, partial=True)
        if not body.is_valid():
            services.update_draft(request.user, pk)  # answers 404/403/409 first; changes nothing
            body.is_valid(raise_exception=True)
        case = services.update_draft(request.user, pk, **body.validated_data)
        return detail_response(request, case.pk, case)


@extend_schema(tags=["actions"], responses={200: s.AvailableActionSerializer(many=True), **errors(404)})
class AvailableActionsView(APIView):
    """此用户现在可对该提案执行的操作及所需字段。"""

    def get(self, request, pk):
        case = case_or_404(request, pk)
        out = []
        for item in workflow.available_actions(request.user, case):
            out.append(
                {
                    "name": item.action.name,
                    "label": item.action.label,
                    "assignment": item.assignment.pk if item.assignment else None,
                    "unit": item.assignment.unit.name if item.assignment else None,
                    "url": f"/api/cases/{case.pk}/actions/{item.action.name}/",
                    "fields": action_forms.describe_fields(item.action),
                }
            )
        return Response(out)


class ActionView(APIView):
    """Base of the generated per-action views (see action_view())."""

    action_def: workflow.ActionDef
    parser_classes = [JSONParser]  # JSON only; anything else is answered 415

    def post(self, request, pk):
        data = body_dict(request)
        if data is None:
            self._refuse_before_data(request, pk, request.data)
            raise invalid("invalid_body", "请求体须为 JSON 对象。", {"non_field_errors": ["请求体须为 JSON 对象。"]})
        case = services.perform(self.action_def.name, request.user, pk, data)
        return detail_response(request, case.pk, case)

    def _refuse_before_data(self, request, pk, raw) -> None:
        # A malformed body is still answered in the documented order: 404, 403, 409, then 400.
        case = case_or_404(request, pk)
        assignment = None
        if self.action_def.on_assignment:
            raise not_found("assignment_not_found", "未找到该交办记录。请在请求中注明 assignment。")
        workflow.check(self.action_def, request.user, case, assignment)


def action_view(action: workflow.ActionDef) -> type[ActionView]:
    body = action_body_serializer(action)
    doc = f"{action.label}（{action.name}）。{action.description}".strip()
    view = type(
        f"{body.__name__.removesuffix('Serializer')}View", (ActionView,), {"action_def": action, "__doc__": doc}
    )
    return extend_schema_view(
        post=extend_schema(
            operation_id=f"cases_action_{action.name}",
            tags=["actions"],
            summary=action.label,
            description=doc,
            request=body,
            responses={200: s.CaseDetailSerializer, **errors(400, 403, 404, 409)},
        )
    )(view)


@extend_schema(exclude=True)
class UnknownActionView(APIView):
    def post(self, request, pk, action):
        services.perform(action, request.user, pk, {})  # answers 404: invisible case or no such action
        raise not_found("action_not_found", f"没有名为“{action}”的操作。")


# --- A case's parts ------------------------------------------------------------------------------


class CasePartView(generics.ListAPIView):
    """A list belonging to one visible case; ``rows(user, case)`` does the scoping."""

    pagination_class = None
    filter_backends: list = []

    def rows(self, user, case):
        raise NotImplementedError

    def get_queryset(self):
        return self.rows(self.request.user, case_or_404(self.request, self.kwargs["pk"]))

    def get_serializer_class(self):
        return self.serializer_class


def _part(name: str, serializer, rows, doc: str) -> type[CasePartView]:
    view = type(name, (CasePartView,), {"serializer_class": serializer, "rows": staticmethod(rows), "__doc__": doc})
    return extend_schema(tags=["cases"], responses={200: serializer(many=True), **errors(404)})(view)


class EventsView(CasePartView):
    """办理过程：提案人看到面向提案人的记录（无内部步骤、无 IP），提案委和审查看到完整审计记录。"""

    def rows(self, user, case):
        return access.visible_events(user, case)

    def get_serializer_class(self):
        return s.FullEventSerializer if access.sees_full_trail(self.request.user) else s.EventSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        if not access.sees_full_trail(request.user):
            for row in response.data:
                internal = payloads.INTERNAL_KEYS.get(row["action"], frozenset())
                row["data"] = {k: v for k, v in row["data"].items() if k not in internal}
        return response


EventsView = extend_schema(tags=["cases"], responses={200: s.EventDocSerializer(many=True), **errors(404)})(EventsView)

AssignmentsView = _part(
    "AssignmentsView",
    s.AssignmentSerializer,
    lambda user, case: case.assignments.select_related("unit").order_by("id"),
    "承办单位及各自的交办状态。",
)
RepliesView = _part("RepliesView", s.ReplySerializer, access.visible_replies, "答复（提案人只看到审核通过的答复）。")
RatingsView = _part("RatingsView", s.RatingSerializer, access.visible_ratings, "评价（提案人只看到自己的评价）。")
ContactsView = _part(
    "ContactsView",
    s.ContactSerializer,
    access.visible_contacts,
    "沟通记录（提案委、该案承办单位与提案人可见）。",
)


@extend_schema(tags=["attachments"])
class AttachmentsView(generics.ListAPIView):
    """附件列表；上传（大小与文件内容检查同网页）。"""

    serializer_class = s.AttachmentSerializer
    pagination_class = None
    filter_backends: list = []
    parser_classes = [MultiPartParser]  # uploads: multipart/form-data only; anything else is 415

    def get_queryset(self):
        case = case_or_404(self.request, self.kwargs["pk"])
        return access.visible_attachments(self.request.user, case).order_by("id")

    @extend_schema(responses={200: s.AttachmentSerializer(many=True), **errors(404)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer, **errors(400, 403, 404)},
    )
    def post(self, request, pk):
        case = case_or_404(request, pk)
        purpose = request.data.get("purpose") or Attachment.Purpose.ATTACHMENT
        allowed = access.upload_purposes(request.user, case)
        if not allowed:
            raise forbidden("upload_not_allowed", "您无权为此提案上传文件。")
        if purpose not in allowed:
            raise forbidden("upload_purpose_not_allowed", "您无权上传此类文件。")
        assignment = None
        if request.data.get("assignment"):
            assignment_id = parse_id(request.data["assignment"])
            assignment = case.assignments.filter(pk=assignment_id).first() if assignment_id else None
            if assignment is None:
                raise invalid("assignment_not_found", "未找到该交办记录。", {"assignment": ["未找到该交办记录。"]})
        if not access.upload_assignment_allowed(request.user, case, purpose, assignment):
            raise forbidden("upload_assignment_not_allowed", "只能为本单位的交办上传答复函。")
        with transaction.atomic():
            attachment = uploads.store(case, request.user, request.FILES.get("file"), purpose, assignment)
        return Response(s.AttachmentSerializer(attachment).data, status=201)


@extend_schema(tags=["attachments"], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, **errors(404)})
class AttachmentDownloadView(APIView):
    """下载附件（仅限可查看该提案及该文件的用户）。"""

    def get(self, request, pk, attachment_id):
        case = case_or_404(request, pk)
        attachment = access.visible_attachments(request.user, case).filter(pk=attachment_id).first()
        if attachment is None:
            raise not_found("attachment_not_found", "未找到该文件，或您无权查看。")
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )


# --- Reference data -----------------------------------------------------------------------------


@extend_schema(
    tags=["reference"],
    parameters=[
        OpenApiParameter("q", str, description="姓名包含"),
        OpenApiParameter("term", int, description="届次编号，默认当前届"),
    ],
)
class MembersView(generics.ListAPIView):
    """委员名录（联系方式仅提案委可见）。"""

    pagination_class = None
    filter_backends: list = []

    def get_serializer_class(self):
        return s.MemberContactSerializer if access.is_staff(self.request.user) else s.MemberSerializer

    @extend_schema(responses={200: s.MemberDocSerializer(many=True), **errors()})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        term_id = id_param(self.request.query_params, "term", "届次")
        term = Term.objects.filter(pk=term_id).first() if term_id else Term.current()
        memberships = Membership.objects.filter(term=term).select_related("sector", "committee")
        qs = (
            User.objects.filter(memberships__term=term)
            .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="term_memberships"))
            .order_by("id")
        )
        if self.request.query_params.get("q"):
            qs = qs.filter(name__icontains=self.request.query_params["q"])
        return qs


def _reference(name: str, model, serializer, doc: str):
    view = type(
        name,
        (generics.ListAPIView,),
        {
            "queryset": model.objects.all(),
            "serializer_class": serializer,
            "pagination_class": None,
            "filter_backends": [],
            "__doc__": doc,
        },
    )
    return extend_schema(tags=["reference"], responses={200: serializer(many=True), **errors()})(view)


UnitsView = _reference("UnitsView", Unit, s.UnitSerializer, "承办单位。")
CommitteesView = _reference("CommitteesView", SpecialCommittee, s.CommitteeSerializer, "专委会。")
SectorsView = _reference("SectorsView", Sector, s.SectorSerializer, "界别。")
SessionsView = _reference("SessionsView", Session, s.SessionSerializer, "会议（届次下的各次会议）。")
