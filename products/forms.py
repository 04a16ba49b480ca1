from django import forms

from .models import Product
from .services import PRODUCT_FIELDS


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = [*PRODUCT_FIELDS, "sales_channels"]
        widgets = {
            "story": forms.Textarea(attrs={"rows": 4}),
            "sales_channels": forms.CheckboxSelectMultiple,
            "price": forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        }
