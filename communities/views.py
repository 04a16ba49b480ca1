import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import can_manage_members
from civportal.access import require
from civportal.files import serve_file
from civportal.forms import TOKEN_FIELD, save_once, save_through_service
from search.query import CountedPaginator, suggestion_query

from . import exports, imports, services
from .figures import community_page_key, kept_community_reporting
from .forms import (
    CommunityForm,
    ImportConfirmForm,
    ImportForm,
    RegistryFilterForm,
    StageForm,
    TargetsForm,
    VisitForm,
    target_years,
)
from .permissions import (
    can_edit_community,
    can_import_communities,
    can_log_visit,
    can_move_stage,
    can_set_indicator_targets,
)
from .selectors import (
    communities_for,
    community_history,
    community_timeline,
    districts_of,
    get_community_for,
    get_visit_photo_for,
    indicator_trends,
    map_markers,
    provinces_for,
    readiness_for,
    registry_search,
    subdistricts_of,
)

PAGE_SIZE = 25
IMPORT_TTL = 3600


def map_settings() -> dict:
    return {"tile_url": settings.MAP_TILE_URL, "attribution": settings.MAP_ATTRIBUTION}


@login_required
def community_list(request):
    if request.user.role in (Role.LEADER, Role.MEMBER) and not request.user.is_programme_staff:
        # One community is theirs: its page, not a registry with filters and exports.
        return redirect("community_detail", pk=request.user.community_id)
    filter_form = RegistryFilterForm(request.GET or None, communities=communities_for(request.user))
    found = registry_search(request.user, **filter_form.filters())
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _export(found.queryset, export)
    page = CountedPaginator(found.queryset, PAGE_SIZE, count=found.count).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "communities/list.html",
        {
            "filter_form": filter_form,
            "page": page,
            "communities": page.object_list,
            "found": found,
            "suggestion_query": suggestion_query(request.GET, found),
            "query": query.urlencode(),
            "can_register": provinces_for(request.user).exists(),
            "can_import": can_import_communities(request.user),
        },
    )


def _export(queryset, fmt):
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(exports.communities_csv(queryset), content_type="text/csv")
    else:
        response = HttpResponse(
            exports.communities_xlsx(queryset),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="communities-{stamp}.{fmt}"'
    return response


@login_required
def community_map(request):
    communities = communities_for(request.user).order_by("province__name_th", "name_th")
    return render(
        request,
        "communities/map.html",
        {"communities": communities, "markers": map_markers(communities), "map": map_settings()},
    )


@login_required
def community_detail(request, pk):
    community = get_community_for(request.user, pk)
    user = request.user
    # The body is kept rendered (communities.figures.community_page_key): its parts are
    # read only when the template renders it afresh.
    return render(
        request,
        "communities/detail.html",
        {
            "community": community,
            "page_key": community_page_key(community),
            "page_seconds": settings.DASHBOARD_FIGURES_SECONDS,
            "timeline": SimpleLazyObject(lambda: community_timeline(community)),
            "trends": SimpleLazyObject(lambda: indicator_trends(community)),
            "readiness": SimpleLazyObject(lambda: readiness_for(community)),
            "reporting": kept_community_reporting(community),
            "photos": community.photos.all(),
            "products": community.products.all(),
            "can_edit": can_edit_community(user, community),
            "can_move_stage": can_move_stage(user, community),
            "can_log_visit": can_log_visit(user, community),
            "can_set_targets": can_set_indicator_targets(user, community),
            "can_manage_members": can_manage_members(user, community),
        },
    )


@login_required
def community_create(request):
    require(provinces_for(request.user).exists())
    form = CommunityForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        community = save_once(
            request,
            form,
            services.register_community,
            request.user,
            photos=form.cleaned_data["photos"],
            **form.service_fields(),
            result_url=lambda community: reverse("community_detail", args=[community.pk]),
        )
        if community:
            messages.success(request, _("Community registered."))
            return redirect("community_detail", pk=community.pk)
    return render(
        request, "communities/form.html", {"form": form, "community": None, "map": map_settings()}
    )


@login_required
def community_edit(request, pk):
    community = get_community_for(request.user, pk)
    require(can_edit_community(request.user, community))
    form = CommunityForm(
        request.POST or None, request.FILES or None, instance=community, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        fresh = communities_for(request.user).get(pk=pk)  # the form has already changed its copy
        if save_through_service(
            form,
            services.update_community,
            request.user,
            fresh,
            version=form.read_version,
            photos=form.cleaned_data["photos"],
            **form.service_fields(),
        ):
            messages.success(request, _("Community saved."))
            return redirect("community_detail", pk=pk)
    return render(
        request,
        "communities/form.html",
        {"form": form, "community": community, "map": map_settings()},
    )


@login_required
def visit_photo(request, pk):
    """A visit photo, only for those who may see its community (never a public file URL)."""
    return serve_file(request, get_visit_photo_for(request.user, pk).image)


@login_required
def visit_create(request, pk):
    community = get_community_for(request.user, pk)
    require(can_log_visit(request.user, community))
    form = VisitForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        visit = save_once(
            request,
            form,
            services.log_visit,
            request.user,
            community,
            **form.service_kwargs(),
            result_url=reverse("community_detail", args=[pk]),
        )
        if visit:
            form.discard_kept_uploads()
            messages.success(request, _("Visit logged."))
            return redirect("community_detail", pk=pk)
    if request.method == "POST":
        form.keep_uploads()  # the photos that passed their checks wait on the form
    return render(request, "communities/visit_form.html", {"form": form, "community": community})


@login_required
def stage_move(request, pk):
    community = get_community_for(request.user, pk)
    require(can_move_stage(request.user, community))
    form = StageForm(request.POST or None, community=community)
    if request.method == "POST" and form.is_valid():
        change = save_through_service(
            form,
            services.move_stage,
            request.user,
            community,
            form.cleaned_data["to_stage"],
            form.cleaned_data["reason"],
        )
        if change:
            messages.success(
                request, _("Stage moved to %(stage)s.") % {"stage": change.get_to_stage_display()}
            )
            return redirect("community_detail", pk=pk)
    return render(request, "communities/stage_form.html", {"form": form, "community": community})


@login_required
def indicator_targets(request, pk):
    community = get_community_for(request.user, pk)
    require(can_set_indicator_targets(request.user, community))
    years = target_years()
    try:
        year = int(request.GET.get("fy") or years[1])
    except ValueError:
        year = years[1]
    if year not in years:
        year = years[1]
    form = TargetsForm(request.POST or None, community=community, fiscal_year=year)
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(
            form, services.set_indicator_targets, request.user, community, form.targets(), year
        )
        if saved is not None:  # an empty list (every target cleared) is a success too
            messages.success(request, _("Baselines and targets saved."))
            return redirect("community_detail", pk=pk)
    return render(
        request,
        "communities/targets_form.html",
        {"form": form, "community": community, "years": years, "year": year},
    )


@login_required
def community_history_view(request, pk):
    community = get_community_for(request.user, pk)
    return render(
        request,
        "communities/history.html",
        {"community": community, "entries": community_history(community)},
    )


# --- Geography pickers (htmx) ------------------------------------------------------
@login_required
@require_GET
def geo_districts(request):
    code = request.GET.get("province", "")
    # Only provinces this user may register in; anything else lists nothing.
    districts = districts_of(code) if provinces_for(request.user).filter(pk=code).exists() else []
    return render(request, "communities/_district_options.html", {"districts": districts})


@login_required
@require_GET
def geo_subdistricts(request):
    code = request.GET.get("district", "")
    allowed = provinces_for(request.user).filter(districts__code=code).exists()
    return render(
        request,
        "communities/_options.html",
        {"options": subdistricts_of(code) if allowed else []},
    )


# --- Import ----------------------------------------------------------------------
CHECKERS = {
    ImportForm.Kind.COMMUNITIES: (imports.check_communities, services.import_communities),
    ImportForm.Kind.VALUES: (imports.check_indicator_values, services.import_indicator_values),
}


def _stash_key(user, token):
    return f"communities:import:{user.pk}:{token}"


@login_required
def community_import(request):
    """Upload → dry run: every bad row listed, nothing saved; a clean file waits for "Save all"."""
    require(can_import_communities(request.user))
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        content = upload.read()
        try:
            table = imports.read_table(upload.name, content)
        except imports.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            check, _save = CHECKERS[kind]
            result = check(request.user, table)
            context["result"] = result
            if result.clean:
                # Kept server-side for the confirm step, so the file is not uploaded twice.
                token = secrets.token_urlsafe(16)
                cache.set(
                    _stash_key(request.user, token),
                    {"name": upload.name, "content": content, "kind": kind},
                    IMPORT_TTL,
                )
                context["token"] = token
    return render(request, "communities/import.html", context)


@login_required
@require_POST
def community_import_confirm(request):
    require(can_import_communities(request.user))
    token = request.POST.get("token", "")
    key = _stash_key(request.user, token)
    form = ImportConfirmForm({TOKEN_FIELD: token})
    form.is_valid()
    outcome = {}

    def save_all():
        stash = cache.get(key)
        if stash is None:
            return None
        check, save = CHECKERS[stash["kind"]]
        outcome["result"] = check(request.user, imports.read_table(stash["name"], stash["content"]))
        return save(request.user, outcome["result"].rows) if outcome["result"].clean else None

    # A second "Save all" (double click) waits for the first and is led to the registry.
    saved = save_once(request, form, save_all, result_url=reverse("community_list"))
    if saved is None and "result" in outcome:
        # Someone registered a clashing community in between: show the new problems.
        context = {"form": ImportForm(), "result": outcome["result"]}
        return render(request, "communities/import.html", context)
    if saved is None:
        messages.error(request, _("That upload has expired. Please upload the file again."))
        return redirect("community_import")
    cache.delete(key)
    messages.success(request, _("%(n)d rows saved.") % {"n": len(saved)})
    return redirect("community_list")
