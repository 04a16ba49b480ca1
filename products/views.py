"""Signed-in pages: members keep their listings, officers review, members answer enquiries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civportal.access import require
from civportal.confirm import confirmation_page, is_confirmed
from civportal.forms import save_once, save_through_service

from . import services
from .forms import ProductForm, ReplyForm, ReturnForm
from .models import Product
from .permissions import (
    can_answer_enquiry,
    can_create_product,
    can_edit_product,
    can_review_product,
)
from .selectors import (
    enquiry_cards_for,
    get_enquiry_for,
    get_photo_for,
    get_product_for,
    listings_to_review_for,
    products_for,
    proposed_photos,
    revision_changes,
)


@login_required
def product_list(request):
    products = products_for(request.user).order_by("community__name_th", "name_th")
    community = request.user.community if request.user.community_id else None
    return render(
        request,
        "products/list.html",
        {
            "products": products[:200],
            "to_review": listings_to_review_for(request.user)[:50],
            "can_create": community is not None and can_create_product(request.user, community),
        },
    )


@login_required
def product_create(request):
    community = request.user.community if request.user.community_id else None
    if community is None:
        raise Http404
    require(can_create_product(request.user, community))
    form = ProductForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        product = save_once(
            request,
            form,
            services.create_product,
            request.user,
            community,
            photos=form.cleaned_data["photos"],
            sales_channels=form.cleaned_data["sales_channels"],
            **form.product_fields(),
            result_url=lambda product: reverse("product_detail", args=[product.pk]),
        )
        if product:
            messages.success(request, _("Product saved as a draft. Send it for review when ready."))
            return redirect("product_detail", pk=product.pk)
    return render(request, "products/form.html", {"form": form, "product": None})


def _detail(request, product, return_form=None):
    """The listing as its members are editing it (a waiting change on top of the published
    version), with what that change alters for the officer who reviews it."""
    changes, added, removed = revision_changes(product)
    return render(
        request,
        "products/detail.html",
        {
            "product": product.as_revised(),
            "published": product,
            "revision": product.open_revision,
            "changes": changes,
            "photos_added": added,
            "photos_removed": removed,
            "photos": proposed_photos(product),
            "channels": product.sales_channels.all(),
            "can_edit": can_edit_product(request.user, product),
            "can_review": can_review_product(request.user, product)
            and services.awaits_review(product),
            "return_form": return_form or ReturnForm(),
        },
    )


@login_required
def product_detail(request, pk):
    return _detail(request, get_product_for(request.user, pk))


@login_required
def product_edit(request, pk):
    product = get_product_for(request.user, pk)
    require(can_edit_product(request.user, product))
    # A published listing's form shows the change waiting for review, if there is one.
    form = ProductForm(request.POST or None, request.FILES or None, instance=product.as_revised())
    if request.method == "POST" and form.is_valid():
        saved = save_through_service(
            form,
            services.update_product,
            request.user,
            product,
            version=form.read_version,
            photos=form.cleaned_data["photos"],
            sales_channels=form.cleaned_data["sales_channels"],
            **form.product_fields(),
        )
        if saved:
            revision = saved.open_revision
            if revision is not None and revision.status == revision.Status.PENDING:
                messages.success(
                    request,
                    _(
                        "Saved. Your change is waiting for the officer's review; until then "
                        "the public sees the published version."
                    ),
                )
            else:
                messages.success(request, _("Product saved."))
            return redirect("product_detail", pk=pk)
    return render(
        request,
        "products/form.html",
        {"form": form, "product": product, "photos": proposed_photos(product)},
    )


PHOTO_ACTIONS = {
    "up": lambda user, photo: services.move_product_photo(user, photo, -1),
    "down": lambda user, photo: services.move_product_photo(user, photo, +1),
    "cover": services.set_product_cover,
    "delete": services.delete_product_photo,
}


@login_required
@require_POST
def photo_action(request, pk, action):
    if action not in PHOTO_ACTIONS:
        raise Http404
    photo = get_photo_for(request.user, pk)
    require(can_edit_product(request.user, photo.product))
    PHOTO_ACTIONS[action](request.user, photo)
    return redirect("product_edit", pk=photo.product_id)


def _change_status(request, pk, predicate, service, success):
    product = get_product_for(request.user, pk)
    require(predicate(request.user, product))
    try:
        service(request.user, product)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("product_detail", pk=pk)


@login_required
@require_POST
def product_submit(request, pk):
    return _change_status(
        request, pk, can_edit_product, services.submit_product, _("Sent for review.")
    )


@login_required
@require_POST
def product_publish(request, pk):
    return _change_status(
        request, pk, can_review_product, services.publish_product, _("Published.")
    )


@login_required
@require_POST
def product_return(request, pk):
    product = get_product_for(request.user, pk)
    require(can_review_product(request.user, product))
    form = ReturnForm(request.POST)
    if form.is_valid() and save_through_service(
        form, services.return_product, request.user, product, form.cleaned_data["comment"]
    ):
        messages.success(request, _("Returned to the community with your comment."))
        return redirect("product_detail", pk=pk)
    return _detail(request, product, form)


@login_required
def product_archive(request, pk):
    """Archive a listing, once confirmed (civportal.confirm): it leaves the public site."""
    product = get_product_for(request.user, pk)
    require(can_edit_product(request.user, product))
    if not is_confirmed(request):
        consequences = [
            _("It stays in your product list, marked archived."),
            _("You can restore it later from its page."),
        ]
        if product.status == Product.Status.PUBLISHED:
            consequences.insert(
                0,
                _(
                    "“%(name)s” disappears from the public catalogue and the community's "
                    "public page; buyers can no longer send enquiries about it."
                )
                % {"name": product.name},
            )
        return confirmation_page(
            request,
            title=_("Archive this listing?"),
            consequences=consequences,
            button=_("Yes, archive it"),
            back=reverse("product_detail", args=[pk]),
        )
    return _change_status(request, pk, can_edit_product, services.archive_product, _("Archived."))


@login_required
def product_withdraw(request, pk):
    """Take back the change waiting for review, once confirmed; the published version stays."""
    product = get_product_for(request.user, pk)
    require(can_edit_product(request.user, product))
    if product.open_revision is None:
        raise Http404
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Withdraw your change?"),
            consequences=[
                _("The change waiting for review is discarded, with any photos added for it."),
                _("The public keeps seeing the published version, unchanged."),
            ],
            button=_("Yes, withdraw the change"),
            back=reverse("product_detail", args=[pk]),
        )
    return _change_status(
        request, pk, can_edit_product, services.withdraw_revision, _("Change withdrawn.")
    )


@login_required
def product_restore(request, pk):
    """Restore an archived listing, once confirmed: where it was before archiving."""
    product = get_product_for(request.user, pk)
    require(can_edit_product(request.user, product))
    if product.status != Product.Status.ARCHIVED:
        raise Http404
    if product.status_before_archive == Product.Status.PUBLISHED and product.published_at:
        consequences = [
            _(
                "“%(name)s” is back on the public catalogue and the community's public page "
                "at once, as it was when it was archived."
            )
            % {"name": product.name},
            _("Check its price and stock after restoring it."),
        ]
    else:
        consequences = [_("It comes back as a draft. Send it for review when it is ready.")]
    if not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Restore this listing?"),
            consequences=consequences,
            button=_("Yes, restore it"),
            back=reverse("product_detail", args=[pk]),
            danger=False,
        )
    return _change_status(request, pk, can_edit_product, services.restore_product, _("Restored."))


@login_required
def enquiry_list(request):
    enquiries = Paginator(enquiry_cards_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "products/enquiries.html", {"enquiries": enquiries})


@login_required
@require_POST
def enquiry_answered(request, pk):
    enquiry = get_enquiry_for(request.user, pk)
    require(can_answer_enquiry(request.user, enquiry))
    services.mark_enquiry_answered(request.user, enquiry)
    messages.success(request, _("Marked as answered."))
    return redirect("enquiry_list")


@login_required
def enquiry_reply(request, pk):
    """Answer a buyer by e-mail from the portal (sent once, through the outbox)."""
    enquiry = get_enquiry_for(request.user, pk)
    require(can_answer_enquiry(request.user, enquiry))
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reply = save_once(
            request,
            form,
            services.reply_to_enquiry,
            request.user,
            enquiry,
            form.cleaned_data["message"],
            result_url=reverse("enquiry_list") + f"#enquiry-{enquiry.pk}",
        )
        if reply:
            messages.success(request, _("Reply sent to the buyer's e-mail."))
            return redirect(reverse("enquiry_list") + f"#enquiry-{enquiry.pk}")
    return render(request, "products/enquiry_reply.html", {"enquiry": enquiry, "form": form})
