from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from civportal.admin import ReferenceAdmin, ScopedAdmin

from .models import Enquiry, Product, ProductImage, SalesChannel
from .permissions import can_edit_product
from .selectors import enquiries_for, products_for


@admin.register(SalesChannel)
class SalesChannelAdmin(ReferenceAdmin, admin.ModelAdmin):
    list_display = ["code", "name_th", "name_en"]


class ProductImageInline(admin.TabularInline):
    """Shown, not edited: photos come in only through the product form, which cleans them."""

    model = ProductImage
    extra = 0
    fields = ["image", "thumb", "position", "is_cover"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Product)
class ProductAdmin(ScopedAdmin, SimpleHistoryAdmin):
    selector = products_for
    can_edit = can_edit_product
    list_display = ["name_th", "community", "price", "unit", "status"]
    list_filter = ["status", "category"]
    search_fields = ["name_th", "name_en"]
    readonly_fields = ["status"]
    inlines = [ProductImageInline]


@admin.register(Enquiry)
class EnquiryAdmin(ScopedAdmin, admin.ModelAdmin):
    selector = enquiries_for
    list_display = ["product", "name", "status", "created_at"]
    list_filter = ["status"]
