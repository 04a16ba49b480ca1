from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from civportal.access import require
from civportal.files import serve_file
from civportal.forms import save_once

from . import services
from .forms import ReportRequestForm
from .models import ReportJob
from .permissions import can_request_reports
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
