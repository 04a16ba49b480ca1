"""The signed-in API: every queryset from the apps' scoped selectors, every write through
their services. A row outside the reader's scope answers 404 (as the pages do); a row in
scope that the reader may not change answers 403."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from civportal.versioning import StaleEdit
from communities.models import CommunityIndicator, Indicator, IndicatorValue, ProgressVisit
from communities.selectors import (
    communities_for,
    fiscal_year_targets_for,
    get_community_for,
    in_community_scope,
    stage_changes_for,
    visits_for,
)
from communities.services import log_visit, update_community
from mentorship.selectors import assignments_for, mous_for, sessions_for, with_register_counts
from notifications.models import Notification
from notifications.selectors import inbox_for
from products.selectors import enquiries_for, pending_revision_for, products_for

from . import filters
from . import serializers as s
from .idempotency import HEADER, create_once
from .models import Tombstone


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Rows by their numeric id; an id too large for a database integer is simply not found
    (it never reaches the database as an out-of-range number)."""

    lookup_value_regex = r"[0-9]{1,18}"


def through_service(call):
    """A service's ValidationError as the API's 400 (field by field where it says which)."""
    try:
        return call()
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from error
        raise ValidationError({"non_field_errors": error.messages}) from error


class VersionETagMixin:
    """Versioned rows (communities, listings, MOUs) carry their version as the ETag, the
    same number the portal's edit forms carry: a client sends it back as If-Match."""

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = f'"{instance.version}"'
        return response


class RemovedMixin:
    """``…/removed/?since=``: ids a syncing client must drop (deleted, or unpublished)."""

    tombstone_kind = None

    def removed_rows(self):
        return Tombstone.objects.filter(kind=self.tombstone_kind)

    @extend_schema(
        responses=s.TombstoneSerializer(many=True),
        filters=False,
        parameters=[
            OpenApiParameter("since", str, description="ISO 8601 moment / เวลาเริ่มต้น (ISO 8601)")
        ],
    )
    @action(detail=False, filterset_class=filters.RemovedFilter)
    def removed(self, request):
        queryset = filters.RemovedFilter(request.GET, self.removed_rows()).qs
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(s.TombstoneSerializer(page, many=True).data)


def read_version(request) -> int:
    """The version a client read the row at, from ``If-Match`` (the ETag it was given)."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise PreconditionRequired
    try:
        return int(header.removeprefix("W/").strip('"'))
    except ValueError as exc:
        raise ValidationError({"If-Match": _("Send back the ETag the row was read with.")}) from exc


class PreconditionRequired(APIException):
    status_code = 428
    default_detail = _(
        "Send the ETag you read the row with in an If-Match header, so that nobody's "
        "change is overwritten unseen."
    )
    default_code = "precondition_required"


class PreconditionFailed(APIException):
    status_code = 412
    default_code = "precondition_failed"


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "The ETag of the row as you read it; a change saved since answers 412 and saves "
        "nothing / ETag ที่ได้รับตอนอ่าน หากมีผู้แก้ไขในระหว่างนั้นจะได้ 412 และไม่บันทึก"
    ),
)


@extend_schema_view(
    partial_update=extend_schema(
        request=s.CommunityUpdateSerializer,
        responses={200: s.CommunitySerializer},
        parameters=[IF_MATCH],
    )
)
class CommunityViewSet(VersionETagMixin, RemovedMixin, mixins.UpdateModelMixin, ReadOnlyViewSet):
    """Communities in your scope (ชุมชนในขอบเขตของท่าน), with geography codes, stage, cohort.
    Leaders, officers and programme staff may change a few profile fields (PATCH)."""

    serializer_class = s.CommunitySerializer
    filterset_class = filters.CommunityFilter
    tombstone_kind = Tombstone.Kind.COMMUNITY
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return communities_for(self.request.user)

    def partial_update(self, request, *args, **kwargs):
        community = self.get_object()
        changes = s.CommunityUpdateSerializer(data=request.data, partial=True)
        changes.is_valid(raise_exception=True)
        version = read_version(request)
        try:
            updated = through_service(
                lambda: update_community(
                    request.user, community, version=version, **changes.validated_data
                )
            )
        except ValidationError as error:
            if isinstance(error.__cause__, StaleEdit):
                raise PreconditionFailed({"detail": error.__cause__.messages}) from error
            raise
        updated = self.get_queryset().get(pk=updated.pk)
        response = Response(s.CommunitySerializer(updated).data)
        response["ETag"] = f'"{updated.version}"'
        return response

    def get_serializer_class(self):
        return s.TombstoneSerializer if self.action == "removed" else super().get_serializer_class()


class StageChangeViewSet(ReadOnlyViewSet):
    """Stage moves of your communities (การเปลี่ยนระดับการพัฒนา)."""

    serializer_class = s.StageChangeSerializer
    filterset_class = filters.StageChangeFilter

    def get_queryset(self):
        return stage_changes_for(self.request.user)


class IndicatorViewSet(ReadOnlyViewSet):
    """The programme's indicators (ตัวชี้วัด): the same list for every signed-in person."""

    serializer_class = s.IndicatorSerializer
    queryset = Indicator.objects.all()
    filterset_fields = ["active"]


class IndicatorValueViewSet(ReadOnlyViewSet):
    """Indicator values logged on visits to your communities (ค่าตัวชี้วัด)."""

    serializer_class = s.IndicatorValueSerializer
    filterset_class = filters.by_community(
        IndicatorValue,
        prefix="visit__community",
        fiscal_year=filters.FiscalYearFilter(field_name="period_start"),
    )

    def get_queryset(self):
        visits = visits_for(self.request.user)
        return IndicatorValue.objects.filter(visit__in=visits.values("pk")).select_related(
            "visit", "indicator"
        )


class IndicatorTargetViewSet(ReadOnlyViewSet):
    """Baselines and targets of your communities' indicators (ค่าฐานและค่าเป้าหมาย)."""

    serializer_class = s.IndicatorTargetSerializer
    filterset_class = filters.by_community(CommunityIndicator)

    def get_queryset(self):
        queryset = CommunityIndicator.objects.select_related("indicator")
        return in_community_scope(queryset, self.request.user)


class FiscalYearTargetViewSet(ReadOnlyViewSet):
    """Targets of your communities' indicators, one per Thai fiscal year
    (ค่าเป้าหมายรายปีงบประมาณ)."""

    serializer_class = s.FiscalYearTargetSerializer
    filterset_class = filters.FiscalYearTargetFilter

    def get_queryset(self):
        return fiscal_year_targets_for(self.request.user)


@extend_schema_view(
    create=extend_schema(
        request=s.VisitCreateSerializer,
        responses={201: s.VisitSerializer},
        parameters=[
            OpenApiParameter(
                HEADER,
                str,
                OpenApiParameter.HEADER,
                description=(
                    "Any unique string: sending the same create again with it returns the "
                    "first result instead of a second visit / ส่งซ้ำด้วยค่าเดิมจะได้ผลเดิม "
                    "ไม่สร้างรายการซ้ำ"
                ),
            )
        ],
    )
)
class VisitViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Progress visits to your communities (การลงพื้นที่ติดตามผล); officers log new ones."""

    serializer_class = s.VisitSerializer
    filterset_class = filters.by_community(
        ProgressVisit, fiscal_year=filters.FiscalYearFilter(field_name="visited_on")
    )

    def get_queryset(self):
        return visits_for(self.request.user).prefetch_related(
            Prefetch("values", queryset=IndicatorValue.objects.select_related("indicator"))
        )

    def create(self, request, *args, **kwargs):
        incoming = s.VisitCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        community = get_community_for(request.user, data["community"])

        def log():
            return through_service(
                lambda: log_visit(
                    request.user,
                    community,
                    visited_on=data["visited_on"],
                    summary=data["summary"],
                    next_steps=data.get("next_steps", ""),
                    values=data.get("values") or {},
                )
            )

        visit, first_pk = create_once(
            request, log, result_url=lambda visit: reverse("api:visit-detail", args=[visit.pk])
        )
        replayed = visit is None
        visit = self.get_queryset().get(pk=first_pk if replayed else visit.pk)
        response = Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)
        response["Location"] = reverse("api:visit-detail", args=[visit.pk])
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


class MOUViewSet(VersionETagMixin, ReadOnlyViewSet):
    """MOUs you may see (บันทึกข้อตกลงความร่วมมือ (MOU))."""

    serializer_class = s.MOUSerializer
    filterset_fields = ["status", "company"]

    def get_queryset(self):
        return mous_for(self.request.user).prefetch_related("areas", "communities")


class AssignmentViewSet(ReadOnlyViewSet):
    """Mentor assignments under the MOUs you may see (การมอบหมายพี่เลี้ยง)."""

    serializer_class = s.AssignmentSerializer
    filterset_fields = ["mou", "mentor", "community"]

    def get_queryset(self):
        return assignments_for(self.request.user).prefetch_related("areas")


class TrainingSessionViewSet(ReadOnlyViewSet):
    """Training sessions you may see (การอบรม), with attendance totals."""

    serializer_class = s.TrainingSessionSerializer
    filterset_class = filters.TrainingSessionFilter

    def get_queryset(self):
        return with_register_counts(sessions_for(self.request.user)).select_related("area")


class ProductViewSet(VersionETagMixin, RemovedMixin, ReadOnlyViewSet):
    """Listings of your communities in every status (members see their drafts); the
    public's published listings are under /api/v1/open/products/."""

    serializer_class = s.ProductSerializer
    filterset_class = filters.ProductFilter
    tombstone_kind = Tombstone.Kind.PRODUCT

    def get_queryset(self):
        return products_for(self.request.user)

    @extend_schema(responses=s.ProductRevisionSerializer)
    @action(detail=True)
    def revision(self, request, pk=None):
        """The listing's change waiting for review (or returned); 404 when there is none.
        The listing itself (GET …/products/{id}/) is the published version."""
        revision = pending_revision_for(request.user, pk)
        if revision is None:
            raise Http404
        return Response(s.ProductRevisionSerializer(revision).data)

    def removed_rows(self):
        communities = communities_for(self.request.user).values("pk")
        return super().removed_rows().filter(community_id__in=communities)

    def get_serializer_class(self):
        if self.action == "removed":
            return s.TombstoneSerializer
        if self.action == "revision":
            return s.ProductRevisionSerializer
        return super().get_serializer_class()


class EnquiryViewSet(ReadOnlyViewSet):
    """Buyers' enquiries to your community (คำสอบถาม/สั่งซื้อจากผู้ซื้อ)."""

    serializer_class = s.EnquirySerializer
    filterset_fields = ["status", "product"]

    def get_queryset(self):
        return enquiries_for(self.request.user)


class NotificationViewSet(ReadOnlyViewSet):
    """Your own notifications (การแจ้งเตือนของท่าน)."""

    serializer_class = s.NotificationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema, made without a user
            return Notification.objects.none()
        return inbox_for(self.request.user)
