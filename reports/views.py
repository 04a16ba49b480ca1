from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from civportal.access import require
from civportal.files import serve_file
from civportal.forms import save_once
from communities.models import Stage

from . import services
from .forms import ReportRequestForm, ResultsFilterForm
from .models import ReportJob
from .permissions import can_request_reports, can_see_results
from .selectors import get_report_for, reports_for, with_provinces


@login_required
def report_list(request):
    """Ask for a report, and see the reports in one's scope."""
    require(can_request_reports(request.user))
    form = ReportRequestForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = save_once(
            request,
            form,
            services.request_report,
            request.user,
            kind=form.cleaned_data["kind"],
            province=form.cleaned_data["province"],
            mou=form.cleaned_data["mou"],
            fy=form.cleaned_data["fy"],
            period=form.cleaned_data["period"] or None,
            result_url=lambda job: reverse("report_detail", args=[job.pk]),
        )
        if job:
            return redirect("report_detail", pk=job.pk)
    jobs = with_provinces(reports_for(request.user)[:30])
    return render(request, "reports/list.html", {"form": form, "jobs": jobs})


@login_required
def report_detail(request, pk):
    (job,) = with_provinces([get_report_for(request.user, pk)])
    return render(request, "reports/detail.html", {"job": job})


@login_required
def report_status(request, pk):
    """The progress block the job page polls (htmx) until the job is done or failed."""
    job = get_report_for(request.user, pk)
    return render(request, "reports/_status.html", {"job": job})


@login_required
def report_download(request, pk):
    job = get_report_for(request.user, pk)
    if job.status != ReportJob.Status.DONE:
        raise Http404
    return serve_file(request, job.file)


@login_required
def results(request):
    """Programme results of one fiscal year, by province, cohort and Big Brother (scoped)."""
    from civportal.fiscal import fiscal_year

    from . import results as figures

    require(can_see_results(request.user))
    form = ResultsFilterForm(request.user, request.GET or None)
    fy = fiscal_year(timezone.localdate())
    chosen = {}
    if form.is_bound and form.is_valid():
        fy = form.cleaned_data["fy"]
        chosen = {
            "province": getattr(form.cleaned_data["province"], "pk", None),
            "cohort": getattr(form.cleaned_data["cohort"], "pk", None),
            "company": getattr(form.cleaned_data["company"], "pk", None),
        }
    found = figures.programme_results(request.user, fy, **chosen)
    cohort = form.cleaned_data.get("cohort") if form.is_bound and form.is_valid() else None
    over_years = []
    if cohort is not None:
        years = range(max(cohort.start_year, fy - 5), fy + 1)
        over_years = figures.cohort_over_years(request.user, cohort, list(years))
    return render(
        request,
        "reports/results.html",
        {
            "form": form,
            "results": found,
            "stage_bars": figures.stage_bars(found.total),
            "stages": Stage.choices,
            "cohort": cohort,
            "over_years": over_years,
        },
    )
