from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from civportal.access import require
from civportal.forms import save_through_service

from . import services
from .forms import ProductForm
from .permissions import can_edit_product
from .selectors import get_product_for, products_for


@login_required
def product_list(request):
    products = products_for(request.user).order_by("community__name_th", "name_th")
    return render(request, "products/list.html", {"products": products[:200]})


@login_required
def product_detail(request, pk):
    product = get_product_for(request.user, pk)
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "channels": product.sales_channels.all(),
            "can_edit": can_edit_product(request.user, product),
        },
    )


@login_required
def product_edit(request, pk):
    product = get_product_for(request.user, pk)
    require(can_edit_product(request.user, product))
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.PRODUCT_FIELDS}
        fresh = products_for(request.user).get(pk=pk)
        saved = save_through_service(
            form,
            services.update_product,
            request.user,
            fresh,
            sales_channels=form.cleaned_data["sales_channels"],
            **fields,
        )
        if saved:
            messages.success(request, _("Product saved."))
            return redirect("product_detail", pk=pk)
    return render(request, "products/form.html", {"form": form, "product": product})
