from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # The role workbenches come with the web issue; until then the admin is the way in.
    return redirect("admin:index")
