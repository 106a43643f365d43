from django.shortcuts import get_object_or_404

from polis.catalog.models import ProductDocument
from polis.core.access import capability_required
from polis.documents.services import open_download


@capability_required("use_dashboard")
def product_document(request, pk: int):
    """A product's DIP, DIP aggiuntivo or conditions: the same for every firm."""
    document = get_object_or_404(ProductDocument.objects.select_related("file"), pk=pk)
    return open_download(actor=request.user, stored=document.file)
